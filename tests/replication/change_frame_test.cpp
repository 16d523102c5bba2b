// The replication frames: every kind round trips, a stream split at any
// byte yields the same frames, and a cut, corrupted, oversized or lying
// frame is an error, never a guess.
#define BOOST_TEST_MODULE replication_frame
#include <boost/test/unit_test.hpp>

#include <random>

#include "replication/change_frame.hpp"

using namespace twinsms;
using namespace twinsms::replication;

namespace {

store::write_batch sample_batch() {
    store::write_batch b;
    b.put(store::table::messages, std::string("\0\0\0\0\0\0\0\x07", 8), std::string(300, 'm'));
    b.erase(store::table::queue, "q-key");
    b.put(store::table::meta, "epoch", std::string{});
    b.add_queue_move("acme", 1);
    b.add_queue_move("beta", -2);
    b.admit();
    return b;
}

std::vector<frame> read_all(std::string_view bytes, std::size_t chunk, boost::system::error_code& ec) {
    frame_reader r;
    std::vector<frame> out;
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
        r.feed(bytes.substr(at, chunk));
        while (auto f = r.next(ec)) out.push_back(std::move(*f));
        if (ec) break;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_kind_round_trips_at_any_split) {
    std::string wire;
    encode(hello{"site2", 41, "s3cret"}, wire);
    encode(snapshot_chunk{std::string(1000, '\x01')}, wire);
    encode(snapshot_end{1000}, wire);
    encode_change(42, sample_batch(), wire);
    encode(ack{42}, wire);
    for (std::size_t chunk : {1u, 3u, 7u, 64u, 100000u}) {
        boost::system::error_code ec;
        const auto frames = read_all(wire, chunk, ec);
        BOOST_TEST_CONTEXT("chunk " << chunk) {
            BOOST_TEST(!ec);
            BOOST_REQUIRE_EQUAL(frames.size(), 5u);
            const auto& h = std::get<hello>(frames[0]);
            BOOST_TEST(h.node == "site2");
            BOOST_TEST(h.applied == 41u);
            BOOST_TEST(h.token == "s3cret");
            BOOST_TEST(std::get<snapshot_chunk>(frames[1]).bytes == std::string(1000, '\x01'));
            BOOST_TEST(std::get<snapshot_end>(frames[2]).size == 1000u);
            const auto& c = std::get<change>(frames[3]);
            BOOST_TEST(c.seq == 42u);
            BOOST_TEST(c.admits);
            const auto b = sample_batch();
            BOOST_REQUIRE_EQUAL(c.ops.size(), b.ops().size());
            for (std::size_t i = 0; i < c.ops.size(); ++i) {
                BOOST_TEST((c.ops[i].t == b.ops()[i].t));
                BOOST_TEST(c.ops[i].erase == b.ops()[i].erase);
                BOOST_TEST(c.ops[i].key == b.ops()[i].key);
                BOOST_TEST(c.ops[i].value == b.ops()[i].value);
            }
            BOOST_TEST((c.queue_moves == b.queue_moves()));
            BOOST_TEST(std::get<ack>(frames[4]).seq == 42u);
        }
    }
}

BOOST_AUTO_TEST_CASE(reclaim_frames_round_trip) {
    std::string wire;
    encode(reclaim{"site1", "s3cret", false}, wire);
    encode(reclaim_answer{true}, wire);
    encode(reclaim{"site1", "s3cret", true}, wire);
    encode(reclaim_answer{false}, wire);
    boost::system::error_code ec;
    const auto frames = read_all(wire, 5, ec);
    BOOST_TEST(!ec);
    BOOST_REQUIRE_EQUAL(frames.size(), 4u);
    BOOST_TEST(std::get<reclaim>(frames[0]).node == "site1");
    BOOST_TEST(std::get<reclaim>(frames[0]).token == "s3cret");
    BOOST_TEST(!std::get<reclaim>(frames[0]).adopted);
    BOOST_TEST(std::get<reclaim_answer>(frames[1]).held);
    BOOST_TEST(std::get<reclaim>(frames[2]).adopted);
    BOOST_TEST(!std::get<reclaim_answer>(frames[3]).held);
}

BOOST_AUTO_TEST_CASE(a_change_replays_as_the_same_batch) {
    std::string wire;
    encode_change(7, sample_batch(), wire);
    frame_reader r;
    r.feed(wire);
    boost::system::error_code ec;
    auto f = r.next(ec);
    BOOST_REQUIRE(f);
    const auto b = to_batch(std::get<change>(*f));
    const auto orig = sample_batch();
    BOOST_TEST(b.admits());
    BOOST_TEST((b.queue_moves() == orig.queue_moves()));
    BOOST_REQUIRE_EQUAL(b.ops().size(), orig.ops().size());
    // Encoding the replayed batch gives the same bytes: nothing was lost.
    std::string again;
    encode_change(7, b, again);
    BOOST_TEST(again == wire);
}

BOOST_AUTO_TEST_CASE(a_cut_frame_waits_for_more_bytes) {
    std::string wire;
    encode_change(1, sample_batch(), wire);
    frame_reader r;
    r.feed(std::string_view{wire}.substr(0, wire.size() - 1));
    boost::system::error_code ec;
    BOOST_TEST(!r.next(ec));
    BOOST_TEST(!ec);
    r.feed(std::string_view{wire}.substr(wire.size() - 1));
    BOOST_TEST(r.next(ec).has_value());
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_is_refused) {
    std::string wire;
    encode_change(9, sample_batch(), wire);
    // Any single flipped byte of the body breaks the CRC; one in the length
    // makes the frame too long, too short, or of another length whose CRC
    // fails or that waits for bytes that never come. Never a wrong change.
    for (std::size_t i = 0; i < wire.size(); ++i) {
        auto bad = wire;
        bad[i] = static_cast<char>(bad[i] ^ 0x5a);
        frame_reader r;
        r.feed(bad);
        boost::system::error_code ec;
        auto f = r.next(ec);
        BOOST_TEST_CONTEXT("byte " << i) { BOOST_TEST(!f); }
    }
}

BOOST_AUTO_TEST_CASE(oversized_and_lying_frames_are_errors) {
    frame_reader big;
    big.feed(std::string("\x7f\xff\xff\xff", 4));
    boost::system::error_code ec;
    BOOST_TEST(!big.next(ec));
    BOOST_TEST((ec == frame_error::too_large));

    // A body claiming a billion ops in a few bytes is malformed, not an allocation.
    std::string body;
    body += char(protocol_version);
    body += char(2);
    body += std::string(8, '\0');       // seq
    body += char(0);                    // admits
    body += std::string("\x40\0\0\0", 4); // ops
    frame f;
    BOOST_TEST((decode_body(body, f) == frame_error::malformed));

    std::string v2 = body;
    v2[0] = 2;
    BOOST_TEST((decode_body(v2, f) == frame_error::bad_version));
    std::string k9 = body;
    k9[1] = 9;
    BOOST_TEST((decode_body(k9, f) == frame_error::bad_kind));
    // Trailing bytes after an ack.
    std::string a;
    encode(ack{3}, a);
    BOOST_TEST((decode_body(a.substr(8) + "x", f) == frame_error::malformed));
}

BOOST_AUTO_TEST_CASE(random_bodies_never_crash_and_decode_or_refuse) {
    std::mt19937 rng{12345};
    std::size_t decoded = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string body(rng() % 64, '\0');
        for (auto& ch : body) ch = static_cast<char>(rng());
        if (body.size() > 1) body[0] = char(protocol_version), body[1] = char(1 + rng() % 5);
        frame f;
        if (!decode_body(body, f)) ++decoded;
    }
    BOOST_TEST(decoded < 20000u); // most random bodies are refused
}
