// Framer: turning arbitrary read boundaries into whole PDU frames, and
// refusing lengths that would desynchronise or balloon the buffer.
#define BOOST_TEST_MODULE codec_framer
#include <cstring>
#include <random>

#include "smpp/codec/framer.hpp"
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {

// A few PDUs of different sizes, with sequence numbers that tell them apart.
std::vector<bytes> sample_pdus(std::size_t count, std::size_t big_text = 0) {
    std::vector<bytes> out;
    const std::string text(big_text ? big_text : 40, 't');
    for (std::size_t i = 0; i < count; ++i) {
        pdu p;
        p.sequence_number = static_cast<std::uint32_t>(i + 1);
        const std::string id = "id-" + std::to_string(i);
        switch (i % 4) {
        case 0: p.body = enquire_link{}; break;
        case 1: {
            submit_sm s;
            s.source_addr = "447700900123";
            s.destination_addr = "447700900456";
            s.short_message = std::string_view{text}.substr(0, std::min<std::size_t>(text.size(), 200));
            s.tlvs.push_back(tlv{tag::message_payload, text});
            p.body = s;
            break;
        }
        case 2: {
            bind_transceiver b;
            b.system_id = "trx";
            p.body = b;
            break;
        }
        default: {
            submit_sm_resp r;
            r.message_id = id;
            p.body = r;
        }
        }
        out.push_back(encode_ok(p));
    }
    return out;
}

bytes concat(const std::vector<bytes>& pdus) {
    bytes all;
    for (const auto& b : pdus) all.insert(all.end(), b.begin(), b.end());
    return all;
}

void drain(framer& f, std::vector<bytes>& frames) {
    for (;;) {
        const auto r = f.next();
        if (r.st == framer::status::need_more) return;
        BOOST_REQUIRE(r.st == framer::status::frame);
        BOOST_REQUIRE(r.hdr.command_length == r.bytes.size());
        frames.emplace_back(r.bytes.begin(), r.bytes.end());
    }
}

// Pushes `data` through prepare()/commit() in reads of at most `chunk`
// bytes, draining frames after every read as a socket loop would.
void push(framer& f, std::span<const std::uint8_t> data, std::vector<bytes>& frames, std::size_t chunk) {
    while (!data.empty()) {
        const auto room = f.prepare();
        BOOST_REQUIRE(!room.empty());
        const std::size_t n = std::min({room.size(), data.size(), chunk});
        std::memcpy(room.data(), data.data(), n);
        f.commit(n);
        data = data.subspan(n);
        drain(f, frames);
    }
}

void expect_same(const std::vector<bytes>& got, const std::vector<bytes>& want) {
    BOOST_REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) BOOST_TEST(got[i] == want[i], "frame " << i);
}

} // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(one_byte_per_read) {
    const auto pdus = sample_pdus(12);
    const bytes stream = concat(pdus);
    framer f;
    std::vector<bytes> frames;
    push(f, stream, frames, 1);
    expect_same(frames, pdus);
    BOOST_TEST(f.buffered() == 0u);
    for (const auto& fr : frames) decode_ok(fr);
}

BOOST_AUTO_TEST_CASE(random_read_sizes_and_capacities) {
    const auto pdus = sample_pdus(200);
    const bytes stream = concat(pdus);
    std::mt19937 rng{20240101}; // fixed seed: failures must reproduce
    for (std::size_t capacity : {16u, 64u, 1000u, 16384u}) {
        framer f{64 * 1024, capacity};
        std::vector<bytes> frames;
        std::span<const std::uint8_t> rest{stream};
        std::uniform_int_distribution<std::size_t> size_of_read{1, 97};
        while (!rest.empty()) {
            const std::size_t n = std::min(size_of_read(rng), rest.size());
            push(f, rest.first(n), frames, n);
            rest = rest.subspan(n);
        }
        BOOST_TEST_CONTEXT("initial capacity " << capacity) {
            expect_same(frames, pdus);
            BOOST_TEST(f.buffered() == 0u);
        }
    }
}

