// A takeover from a peer that was silent, not dead: site1 stops (SIGSTOP,
// as a paused VM or a stalled host would) while receipts for its messages
// are still on their way; site2 declares it dead, takes over and runs its
// promoted replica, which matches those receipts (and the ones of what it
// sends again) and keeps them for alpha, which is not bound anywhere.
// site1 resumes with its store open, is fenced, and the pair fails back
// without a restart, so nothing goes through the startup catch-up: the
// work site2 did for site1 must be merged into site1's running store
// (replication/live_merge.hpp). Every acknowledged message reaches the
// carrier and every receipt reaches alpha once it binds again.
#define BOOST_TEST_MODULE pair_fenced_failback
#include <csignal>

#include "pair/failback_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(work_done_for_a_fenced_peer_is_merged_into_its_running_store, failback_fixture) {
    start_pair();
    // Receipts come 3 s after their submit: those of site1's last messages
    // arrive while site1 is stopped.
    sim_command(*sim, "receipt-delay 3000");
    start_load();
    const auto ok_before = alpha.ok;
    require([&] { return alpha.ok >= ok_before + 40; }, "alpha's load accepted on site1", 15s);
    alpha.stop();
    require([&] { return alpha.done; }, "alpha unbound", 10s);
    BOOST_REQUIRE(await_status(s1, acked_at_least(last_committed_of(status(s1))), 10s));

    const auto from = s2.mark();
    s1.proc->proc().signal(SIGSTOP);
    await_mode(s2, "took_over", 15s);
    require([&] { return s2.has("node", "peer_store_taken_over", {}, from); }, "site2 runs site1's replica", 15s);
    // The receipts for site1's messages reach site2 (the simulator gives up
    // on site1's stalled bind) and wait there, in site1's promoted replica, for alpha.
    require([&] {
        auto st = try_status(s2);
        return st && st->at("replication").as_object().at("peer_store_deliveries").to_number<std::int64_t>() > 0;
    }, "receipts for site1's messages waiting in its promoted replica on site2", 20s);

    const auto back = s2.mark();
    s1.proc->proc().signal(SIGCONT);
    require([&] { return s1.has("replication", "peer_work_merged"); }, "site1 merged what site2 did for it", 30s);
    require([&] { return s2.has("replication", "replica_restored", {}, back); },
            "site2's replica of site1 receiving again", 30s);
    await_mode(s1, "normal", 30s);
    await_mode(s2, "normal", 30s);
    BOOST_TEST(!s1.has("replication", "reclaimed_store"), "site1 never restarted: no startup catch-up");
    const auto merged = s1.events("replication", "peer_work_merged");
    BOOST_REQUIRE(!merged.empty());
    std::cout << "merged: " << merged.front() << std::endl;

    sim_command(*sim, "receipt-delay 0");
    alpha.done = false;
    alpha.start();
    auto t = settle();
    std::cout << "fenced_failback: sent " << t.sent << ", acked " << t.acked << ", delivered " << t.delivered
              << ", lost " << t.lost << ", duplicated " << t.duplicated << ", receipts_missing " << t.receipts_missing
              << "; deliveries stored: site1 " << stored_deliveries(s1) << ", site2 " << stored_deliveries(s2) << std::endl;
    std::cout << "carrier: " << sim_command(*sim, "stats") << std::endl;
    BOOST_TEST(t.acked > 100u);
    BOOST_TEST(t.lost == 0u, "not at the carrier:" << t.lost_texts);
    BOOST_TEST(t.receipts_missing == 0u, "no receipt for" << t.missing_receipts);
    BOOST_TEST(t.duplicated <= 100u); // what was in flight on site1's stalled carrier link, at most its window
    BOOST_TEST(alpha.error_status + bravo.error_status == 0u);
    BOOST_TEST(stored_deliveries(s1) == 0);
    BOOST_TEST(stored_deliveries(s2) == 0);
}
