// The replication channel cut and restored under load, with a stream buffer
// too small for the cut (site2 keeps 1 MB of changes): site2 degrades to
// local-only while cut, site1's receiver comes back, has lost its place and
// gets a snapshot, then the stream, and catches up; then (load stopped)
// kill -9 of site2: site1 runs that replica (rebuilt by the snapshot), site2
// takes its store back, the pair fails back, and nothing acknowledged is
// lost, every receipt arrives.
#define BOOST_TEST_MODULE pair_replication_cut
#include "pair/failback_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct cut_fixture : failback_fixture {
    static pair_options options() {
        auto o = defaults();
        o.replication_proxy = true;
        o.site2_buffer_mb = 1;
        return o;
    }
    cut_fixture() : failback_fixture(5ms, options()) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_cut_longer_than_the_buffer_costs_a_snapshot_and_loses_nothing, cut_fixture) {
    start_pair();
    start_load();
    BOOST_REQUIRE(await_status(s2, acked_at_least(std::max<std::uint64_t>(1, last_committed_of(status(s2)))), 10s));
    const auto from = s2.mark();
    replication_proxy->cut();
    require([&] { return s2.has("replication", "sync_degraded", {}, from); }, "site2 answers local-only while cut", 10s);
    // Cut until more than the buffer's worth of changes went by.
    BOOST_REQUIRE(await_status(s2, [](const json::object& st) {
        const auto* r = replication_of(st);
        return r && num_of(*r, "lag_changes") > 0 && !r->at("connected").as_bool() &&
               num_of(*r, "last_committed") > num_of(*r, "acked") + 6000;
    }, 40s));
    replication_proxy->restore();
    require([&] { return s2.has("replication", "snapshot_sent", {}, from); }, "site1's replica of site2 rebuilt from a snapshot", 20s);
    // Caught up with what site2 had committed by the time the snapshot went out.
    BOOST_REQUIRE(await_status(s2, acked_at_least(last_committed_of(status(s2))), 20s));
    require([&] { return s2.has("replication", "sync_restored", {}, from); }, "site2 back to sync", 10s);
    BOOST_TEST(s2.has("replication", "receiver_position", {{"then", "snapshot"}}, from));
    // The replica the snapshot rebuilt is whole: with the load stopped (so
    // nothing is in flight over the peer link at the crash), kill -9 of
    // site2; site1 runs that replica, site2 comes back and takes it back.
    alpha.stop();
    bravo.stop();
    require([&] { return alpha.done && bravo.done; }, "clients stopped", 20s);
    BOOST_REQUIRE(await_status(s2, acked_at_least(last_committed_of(status(s2))), 10s));
    const auto from_kill = s1.mark();
    kill9(s2);
    await_mode(s1, "took_over", 15s);
    require([&] { return s1.has("node", "peer_store_taken_over", {}, from_kill); }, "site1 runs site2's replica", 15s);
    start(s2);
    BOOST_TEST(s2.has("node", "store_reclaimed_from_peer"));
    await_mode(s1, "normal", 25s);
    await_mode(s2, "normal", 25s);
    const auto t = settle();
    std::cout << "replication_cut: sent " << t.sent << ", acked " << t.acked << ", delivered " << t.delivered << ", lost "
              << t.lost << ", duplicated " << t.duplicated << ", receipts_missing " << t.receipts_missing << std::endl;
    BOOST_TEST(t.acked > 1000u);
    BOOST_TEST(t.lost == 0u, "not at the carrier:" << t.lost_texts);
    BOOST_TEST(t.receipts_missing == 0u, "no receipt for" << t.missing_receipts);
    BOOST_TEST(t.duplicated <= 200u); // at least once: what was in flight when the cut began
    BOOST_TEST(alpha.error_status + bravo.error_status == 0u);
}
