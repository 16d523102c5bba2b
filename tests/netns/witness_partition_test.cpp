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

std::int64_t epoch_of(const json::object& st) { return st.at("node").as_object().at("epoch").to_number<std::int64_t>(); }

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
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    const auto st = status(s1);
    BOOST_TEST(at(st, "partition", "safe") == "true");
    BOOST_TEST(st.at("partition").as_object().at("warnings").as_array().empty(), json::serialize(st.at("partition")));

    const auto from2 = s2.mark();
    partition_sites();
    require([&] { return s2.has("cluster", "takeover_refused", {}, from2); }, "site2 refuses to take over", 10s);
    BOOST_TEST(s2.has("cluster", "peer_lost", {}, from2));
    require([&] { return s2.has("alert", "sent", {{"kind", "takeover_refused"}}, from2) ||
                         s2.has("alert", "raised", {{"kind", "takeover_refused"}}, from2); },
            "site2 alerts takeover_refused", 5s);
    await_mode(s1, "took_over");
    // Some seconds of partition: site2 never binds the carrier.
    BOOST_TEST(!wait([&] { return bound_now("site2"); }, 4s));
    BOOST_TEST(bound_now("site1"));
    BOOST_TEST(mode_of(s2) == "normal");
    std::cout << "full partition with the witness: no owner for 0 ms (site1 kept the carrier), site2 refused "
              << s2.events("cluster", "takeover_refused", {}, from2).size() << " time(s)" << std::endl;

    heal_sites();
    require([&] { return mode_of(s1) == "normal" && mode_of(s2) == "normal"; }, "both normal again", 20s);
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    BOOST_TEST(overlaps().empty(), "two owners at once: " << (overlaps().empty() ? "" : overlaps().front()));
    BOOST_TEST(binds_of("site2").empty());
    BOOST_TEST(binds_of("site1").size() == 1u); // never let go
}

BOOST_FIXTURE_TEST_CASE(primary_isolated_from_peer_and_witness_unbinds_then_secondary_takes_over, netns_pair) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    const auto ttl = 3000ms;
    const auto from1 = s1.mark(), from2 = s2.mark();
    const auto t0 = steady::now();
    cut_witness(s1);
    partition_sites();
    require([&] { return !bound_now("site1"); }, "site1 unbinds the carrier", 10s);
    const auto unbound_at = binds_of("site1").back().closed_at.value();
    require([&] { return bound_now("site2"); }, "site2 binds the carrier", 15s);
    const auto bound_at = binds_of("site2").back().bound_at;
    BOOST_TEST(s1.has("cluster", "witness_lost", {}, from1));
    BOOST_TEST(s2.has("cluster", "takeover", {}, from2));
    std::cout << "isolated primary (netns): unbound " << since(t0, unbound_at).count() << " ms after the cut (lease "
              << ttl.count() << " ms); site2 bound " << since(t0, bound_at).count() << " ms after the cut; no owner for "
              << since(unbound_at, bound_at).count() << " ms" << std::endl;
    BOOST_TEST(since(t0, unbound_at) < ttl);
    BOOST_TEST((unbound_at < bound_at));
    BOOST_TEST(overlaps().empty(), "two owners at once: " << (overlaps().empty() ? "" : overlaps().front()));
    const auto st2 = status(s2);
    BOOST_TEST(epoch_of(st2) == st2.at("partition").as_object().at("witness").as_object().at("revision").to_number<std::int64_t>());

    heal_witness(s1);
    heal_sites();
    require([&] { return mode_of(s1) == "normal" && mode_of(s2) == "normal" && bound_now("site1") && !bound_now("site2"); },
            "converged: both normal, the carrier back on site1", 30s);
    BOOST_TEST(overlaps().empty(), "two owners at once: " << (overlaps().empty() ? "" : overlaps().front()));
}

BOOST_FIXTURE_TEST_CASE(kill9_primary_takeover_within_5s_with_the_witness, default_keepalive) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    const auto from2 = s2.mark();
    const auto t0 = steady::now();
    kill9(s1);
    require([&] { return bound_now("site2"); }, "site2 binds the carrier", 15s);
    const auto bound_at = binds_of("site2").back().bound_at;
    const auto closed = binds_of("site1").back().closed_at.value();
    std::cout << "takeover_ms with the witness (netns): " << since(t0, bound_at).count()
              << " ms (keepalive 1s x 3, lease 3 s; no owner for " << since(closed, bound_at).count() << " ms)" << std::endl;
    BOOST_TEST(since(t0, bound_at) <= 5000ms);
    BOOST_TEST(s2.has("cluster", "takeover", {}, from2));
    BOOST_TEST(overlaps().empty());
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
