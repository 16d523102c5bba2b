// Two message engines in one process, each over its own store (the shape a
// survivor runs after a takeover: its own store and the peer's replica),
// sharing one carrier pool and one carrier. Each keeps its own id space,
// finishes only its own messages from the receipts that come back, and
// delivers the client receipts from its own store. An engine built again
// over a store another engine left (messages accepted, never sent) sends
// them: the store is the queue, not the engine.
#define BOOST_TEST_MODULE two_engines
#include "engines_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using fixture = engines_fixture;

BOOST_FIXTURE_TEST_CASE(each_engine_keeps_its_own_ids_messages_and_receipts, fixture) {
    carriers_up();
    const auto ids_a = submit(a, 20, "from a");
    const auto ids_b = submit(b, 20, "from b");
    for (auto id : ids_a) BOOST_TEST(id.value < (std::uint64_t{1} << 60));
    for (auto id : ids_b) BOOST_TEST(id.value >= (std::uint64_t{1} << 60));
    // Neither store holds the other's messages.
    for (auto id : ids_a) BOOST_TEST(!b.st->get(id));
    for (auto id : ids_b) BOOST_TEST(!a.st->get(id));

    BOOST_REQUIRE(run_until(io, [&] { return all_delivered(a, ids_a) && all_delivered(b, ids_b); }, 15s));
    BOOST_REQUIRE(run_until(io, [&] { return a.sink->got.size() == 20 && b.sink->got.size() == 20; }, 10s));
    BOOST_TEST(receipt_messages(*a.sink) == values(ids_a));
    BOOST_TEST(receipt_messages(*b.sink) == values(ids_b));
    BOOST_TEST(a.engine->dispatch().stats().submitted == 20u);
    BOOST_TEST(b.engine->dispatch().stats().submitted == 20u);
    // Every receipt reached the carrier pool once, through a; b's were not a's.
    BOOST_TEST(a.engine->stats().receipts_received == 40u);
    BOOST_TEST(a.engine->dispatch().stats().unknown_receipts == 20u);
    BOOST_TEST(b.engine->dispatch().stats().unknown_receipts == 0u);
    // The carrier got 40 distinct submissions, with each engine's text.
    BOOST_TEST(carrier->counters().submits_accepted == 40u);
}

BOOST_FIXTURE_TEST_CASE(an_engine_over_a_store_another_engine_left_sends_its_queue, fixture) {
    // No carrier yet: b accepts and keeps the messages queued.
    const auto ids = submit(b, 10, "waiting");
    BOOST_REQUIRE(run_until(io, [&] { return b.st->get_stats().queued == 10; }, 5s));
    b.engine->stop();
    b.engine.reset();
    // A new engine over the same store (as after a takeover, over the peer's replica).
    start_engine(b);
    carriers_up();
    BOOST_REQUIRE(run_until(io, [&] { return all_delivered(b, ids); }, 15s));
    BOOST_REQUIRE(run_until(io, [&] { return b.sink->got.size() == 10; }, 10s));
    BOOST_TEST(receipt_messages(*b.sink) == values(ids));
    BOOST_TEST(a.engine->dispatch().stats().submitted == 0u);
    BOOST_TEST(a.sink->got.empty());
}
