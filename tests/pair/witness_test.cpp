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
// carrier, never two owners.
#define BOOST_TEST_MODULE pair_witness
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
    require([&] {
        const auto got = texts(*sim);
        for (const auto& [text, id] : alpha.accepted)
            if (!got.contains(text)) return false;
        return true;
    }, "every accepted message at the carrier", 20s);
    BOOST_TEST(overlaps().empty(), "two owners at once: " << (overlaps().empty() ? "" : overlaps().front()));
}
