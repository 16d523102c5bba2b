// Partition safety with a witness (a real etcd started here, loopback
// only; every path between the sites through a relay the test cuts or
// black-holes). From the carrier simulator's bind log: at no moment do two
// nodes hold the carrier. A full partition between the sites: site2 sees
// site1 dead on both paths, refuses to take over and alerts, site1 keeps
// the carrier; healed, the pair converges. The primary isolated from the
// peer and the witness: it unbinds within the lease TTL, site2 takes over
// after it, and the gap with no owner is printed. The witness dying: the
// owner keeps the carrier while its lease lasts, then unbinds; nobody
// takes over, retries stay bounded, and it rebinds when etcd is back.
// kill -9 of the primary: the takeover with the witness stays within 5 s
// at the default keepalive. A switchover and back moves the key with the
// carrier, never two owners. A stalled owner (SIGSTOP) that resumes past
// its lease sends nothing more to the carrier.
#define BOOST_TEST_MODULE pair_witness
#include <csignal>

#include "pair/witness_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct default_keepalive : witness_pair {
    default_keepalive() : witness_pair(keepalive_1s()) {}
    static witness_options keepalive_1s() {
        witness_options o;
        o.pair = proxied_link("1s");
        return o;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(full_partition_one_owner_the_other_refuses_and_alerts, witness_pair) {
    witness_scenarios::full_partition(*this, "loopback relays");
}

BOOST_FIXTURE_TEST_CASE(primary_isolated_from_peer_and_witness_unbinds_then_secondary_takes_over, witness_pair) {
    witness_scenarios::primary_isolated(*this, "loopback relays");
}

BOOST_FIXTURE_TEST_CASE(witness_dies_owner_serves_its_lease_out_then_stops_no_takeover, witness_pair) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    // At rest: site1 renews three times per TTL, site2 asks nothing.
    const auto r0 = status(s1).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    const auto q0 = status(s2).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    const auto rest0 = steady::now();
    BOOST_TEST(!wait([] { return false; }, 3s)); // three seconds at rest
    const auto r1 = status(s1).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    const auto q1 = status(s2).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    const double secs = std::chrono::duration<double>(steady::now() - rest0).count();
    std::cout << "etcd requests per second at rest: site1 " << (r1 - r0) / secs << ", site2 " << (q1 - q0) / secs << std::endl;
    BOOST_TEST((r1 - r0) / secs <= 1.5);
    BOOST_TEST(q1 == q0);

    const auto from1 = s1.mark(), from2 = s2.mark();
    const auto t0 = steady::now();
    etcd.kill(0);
    require([&] { return !bound_now("site1"); }, "site1 unbinds once its lease ran out", 10s);
    const auto unbound_at = binds_of("site1").back().closed_at.value();
    std::cout << "witness died: site1 kept the carrier " << since(t0, unbound_at).count() << " ms" << std::endl;
    BOOST_TEST(since(t0, unbound_at) < 3000ms);
    BOOST_TEST(s1.has("cluster", "witness_lost", {}, from1));
    // Nobody takes over (the peer is alive), and site1's retries stay bounded.
    BOOST_TEST(!wait([&] { return bound_now("site2") || bound_now("site1"); }, 3s));
    BOOST_TEST(!s2.has("cluster", "takeover", {}, from2));
    const auto failures = s1.events("witness", "request_failed", {}, from1).size();
    const double down_s = std::chrono::duration<double>(steady::now() - t0).count();
    BOOST_TEST(failures <= static_cast<std::size_t>(down_s * 3 + 3), failures << " failed requests in " << down_s << " s");

    etcd.restart(0);
    require([&] { return bound_now("site1"); }, "site1 rebinds once etcd is back", 15s);
    BOOST_TEST(overlaps().empty());
}

BOOST_FIXTURE_TEST_CASE(kill9_primary_takeover_within_5s_with_the_witness, default_keepalive) {
    witness_scenarios::kill9_takeover(*this, "loopback relays");
}