BOOST_AUTO_TEST_CASE(many_pdus_in_one_read) {
    const auto pdus = sample_pdus(400);
    const bytes stream = concat(pdus);
    framer f{64 * 1024, 64 * 1024};
    const auto room = f.prepare();
    BOOST_REQUIRE(room.size() >= stream.size());
    std::memcpy(room.data(), stream.data(), stream.size());
    f.commit(stream.size());
    // All spans stay valid together until the next prepare(): no copies.
    std::vector<std::span<const std::uint8_t>> spans;
    for (auto r = f.next(); r.st == framer::status::frame; r = f.next()) spans.push_back(r.bytes);
    BOOST_REQUIRE(spans.size() == pdus.size());
    for (std::size_t i = 0; i < spans.size(); ++i) {
        BOOST_TEST(bytes(spans[i].begin(), spans[i].end()) == pdus[i]);
        if (i > 0) BOOST_TEST(spans[i].data() == spans[i - 1].data() + spans[i - 1].size());
    }
    BOOST_TEST(f.buffered() == 0u);
    BOOST_TEST((f.next().st == framer::status::need_more));
}

BOOST_AUTO_TEST_CASE(pdu_larger_than_initial_capacity) {
    const auto pdus = sample_pdus(2, 5000); // the submit_sm carries 5000 bytes
    BOOST_REQUIRE(pdus[1].size() > 5000u);
    framer f{64 * 1024, 32};
    std::vector<bytes> frames;
    push(f, pdus[0], frames, 1000);
    // Header of the big one: the framer learns its length and makes room
    // for all of it at once.
    push(f, std::span{pdus[1]}.first(16), frames, 16);
    BOOST_TEST(f.buffered() == 16u);
    BOOST_TEST(f.prepare().size() >= pdus[1].size() - 16);
    push(f, std::span{pdus[1]}.subspan(16), frames, 4096);
    expect_same(frames, pdus);
}

BOOST_AUTO_TEST_CASE(length_below_header_is_fatal) {
    for (const char* hex : {"0000000F 00000015 00000000 00000001", "00000000 00000015 00000000 00000001"}) {
        framer f;
        const bytes good = from_hex("00000010 00000015 00000000 00000009");
        bytes stream = good;
        const bytes bad = from_hex(hex);
        stream.insert(stream.end(), bad.begin(), bad.end());
        const auto room = f.prepare();
        std::memcpy(room.data(), stream.data(), stream.size());
        f.commit(stream.size());
        BOOST_TEST((f.next().st == framer::status::frame)); // frames before it still arrive
        const auto r = f.next();
        BOOST_TEST((r.st == framer::status::bad_length));
        BOOST_TEST(r.hdr.command_length == read_header(bad).command_length);
        BOOST_TEST(r.bytes.empty());
        BOOST_TEST((f.next().st == framer::status::bad_length)); // stays unframeable
    }
}

BOOST_AUTO_TEST_CASE(length_above_maximum_is_fatal_and_not_allocated) {
    for (std::uint32_t declared : {1025u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
        framer f{1024, 64};
        bytes hdr = from_hex("00000000 00000004 00000000 00000001");
        for (int i = 0; i < 4; ++i) hdr[i] = static_cast<std::uint8_t>(declared >> (24 - 8 * i));
        const auto room = f.prepare();
        std::memcpy(room.data(), hdr.data(), hdr.size());
        f.commit(hdr.size());
        const auto r = f.next();
        BOOST_TEST((r.st == framer::status::bad_length));
        BOOST_TEST(r.hdr.command_length == declared);
        // The declared length never turns into buffer space.
        BOOST_TEST(f.prepare().size() <= 64u - 16u);
    }
    // The maximum itself is a legal length, and room is made for it.
    framer f{1024, 64};
    const bytes hdr = from_hex("00000400 00000004 00000000 00000001");
    std::vector<bytes> frames;
    push(f, hdr, frames, 16);
    BOOST_TEST(frames.empty());
    BOOST_TEST(f.prepare().size() >= 1024u - 16u);
}

BOOST_AUTO_TEST_SUITE_END()
