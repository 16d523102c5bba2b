// The sender and the receiver over loopback TCP with real stores: the
// replica follows the primary's store as it changes; a receiver that
// connects late, or whose place fell out of a tiny buffer, gets a snapshot
// and then the stream; a cut connection resumes where the replica stands;
// a receiver with the wrong token is refused and gets nothing.
#define BOOST_TEST_MODULE replication_stream_io
#include <boost/test/unit_test.hpp>

#include "replication/stream_fixture.hpp"

using namespace twinsms;
using namespace twinsms::replication;
using namespace std::chrono_literals;

using test::stream_fixture;
using fixture = stream_fixture;

BOOST_FIXTURE_TEST_CASE(the_replica_follows_the_store_and_acks_come_back, fixture) {
    start_sender();
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return rcv->connected() && snd->state().connected(); }));
    const auto ids = accept(200);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    BOOST_TEST(replica_has(ids));
    BOOST_TEST(rep->applied() == primary_seq());
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 200u);
    BOOST_TEST(snd->state().lag_changes() == 0u);
    BOOST_TEST(snd->stats().snapshots == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_late_receiver_gets_a_snapshot_then_the_stream, fixture) {
    const auto before = accept(300); // committed before the sender existed: only in the store
    start_sender();
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->stats().snapshots == 1 && rep->applied() == primary_seq(); }));
    BOOST_TEST(replica_has(before));
    const auto after = accept(50);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    BOOST_TEST(replica_has(after));
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 350u);
    BOOST_TEST(rcv->stats().snapshots == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_cut_resumes_from_the_replica_and_a_lost_place_costs_a_snapshot, fixture) {
    start_sender(64 * 1024); // a few hundred changes
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->state().connected(); }));
    const auto first = accept(20);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    // Cut: the receiver goes away while changes keep coming, more than the buffer holds.
    stop(rcv->stop());
    rcv.reset();
    BOOST_REQUIRE(run_until([&] { return !snd->state().connected(); }));
    const auto during = accept(600);
    BOOST_TEST(snd->state().dropped() > 0u);
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return rep->applied() == primary_seq(); }, 20s));
    BOOST_TEST(replica_has(first));
    BOOST_TEST(replica_has(during));
    BOOST_TEST(snd->stats().snapshots == 1u);
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 620u);
}

BOOST_FIXTURE_TEST_CASE(a_wrong_token_is_refused, fixture) {
    start_sender();
    start_receiver("guess");
    accept(5);
    BOOST_REQUIRE(run_until([&] { return snd->stats().refused >= 1; }));
    BOOST_TEST(!snd->state().connected());
    BOOST_TEST(rep->applied() == 0u);
}

BOOST_FIXTURE_TEST_CASE(sync_waits_for_the_ack_and_degrades_without_a_peer, fixture) {
    start_sender(1 << 20, true);
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->state().connected(); }));
    std::vector<bool> transitions;
    snd->on_degraded([&](bool d) { transitions.push_back(d); });
    accept(1);
    bool released = false;
    snd->when_replicated([&] { released = true; });
    // Released by the acknowledgement, not by the timeout.
    BOOST_REQUIRE(run_until([&] { return released; }, 250ms));
    BOOST_TEST(snd->state().last_acked() == primary_seq());
    BOOST_TEST(!snd->degraded());

    // The peer goes away: a waiter is released at the timeout and the sender degrades.
    stop(rcv->stop());
    rcv.reset();
    BOOST_REQUIRE(run_until([&] { return !snd->state().connected(); }));
    accept(1);
    released = false;
    const auto t0 = std::chrono::steady_clock::now();
    snd->when_replicated([&] { released = true; });
    BOOST_REQUIRE(run_until([&] { return released; }, 2s));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 290ms));
    BOOST_TEST(snd->degraded());
    // Degraded: no more waiting.
    accept(1);
    bool at_once = false;
    snd->when_replicated([&] { at_once = true; });
    BOOST_TEST(at_once);
    // The peer comes back and catches up: sync again.
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return !snd->degraded(); }));
    BOOST_TEST((transitions == std::vector<bool>{true, false}));
}