// A planned switchover and back with the witness under load: the key moves
// with the carrier, the node handing over gives it up only once its carrier
// link is unbound, and at no moment are there two owners; every message
// accepted reaches the carrier.
BOOST_FIXTURE_TEST_CASE(switchover_and_failback_move_the_key_with_the_carrier, witness_pair) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    load_client alpha{io, {s1.smpp_port, s2.smpp_port}, "alpha", "alpha1", "alpha"};
    alpha.start();
    require([&] { return alpha.ok >= 30; }, "alpha's load flowing");

    const auto sw = ctl(s1, {"switchover"});
    BOOST_TEST(sw.code == 0, sw.out << sw.err);
    await_mode(s1, "standby", 25s);
    await_mode(s2, "took_over", 25s);
    require([&] { return bound_now("site2") && !bound_now("site1"); }, "the carrier and the key moved to site2", 15s);
    const auto w2 = status(s2).at("partition").as_object().at("witness").as_object();
    BOOST_TEST(w2.at("holding").as_bool());
    const auto ok1 = alpha.ok;
    require([&] { return alpha.ok >= ok1 + 20; }, "load accepted on site2", 15s);

    const auto fb = ctl(s1, {"failback"});
    BOOST_TEST(fb.code == 0, fb.out << fb.err);
    await_mode(s1, "normal", 25s);
    await_mode(s2, "normal", 25s);
    require([&] { return bound_now("site1") && !bound_now("site2"); }, "the carrier and the key back on site1", 15s);
    const auto ok2 = alpha.ok;
    require([&] { return alpha.ok >= ok2 + 20; }, "load accepted on site1 again", 15s);
    alpha.stop();
    require([&] { return alpha.done; }, "client stopped", 15s);
    require([&] { return all_at_carrier(alpha); }, "every accepted message at the carrier", 20s);
    BOOST_TEST(overlaps().empty(), "two owners at once: " << (overlaps().empty() ? "" : overlaps().front()));
}

// The owner stalls (SIGSTOP: a paused VM, a host frozen for seconds) with
// its window full and more queued behind: the carrier answers 2.5 s late,
// so the answers wait in site1's socket while it is stopped (which of its
// handlers runs first on resuming is up to the event loop; the link's
// fence makes the order not matter, carrier_client_test). Its
// lease runs out in etcd while it cannot act; site2 takes the key and binds.
// A stopped process cannot close its TCP bind, so the carrier sees it until
// site1 resumes; but from then on site1 sends nothing on it, though the
// first thing it reads are answers that open its window: its links ask the
// lease before every bind and submission, whichever handler runs first.
BOOST_FIXTURE_TEST_CASE(stalled_owner_sends_nothing_once_resumed_past_its_lease, witness_pair) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    sim_command(*sim, "delay 2500");
    load_client alpha{io, {s1.smpp_port, s2.smpp_port}, "alpha", "alpha1", "alpha"};
    alpha.start();
    require([&] { return alpha.ok >= 300; }, "alpha's messages accepted on site1, more than its window");

    const auto from1 = s1.mark();
    const auto stopped_at = steady::now();
    s1.proc->proc().signal(SIGSTOP);
    require([&] { return bound_now("site2"); }, "site2 takes the key and binds once site1's lease expired", 20s);
    const auto site2_bound = binds_of("site2").front().bound_at;
    // Past the moment site2 bound, site1 resumes with answers in its socket
    // and messages queued behind its window.
    BOOST_TEST(!wait([] { return false; }, 1s));
    s1.proc->proc().signal(SIGCONT);
    require([&] {
        for (const auto& b : binds_of("site1"))
            if (!b.closed_at) return false;
        return true;
    }, "site1 lets the carrier go once resumed", 15s);
    for (const auto& b : binds_of("site1")) {
        BOOST_TEST((b.bound_at < site2_bound), "site1 bound again (conn " << b.conn << ") while site2 held the key");
        if (b.last_submit_at)
            BOOST_TEST((*b.last_submit_at < site2_bound),
                       "site1 sent on conn " << b.conn << " " << since(site2_bound, *b.last_submit_at).count()
                                             << " ms after site2 bound");
    }
    BOOST_TEST(s1.has("cluster", "witness_lost", {}, from1));
    std::cout << "stalled owner: site2 bound " << since(stopped_at, site2_bound).count()
              << " ms after site1 stopped; the carrier saw both binds for " << owners().overlap_time().count()
              << " ms (site1 stopped, then closing), site1 sent nothing in that time" << std::endl;

    sim_command(*sim, "delay 0");
    alpha.stop();
    require([&] { return alpha.done; }, "client stopped", 15s);
    require([&] { return all_at_carrier(alpha); }, "every accepted message at the carrier", 60s);
}
