// owned_pdu: a decoded PDU that outlives its read buffer. Its views must
// always point into its own bytes, whatever copies and moves happen.
#include <cstring>

#include "smpp/codec/framer.hpp"
#include "smpp/codec/owned.hpp"
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {

bool inside(std::string_view v, std::span<const std::uint8_t> b) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
    return p >= b.data() && p + v.size() <= b.data() + b.size();
}

bytes sample() {
    return from_hex("0000003B 00000004 00000000 00000007"
                    "00 0101 3132333400 0101 3536373800" // source "1234", dest "5678"
                    "00 00 00 00 00 00 00 00 00"
                    "05 68656C6C6F"                      // "hello"
                    "0204 0002 1234"
                    "1401 0003 414243");
}

// Checks content and that every view (strings and TLV values) lives in o's
// own storage, so it cannot dangle when some other copy goes away.
void expect_valid(const owned_pdu& o) {
    BOOST_REQUIRE(!o.failure());
    const auto& s = body_as<submit_sm>(o.get());
    BOOST_TEST(s.source_addr == "1234");
    BOOST_TEST(s.destination_addr == "5678");
    BOOST_TEST(s.short_message == "hello");
    BOOST_TEST(user_message_reference(s.tlvs).value() == 0x1234);
    BOOST_TEST(get_octets(s.tlvs, 0x1401).value() == "ABC");
    BOOST_TEST(inside(s.source_addr, o.bytes()));
    BOOST_TEST(inside(s.short_message, o.bytes()));
    for (const auto& t : s.tlvs) BOOST_TEST(inside(t.value(), o.bytes()));
    BOOST_TEST(o->sequence_number == 7u);
    BOOST_TEST((*o).id() == command_id::submit_sm);
}

} // namespace

BOOST_AUTO_TEST_SUITE(owned)

BOOST_AUTO_TEST_CASE(outlives_the_read_buffer) {
    auto buf = std::make_unique<bytes>(sample());
    const owned_pdu o{*buf};
    std::memset(buf->data(), 0xEE, buf->size());
    buf.reset();
    expect_valid(o);
    BOOST_TEST(to_hex(o.bytes()) == to_hex(sample()));
}

BOOST_AUTO_TEST_CASE(copies_point_into_their_own_bytes) {
    auto original = std::make_unique<owned_pdu>(sample());
    const owned_pdu copy{*original};
    owned_pdu assigned;
    assigned = *original;
    BOOST_TEST(copy.bytes().data() != original->bytes().data());
    original.reset(); // the source's storage is gone
    expect_valid(copy);
    expect_valid(assigned);
    owned_pdu self{sample()};
    const owned_pdu& alias = self;
    self = alias; // self-assignment keeps it intact
    expect_valid(self);
}

BOOST_AUTO_TEST_CASE(moves_keep_views_valid) {
    owned_pdu a{sample()};
    const auto* block = a.bytes().data();
    owned_pdu b{std::move(a)};
    BOOST_TEST(b.bytes().data() == block); // the heap block moved, not copied
    expect_valid(b);
    owned_pdu c;
    c = std::move(b);
    expect_valid(c);
    // Reallocation inside a container moves every element.
    std::vector<owned_pdu> v;
    for (int i = 0; i < 100; ++i) v.emplace_back(sample());
    for (const auto& o : v) expect_valid(o);
}

BOOST_AUTO_TEST_CASE(built_from_a_pdu_with_foreign_views) {
    owned_pdu o;
    {
        std::string src = "1234", dst = "5678", text = "hello", vendor = "ABC";
        submit_sm s;
        s.source_addr_ton = s.source_addr_npi = s.dest_addr_ton = s.dest_addr_npi = 1;
        s.source_addr = src;
        s.destination_addr = dst;
        s.short_message = text;
        s.tlvs.push_back(tlv::u16(tag::user_message_reference, 0x1234));
        s.tlvs.push_back(tlv{0x1401, vendor});
        pdu p;
        p.sequence_number = 7;
        p.body = s;
        o = owned_pdu{p};
        src.assign(4, '?');
        text.assign(5, '?');
    }
    expect_valid(o);
    BOOST_TEST(to_hex(o.bytes()) == to_hex(sample()));
}

BOOST_AUTO_TEST_CASE(reports_decode_failure) {
    bytes bad = sample();
    bad.pop_back();
    const owned_pdu o{bad};
    BOOST_TEST(o.failure().code == codec_error::length_mismatch);
    submit_sm s;
    s.source_addr = "this address is far too long";
    pdu p;
    p.body = s;
    const owned_pdu e{p};
    BOOST_TEST(e.failure().code == codec_error::field_too_long);
}

BOOST_AUTO_TEST_CASE(kept_across_framer_compaction) {
    // Frames handed out by the framer are invalidated by the next prepare();
    // owned_pdu is how a frame survives it.
    const bytes one = sample();
    framer f{64 * 1024, 64};
    std::vector<owned_pdu> kept;
    for (int round = 0; round < 20; ++round) {
        std::span<const std::uint8_t> rest{one};
        while (!rest.empty()) {
            auto room = f.prepare();
            const std::size_t n = std::min<std::size_t>({room.size(), rest.size(), 13});
            std::memcpy(room.data(), rest.data(), n);
            f.commit(n);
            rest = rest.subspan(n);
            for (auto r = f.next(); r.st == framer::status::frame; r = f.next()) kept.emplace_back(r.bytes);
        }
    }
    BOOST_REQUIRE(kept.size() == 20u);
    for (const auto& o : kept) expect_valid(o);
}

BOOST_AUTO_TEST_SUITE_END()
