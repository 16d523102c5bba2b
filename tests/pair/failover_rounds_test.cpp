// The failover rounds behind tools/bench/load/run-failover: at a fixed
// offered load with receipts through both nodes, kill -9 of alternating
// nodes (site1, site2, site1, ...), each restarted and failed back before
// the next round. First a baseline of the same length without kills. Prints
// `name: value unit` headlines; requires lost == 0 and receipts_missing ==
// 0, and duplicates at most the carrier link's in-flight window per crash.
//   TWINSMS_FAILOVER_ROUNDS (default 3), TWINSMS_FAILOVER_GAP_MS (default
//   10: each client offers one submit per gap, window 4)
#define BOOST_TEST_MODULE pair_failover_rounds
#include "pair/failback_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

int env_int(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::atoi(v) : fallback;
}

struct rounds_fixture : failback_fixture {
    rounds_fixture() : failback_fixture(ms{env_int("TWINSMS_FAILOVER_GAP_MS", 10)}) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(alternating_kills_lose_nothing_acknowledged, rounds_fixture) {
    const int rounds = env_int("TWINSMS_FAILOVER_ROUNDS", 3);
    start_pair();
    start_load();
    // Baseline: the same load, no kill, for about as long as a round takes.
    const auto b0 = steady::now();
    const auto acked0 = alpha.ok + bravo.ok;
    wait([] { return false; }, 5s);
    const auto baseline_rate = (alpha.ok + bravo.ok - acked0) * 1000.0 /
                               std::chrono::duration_cast<ms>(steady::now() - b0).count();
    const auto t0 = steady::now();
    const auto acked1 = alpha.ok + bravo.ok;
    for (int i = 1; i <= rounds; ++i) {
        const auto r0 = steady::now();
        round_of(i);
        std::cout << "round " << i << " (" << (i % 2 ? "site1" : "site2") << " killed): "
                  << std::chrono::duration_cast<ms>(steady::now() - r0).count() << " ms, acked so far "
                  << alpha.ok + bravo.ok << std::endl;
    }
    const auto rounds_rate = (alpha.ok + bravo.ok - acked1) * 1000.0 /
                             std::max<long>(1, std::chrono::duration_cast<ms>(steady::now() - t0).count());
    const auto t = settle();
    std::cout << "failover: sent " << t.sent << ", acked " << t.acked << ", delivered " << t.delivered << ", lost "
              << t.lost << ", duplicated " << t.duplicated << ", receipts_missing " << t.receipts_missing << std::endl;
    std::cout << "failover_baseline_acked_rate: " << static_cast<long>(baseline_rate) << " msg/s\n"
              << "failover_rounds_acked_rate: " << static_cast<long>(rounds_rate) << " msg/s\n"
              << "failover_rounds: " << rounds << " rounds\n"
              << "failover_acked: " << t.acked << " msgs\n"
              << "failover_lost: " << t.lost << " msgs\n"
              << "failover_duplicates: " << t.duplicated << " msgs\n"
              << "failover_receipts_missing: " << t.receipts_missing << " msgs" << std::endl;
    BOOST_TEST(t.acked > 0u);
    BOOST_TEST(t.lost == 0u, "not at the carrier:" << t.lost_texts);
    BOOST_TEST(t.receipts_missing == 0u, "no receipt for" << t.missing_receipts);
    BOOST_TEST(t.duplicated <= static_cast<std::size_t>(rounds) * 100u); // the carrier link's window per crash
    BOOST_TEST(alpha.error_status + bravo.error_status == 0u);
}
