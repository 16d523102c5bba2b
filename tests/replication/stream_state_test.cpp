// Replication positions: the sender streams from where a receiver left
// off, frees what is acknowledged, keeps its buffer within its bound (a
// receiver that lost its place gets a snapshot), reports lag in changes and
// milliseconds; the receiver applies in order, skips resent changes and
// stops at a gap.
#define BOOST_TEST_MODULE replication_state
#include <boost/test/unit_test.hpp>

#include "replication/stream_state.hpp"

using namespace twinsms::replication;

namespace {
std::string frame_of(std::uint64_t seq, std::size_t size = 10) { return std::string(size, static_cast<char>('a' + seq % 26)); }
}

BOOST_AUTO_TEST_CASE(streams_from_the_receivers_position_and_frees_acknowledged_changes) {
    sender_state s{1 << 20, 0};
    for (std::uint64_t q = 1; q <= 5; ++q) s.committed(q, frame_of(q), 1000 + q);
    BOOST_TEST(s.take(1000).empty()); // nobody connected
    BOOST_TEST((s.connected(2) == sender_state::resume::stream));
    const auto out = s.take(1000);
    BOOST_REQUIRE_EQUAL(out.size(), 3u);
    BOOST_TEST(out[0] == frame_of(3));
    BOOST_TEST(out[2] == frame_of(5));
    BOOST_TEST(s.take(1000).empty()); // sent already
    BOOST_TEST(s.lag_changes() == 3u);
    BOOST_TEST(s.lag_ms(1010) == 7); // change 3, committed at 1003
    s.acked(4);
    BOOST_TEST(s.lag_changes() == 1u);
    BOOST_TEST(s.buffered_bytes() == 10u);
    s.acked(5);
    BOOST_TEST(s.lag_ms(2000) == 0);
    BOOST_TEST(s.buffered_bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(take_respects_the_byte_budget_but_always_sends_one) {
    sender_state s{1 << 20, 0};
    s.connected(0);
    s.committed(1, frame_of(1, 100), 0);
    s.committed(2, frame_of(2, 100), 0);
    s.committed(3, frame_of(3, 100), 0);
    BOOST_TEST(s.take(50).size() == 1u); // one frame over budget still goes
    BOOST_TEST(s.take(200).size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_reconnect_resends_what_was_sent_but_not_acknowledged) {
    sender_state s{1 << 20, 0};
    s.connected(0);
    for (std::uint64_t q = 1; q <= 4; ++q) s.committed(q, frame_of(q), 0);
    BOOST_TEST(s.take(1000).size() == 4u);
    s.acked(2);
    s.disconnected();
    BOOST_TEST((s.connected(2) == sender_state::resume::stream));
    const auto again = s.take(1000);
    BOOST_REQUIRE_EQUAL(again.size(), 2u);
    BOOST_TEST(again[0] == frame_of(3));
}

BOOST_AUTO_TEST_CASE(the_buffer_is_bounded_and_a_receiver_that_lost_its_place_gets_a_snapshot) {
    sender_state s{100, 0};
    for (std::uint64_t q = 1; q <= 30; ++q) s.committed(q, frame_of(q, 10), 0);
    BOOST_TEST(s.buffered_bytes() <= 100u);
    BOOST_TEST(s.dropped() == 20u);
    BOOST_TEST((s.connected(5) == sender_state::resume::snapshot));
    BOOST_TEST(s.lost_place());
    BOOST_TEST(s.take(1000).empty());
    s.snapshot_sent(30);
    BOOST_TEST(!s.lost_place());
    s.committed(31, frame_of(31), 0);
    const auto out = s.take(1000);
    BOOST_REQUIRE_EQUAL(out.size(), 1u);
    BOOST_TEST(out[0] == frame_of(31));
    // A connected receiver that falls behind the bound loses its place too.
    for (std::uint64_t q = 32; q <= 60; ++q) s.committed(q, frame_of(q, 10), 0);
    BOOST_TEST(s.lost_place());
}

BOOST_AUTO_TEST_CASE(a_sender_started_on_a_used_store_and_a_receiver_ahead_need_snapshots) {
    sender_state s{1 << 20, 100}; // the store had 100 commits before this process
    BOOST_TEST((s.connected(40) == sender_state::resume::snapshot));
    BOOST_TEST((s.connected(100) == sender_state::resume::stream));
    BOOST_TEST((s.connected(150) == sender_state::resume::snapshot)); // a replica of a history we lack
    s.acked(500); // never past what exists here
    BOOST_TEST(s.last_acked() == 100u);
}

BOOST_AUTO_TEST_CASE(receiver_applies_in_order_skips_resends_and_stops_at_a_gap) {
    receiver_state r{10};
    BOOST_TEST(r.expecting() == 11u);
    BOOST_TEST((r.arrived(9) == receiver_state::verdict::skip));
    BOOST_TEST((r.arrived(11) == receiver_state::verdict::apply));
    BOOST_TEST((r.arrived(11) == receiver_state::verdict::skip)); // handed over already
    BOOST_TEST((r.arrived(13) == receiver_state::verdict::gap));
    BOOST_TEST(r.applied() == 10u); // not committed yet
    r.committed(11);
    BOOST_TEST(r.applied() == 11u);
    r.reset(500);
    BOOST_TEST(r.expecting() == 501u);
}
