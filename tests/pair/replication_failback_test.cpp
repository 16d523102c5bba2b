// Replication through a takeover and its failback, both ways: load with
// receipts through both nodes, kill -9 of the primary (site2 runs its
// promoted replica: an MO that waited on site1 for alpha, unbound then,
// reaches alpha on site2), site1 restarts and takes its store back from
// site2 before it serves (the failback catch-up), the pair fails back; then
// the same with the secondary. Every acknowledged message reaches the
// carrier, every requested receipt its client, and the survivor's sync
// replication degrading and recovering is alerted; the test prints sent /
// acked / delivered / lost / duplicated and requires lost == 0.
#define BOOST_TEST_MODULE pair_replication_failback
#include "pair/failback_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(nothing_acknowledged_is_lost_through_a_kill_of_each_node_and_its_failback, failback_fixture) {
    start_pair();
    start_load();
    // alpha leaves; an MO for it then waits in site1's store (and site2's replica of it).
    alpha.stop();
    require([&] { return alpha.done; }, "alpha unbound", 10s);
    sim_command(*sim, "mo carrier 46709990001 11115551 mo-for-alpha");
    // Answered by site1 (so committed there: the simulator counts it sent), then in site2's replica.
    require([&] {
        const auto st = sim_command(*sim, "stats");
        return logfmt_value(st, "mo_sent") == "1";
    }, "site1 took the MO", 10s);
    BOOST_REQUIRE(await_status(s1, acked_at_least(last_committed_of(status(s1))), 10s));
    // kill -9 of site1 while alpha is away; alpha comes back, to site2.
    round(s1, s2, alpha, bravo, "(primary killed)", [&] {
        require([&] {
            alpha.harvest();
            return alpha.mo.count("mo-for-alpha") >= 1u && alpha.bound_port == s2.smpp_port;
        }, "the MO queued for alpha on the dead site1 reaches it on site2", 10s);
    }, [&] {
        alpha.done = false;
        alpha.start();
    });
    // site2's sync replication degraded while site1 was dead and came back
    // once it caught up: both alerted by SMS (through the carrier), like the takeover.
    auto alert_sms = [&](std::string_view label) {
        for (const auto& m : sim->messages())
            if (m.destination == "6590000001" && m.text.find(label) != std::string::npos) return true;
        return false;
    };
    require([&] { return alert_sms("REPLICATION DEGRADED") && alert_sms("REPLICATION RESTORED"); },
            "site2's sync_degraded and sync_restored alerts at the carrier", 15s);
    auto repeats = [&] {
        std::size_t n = 0;
        for (const auto& [text, k] : accepted_at_carrier(*sim)) n += k - 1;
        return n;
    };
    const auto after_first = repeats();
    round_of(2);
    const auto after_second = repeats();
    auto t = settle();
    std::cout << "repeats at the carrier: after the first round " << after_first << ", after the second " << after_second
              << ", at the end " << repeats() << std::endl;
    std::cout << "replication_failback: sent " << t.sent << ", acked " << t.acked << ", delivered " << t.delivered
              << ", lost " << t.lost << ", duplicated " << t.duplicated << ", receipts_missing " << t.receipts_missing
              << " (alpha " << t.duplicated_by_client["alpha"] << ", bravo " << t.duplicated_by_client["bravo"]
              << "); deliveries stored: site1 " << stored_deliveries(s1) << ", site2 " << stored_deliveries(s2) << std::endl;
    BOOST_TEST(t.acked > 200u);
    BOOST_TEST(t.lost == 0u, "not at the carrier:" << t.lost_texts);
    BOOST_TEST(t.receipts_missing == 0u, "no receipt for" << t.missing_receipts);
    // At least once: a crash may repeat what was in flight to the carrier
    // (the carrier link's window, 100); the handover itself repeats nothing.
    BOOST_TEST(t.duplicated <= 2u * 100u);
    BOOST_TEST(alpha.error_status + bravo.error_status == 0u);
    BOOST_TEST(stored_deliveries(s1) == 0);
    BOOST_TEST(stored_deliveries(s2) == 0);
}
