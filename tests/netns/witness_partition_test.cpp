// Partition safety with the witness across network namespaces
// (netns_pair.hpp: each node on its own host, etcd on a third, the
// simulator and the clients on the lab network; cuts are silent drops on
// the links). From the carrier simulator's bind log, at no moment do two
// nodes hold the carrier.
// - A full partition between the sites: site2 sees site1 dead on both
//   paths, refuses to take over and alerts; site1 keeps the carrier; healed,
//   the pair converges.
// - site1 cut off from the peer and the witness: it unbinds within the
//   lease TTL, site2 takes over after it; the gap with no owner is printed.
// - kill -9 of the primary at the default keepalive (1 s x 3): the takeover
//   with the witness within 5 s; the time is printed.
// - The witness over HTTPS with client certificates, in a running pair: the
//   key is held over TLS, the etcd requests per second at rest are printed,
//   and a takeover after kill -9 goes through it.
#define BOOST_TEST_MODULE netns_witness_partition
#include "netns/netns_pair.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

netns_options keepalive(std::string interval, bool tls = false) {
    netns_options o;
    o.pair.interval = std::move(interval);
    o.witness_tls = tls;
    return o;
}
struct default_keepalive : netns_pair {
    default_keepalive() : netns_pair{keepalive("1s")} {}
};
struct witness_over_tls : netns_pair {
    witness_over_tls() : netns_pair{keepalive("1s", true)} {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(full_partition_one_owner_the_other_refuses_and_alerts, netns_pair) {
    witness_scenarios::full_partition(*this, "network namespaces");
    BOOST_TEST(status(s1).at("partition").as_object().at("warnings").as_array().empty()); // two real paths, a witness
}

BOOST_FIXTURE_TEST_CASE(primary_isolated_from_peer_and_witness_unbinds_then_secondary_takes_over, netns_pair) {
    witness_scenarios::primary_isolated(*this, "network namespaces");
}

BOOST_FIXTURE_TEST_CASE(kill9_primary_takeover_within_5s_with_the_witness, default_keepalive) {
    witness_scenarios::kill9_takeover(*this, "network namespaces");
}

BOOST_FIXTURE_TEST_CASE(witness_over_https_with_client_certificates, witness_over_tls) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    require([&] {
        const auto w = status(s1).at("partition").as_object().at("witness").as_object();
        return w.at("holding").as_bool();
    }, "site1 holds the key over HTTPS");
    // At rest: the owner renews every TTL/3, the other node asks nothing.
    const auto r0 = witness_requests(s1), q0 = witness_requests(s2);
    const auto rest0 = steady::now();
    BOOST_TEST(!wait([] { return false; }, 3s)); // three seconds at rest
    const auto r1 = witness_requests(s1), q1 = witness_requests(s2);
    const double secs = std::chrono::duration<double>(steady::now() - rest0).count();
    std::cout << "etcd requests per second at rest (HTTPS, netns): site1 " << (r1 - r0) / secs << ", site2 "
              << (q1 - q0) / secs << std::endl;
    BOOST_TEST((r1 - r0) / secs <= 1.5);
    BOOST_TEST(q1 == q0);

    const auto from2 = s2.mark();
    const auto t0 = steady::now();
    kill9(s1);
    require([&] { return bound_now("site2"); }, "site2 binds the carrier", 15s);
    std::cout << "takeover_ms with the witness over HTTPS (netns): " << since(t0, binds_of("site2").back().bound_at).count()
              << " ms" << std::endl;
    BOOST_TEST(s2.has("cluster", "takeover", {}, from2));
    const auto st2 = status(s2);
    BOOST_TEST(st2.at("partition").as_object().at("witness").as_object().at("holding").as_bool());
    BOOST_TEST(overlaps().empty());
}
