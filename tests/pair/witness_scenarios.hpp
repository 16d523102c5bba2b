#pragma once
// The partition scenarios with a witness, written once for both ways the
// tests separate the sites: relays on loopback (witness_fixture.hpp,
// tests/pair/witness_test.cpp) and links between network namespaces
// (tests/netns/netns_pair.hpp, witness_partition_test.cpp). A fixture
// provides start_pair, partition_sites/heal_sites, cut_witness/heal_witness
// (one site's way to etcd), the bind-log queries and the pair's usual
// status, mode and ctl helpers; `where` names the setup in the figures.
#include <iostream>
#include <string>

#include <boost/test/unit_test.hpp>

namespace twinsms::test::witness_scenarios {

using namespace std::chrono_literals;

inline std::int64_t epoch_of(const boost::json::object& st) {
    return st.at("node").as_object().at("epoch").to_number<std::int64_t>();
}

// A full partition between the sites: site2 sees site1 dead on both paths,
// refuses to take over (once) and alerts; site1 keeps the carrier the whole
// time; healed, the pair converges with the carrier never on site2.
template <class P> void full_partition(P& p, const std::string& where) {
    p.start_pair();
    p.require([&] { return p.bound_now("site1"); }, "site1 holds the carrier");
    const auto st = p.status(p.s1);
    BOOST_TEST(p.at(st, "partition", "safe") == "true");
    BOOST_TEST(st.at("partition").as_object().at("witness").as_object().at("holding").as_bool());
    BOOST_TEST(st.at("partition").as_object().at("witness").as_object().at("revision").template to_number<std::int64_t>() ==
               epoch_of(st)); // the key's revision is the epoch
    const auto plain = p.ctl(p.s1, {"status"});
    BOOST_TEST(plain.out.find("witness   /twinsms/site1/carrier_owner  held  revision " + std::to_string(epoch_of(st))) !=
                   std::string::npos, plain.out);
    BOOST_TEST(plain.out.find("NOT PARTITION-SAFE") == std::string::npos, plain.out);

    const auto from2 = p.s2.mark();
    p.partition_sites();
    p.require([&] { return p.s2.has("cluster", "takeover_refused", {}, from2); }, "site2 refuses to take over", 10s);
    BOOST_TEST(p.s2.has("cluster", "peer_lost", {}, from2));
    p.require([&] { return p.s2.has("alert", "raised", {{"kind", "takeover_refused"}}, from2); },
              "site2 alerts takeover_refused", 5s);
    p.await_mode(p.s1, "took_over"); // site1 saw the peer dead too and, holding the key, took over
    // Some seconds of partition: site2 never binds the carrier and asks etcd
    // at a bounded pace (renewals every TTL/3, acquisitions every TTL/6).
    const auto q0 = p.witness_requests(p.s2);
    const auto w0 = std::chrono::steady_clock::now();
    BOOST_TEST(!p.wait([&] { return p.bound_now("site2"); }, 4s));
    const double per_s = static_cast<double>(p.witness_requests(p.s2) - q0) /
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    std::cout << "full partition with the witness (" << where << "): site1 kept the carrier (no gap); site2 refused "
              << p.s2.events("cluster", "takeover_refused", {}, from2).size() << " time(s), " << per_s
              << " etcd requests per second while refused" << std::endl;
    BOOST_TEST(per_s <= 3.5);
    BOOST_TEST(p.bound_now("site1"));
    BOOST_TEST(p.mode_of(p.s2) == "normal");
    BOOST_TEST(p.s2.events("cluster", "takeover_refused", {}, from2).size() == 1u); // once, not every retry

    p.heal_sites();
    p.require([&] { return p.mode_of(p.s1) == "normal" && p.mode_of(p.s2) == "normal"; }, "both normal again", 20s);
    p.require([&] { return p.bound_now("site1"); }, "site1 holds the carrier");
    BOOST_TEST(p.overlaps().empty(), "two owners at once: " << (p.overlaps().empty() ? "" : p.overlaps().front()));
    BOOST_TEST(p.binds_of("site2").empty());
    BOOST_TEST(p.binds_of("site1").size() == 1u); // never let go
}

// site1 cut off from the peer and the witness: it unbinds within the lease
// TTL, site2 takes over after it (the gap with no owner printed); healed,
// the carrier goes back to site1, never two owners.
template <class P> void primary_isolated(P& p, const std::string& where) {
    p.start_pair();
    p.require([&] { return p.bound_now("site1"); }, "site1 holds the carrier");
    const auto ttl = 3000ms;
    const auto from1 = p.s1.mark(), from2 = p.s2.mark();
    const auto t0 = std::chrono::steady_clock::now();
    p.cut_witness(p.s1);
    p.partition_sites();
    p.require([&] { return !p.bound_now("site1"); }, "site1 unbinds the carrier", 10s);
    const auto unbound_at = p.binds_of("site1").back().closed_at.value();
    p.require([&] { return p.bound_now("site2"); }, "site2 binds the carrier", 15s);
    const auto bound_at = p.binds_of("site2").back().bound_at;
    BOOST_TEST(p.s1.has("cluster", "witness_lost", {}, from1));
    BOOST_TEST(p.s2.has("cluster", "takeover", {}, from2));
    std::cout << "isolated primary (" << where << "): unbound " << P::since(t0, unbound_at).count()
              << " ms after the cut (lease " << ttl.count() << " ms); site2 bound " << P::since(t0, bound_at).count()
              << " ms after the cut; no owner for " << P::since(unbound_at, bound_at).count() << " ms" << std::endl;
    BOOST_TEST(P::since(t0, unbound_at) < ttl);
    BOOST_TEST((unbound_at < bound_at));
    BOOST_TEST(p.overlaps().empty(), "two owners at once: " << (p.overlaps().empty() ? "" : p.overlaps().front()));
    const auto st2 = p.status(p.s2);
    BOOST_TEST(epoch_of(st2) ==
               st2.at("partition").as_object().at("witness").as_object().at("revision").template to_number<std::int64_t>());

    p.heal_witness(p.s1);
    p.heal_sites();
    p.require([&] {
        return p.mode_of(p.s1) == "normal" && p.mode_of(p.s2) == "normal" && p.bound_now("site1") && !p.bound_now("site2");
    }, "converged: both normal, the carrier back on site1", 30s);
    BOOST_TEST(p.overlaps().empty(), "two owners at once: " << (p.overlaps().empty() ? "" : p.overlaps().front()));
}

// kill -9 of the primary: site2 binds the carrier within 5 s (at the
// default keepalive, 1 s x 3), after the dead node's lease ran out in etcd.
template <class P> void kill9_takeover(P& p, const std::string& where) {
    p.start_pair();
    p.require([&] { return p.bound_now("site1"); }, "site1 holds the carrier");
    const auto from2 = p.s2.mark();
    const auto t0 = std::chrono::steady_clock::now();
    p.kill9(p.s1);
    p.require([&] { return p.bound_now("site2"); }, "site2 binds the carrier", 15s);
    const auto bound_at = p.binds_of("site2").back().bound_at;
    const auto closed = p.binds_of("site1").back().closed_at.value();
    std::cout << "takeover_ms with the witness (" << where << "): " << P::since(t0, bound_at).count()
              << " ms (keepalive 1s x 3, lease 3 s; no owner for " << P::since(closed, bound_at).count() << " ms)" << std::endl;
    BOOST_TEST(P::since(t0, bound_at) <= 5000ms);
    BOOST_TEST(p.s2.has("cluster", "takeover", {}, from2));
    BOOST_TEST(p.overlaps().empty());
}

} // namespace twinsms::test::witness_scenarios
