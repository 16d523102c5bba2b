// Randomized faults across network namespaces (chaos.hpp): N rounds from a
// seed, printed first so a failure replays. The environment sets them:
// TWINSMS_CHAOS_ROUNDS (default 3, ctest's short run), TWINSMS_CHAOS_SEED
// (default: from the clock), TWINSMS_CHAOS_FAULTS (a comma-separated subset
// of the fault names; default all). tools/chaos --rounds N --seed S.
#define BOOST_TEST_MODULE netns_chaos
#include "netns/chaos.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

unsigned long env_or(const char* name, unsigned long dflt) {
    const char* v = std::getenv(name);
    return v && *v ? std::stoul(v) : dflt;
}

std::vector<fault> chosen_faults() {
    const char* v = std::getenv("TWINSMS_CHAOS_FAULTS");
    std::vector<fault> out;
    for (auto f : all_faults)
        if (!v || !*v || ("," + std::string{v} + ",").find("," + std::string{name_of(f)} + ",") != std::string::npos)
            out.push_back(f);
    return out;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(randomized_faults_lose_nothing_and_never_two_carrier_owners, chaos_pair) {
    const auto rounds = env_or("TWINSMS_CHAOS_ROUNDS", 3);
    const auto seed = env_or("TWINSMS_CHAOS_SEED", static_cast<unsigned long>(std::chrono::system_clock::now().time_since_epoch().count() % 1000000));
    const auto faults = chosen_faults();
    BOOST_REQUIRE(!faults.empty());
    std::cout << "chaos: seed " << seed << ", " << rounds << " rounds (replay: tools/chaos --rounds " << rounds << " --seed "
              << seed << ")" << std::endl;
    std::mt19937 rng{static_cast<std::mt19937::result_type>(seed)};

    start_chaos_pair();
    await_converged("the start");
    start_load();
    require([&] { return alpha->ok >= 20 && bravo->ok >= 20; }, "both clients' load flowing", 20s);

    const auto t0 = steady::now();
    for (unsigned long r = 1; r <= rounds; ++r) {
        const auto f = faults[rng() % faults.size()];
        const auto round = "round " + std::to_string(r) + " (" + name_of(f) + ")";
        std::cout << "chaos: " << round << std::endl;
        const auto m1 = s1.mark(), m2 = s2.mark();
        inject(f, rng);
        await_converged(round);
        check_alerted(s1, m1, round);
        check_alerted(s2, m2, round);
        BOOST_REQUIRE_MESSAGE(overlaps().empty(), round << ": two carrier owners at once: " << overlaps().front());
        const auto before = alpha->ok + bravo->ok;
        require([&] { return alpha->ok + bravo->ok >= before + 20; }, round + ": load flowing again", 30s);
    }

    std::size_t acked = 0, lost = 0, duplicates = 0;
    for (const auto& [who, t] : stop_and_count()) acked += t.acked, lost += t.lost, duplicates += t.duplicates;
    const double secs = std::chrono::duration<double>(steady::now() - t0).count();
    std::cout << "chaos: faults";
    for (const auto& [n, k] : faults_done) std::cout << " " << n << "=" << k;
    std::cout << "\nchaos_seed: " << seed << "\nchaos_rounds: " << rounds << " faults\nchaos_seconds: " << secs
              << " s\nchaos_acked: " << acked << " messages\nchaos_lost: " << lost << " messages\nchaos_duplicates: "
              << duplicates << " messages\nchaos_crashes: " << crashes << " kills\nchaos_takeovers: " << takeovers
               << " takeovers\nchaos_packets_dropped: " << packets_dropped << " packets\nchaos_packets_delayed: " << packets_delayed
              << " packets\nchaos_alerted_events: " << transitions << " events\nchaos_double_binds: " << overlaps().size() << " overlaps" << std::endl;
    BOOST_TEST(lost == 0u);
    // At least once: a crash resends what was in flight to the carrier (window 100).
    BOOST_TEST(duplicates <= 100 * (crashes + 1), duplicates << " duplicates over " << crashes << " crashes");
}

// The disk of site2's store fills up under load and is freed again: its
// clients are refused while it is full, nothing acknowledged is lost, and a
// message whose outcome could not be written is not sent again (no copies).
BOOST_FIXTURE_TEST_CASE(a_full_disk_loses_nothing_and_sends_no_copies, chaos_pair) {
    start_chaos_pair();
    await_converged("the start");
    start_load();
    require([&] { return alpha->ok >= 20 && bravo->ok >= 20; }, "both clients' load flowing", 20s);
    const auto from2 = s2.mark();
    std::mt19937 rng{1};
    inject(fault::disk_full_secondary, rng);
    BOOST_TEST(s2.has("store", "store_full", {}, from2)); // the fault was real
    await_converged("the disk freed");
    const auto before = bravo->ok;
    require([&] { return bravo->ok >= before + 20; }, "site2's client accepted again", 30s);
    const auto counts = stop_and_count();
    BOOST_TEST(counts.at("alpha").lost == 0u);
    BOOST_TEST(counts.at("bravo").lost == 0u);
    BOOST_TEST(counts.at("bravo").duplicates == 0u);
}

// Both paths between the sites lose packets at random for a few seconds
// (nftables rules on the veths): TCP retransmits, keepalives may miss and a
// takeover may follow; nothing acknowledged is lost, and the pair converges.
BOOST_FIXTURE_TEST_CASE(lossy_links_lose_nothing, chaos_pair) {
    network_fault_loses_nothing(fault::lossy_sites, 7, "the loss healed");
    BOOST_TEST(packets_dropped > 0u); // the fault was real
}

// The peer link narrowed to 32-128 kbit/s for a few seconds (a token bucket
// on each veth end): the peer link's PDUs and the replication stream wait
// in its queue, sync replication may degrade to local-only and keepalives
// come late; nothing acknowledged is lost, and the pair converges.
BOOST_FIXTURE_TEST_CASE(a_slow_peer_link_loses_nothing, chaos_pair) {
    network_fault_loses_nothing(fault::slow_peer_link, 11, "the link back at full speed");
    BOOST_TEST(packets_delayed > 0u); // the fault was real
}
