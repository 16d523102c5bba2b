// The pair without a witness across network namespaces (netns_pair.hpp),
// where the two heartbeat paths are two links between two hosts:
// - --check and status say the pair is not partition-safe, and no longer warn
//   that both paths end on one host (they do not here).
// - The peer link cut with the second path alive: link trouble, alerted on
//   both, no takeover, the carrier stays with site1.
// - A full partition (both links cut): the documented behaviour, both nodes
//   take over and bind the carrier; healed, one owner again, site1. The time
//   with two owners is printed.
// - kill -9 of the primary at the default keepalive: the takeover time
//   without a witness, the baseline for the witness figures.
#define BOOST_TEST_MODULE netns_plain_partition
#include "netns/netns_pair.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

netns_options no_witness(std::string interval = "250ms") {
    netns_options o;
    o.witness = false;
    o.pair.interval = std::move(interval);
    return o;
}
struct plain_pair : netns_pair {
    plain_pair() : netns_pair{no_witness()} {}
};
struct plain_pair_1s : netns_pair {
    plain_pair_1s() : netns_pair{no_witness("1s")} {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(not_partition_safe_said_without_the_same_host_warning, plain_pair) {
    for (auto* s : {&s1, &s2}) {
        close_on_exec_all();
        child_process check{{TWINSMSD_EXE, "--check", s->dir.string()}};
        require([&] { return check.poll(); }, "twinsmsd --check", 15s);
        BOOST_TEST(check.status().code == 0);
        BOOST_TEST(check.out().find("warning: not partition-safe: no cluster.witness") != std::string::npos, check.out());
        BOOST_TEST(check.out().find("in one process") == std::string::npos, check.out());
        BOOST_TEST(check.out().find("shares the peer link's address") == std::string::npos, check.out());
    }
    start_pair();
    const auto st = status(s2);
    BOOST_TEST(at(st, "partition", "safe") == "false");
    const auto& warnings = st.at("partition").as_object().at("warnings").as_array();
    BOOST_TEST(warnings.size() == 1u, json::serialize(warnings));
    const auto r = ctl(s2, {"status"});
    BOOST_TEST(r.out.find("NOT PARTITION-SAFE (no witness)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("both end on this host") == std::string::npos, r.out);
}

BOOST_FIXTURE_TEST_CASE(peer_link_cut_with_the_second_path_alive_is_link_trouble, plain_pair) {
    start_pair();
    const auto m1 = s1.mark(), m2 = s2.mark();
    lab.cut(net::peer_link);
    for (auto* s : {&s1, &s2})
        require([&] { return s->has("alert", "raised", {{"kind", "link_trouble"}}, s == &s1 ? m1 : m2); },
                s->name + " raised a link_trouble alert", 15s);
    BOOST_TEST(s1.has("cluster", "verdict", {{"verdict", "link_trouble"}}, m1));
    BOOST_TEST(s2.has("cluster", "verdict", {{"verdict", "link_trouble"}}, m2));
    // No takeover: a few keepalive intervals more, and site2 never binds the carrier.
    BOOST_TEST(!wait([&] { return bound_now("site2"); }, 3s));
    BOOST_TEST(!s1.has("cluster", "transition", {}, m1));
    BOOST_TEST(!s2.has("cluster", "transition", {}, m2));
    BOOST_TEST(bound_now("site1"));

    lab.heal(net::peer_link);
    require([&] { return s2.has("carrier", "bound", {{"carrier", "site1"}}, m2); }, "site2's peer link bound again", 30s);
    BOOST_TEST(overlaps().empty());
}

BOOST_FIXTURE_TEST_CASE(full_partition_without_a_witness_makes_two_owners_until_it_heals, plain_pair) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    const auto from1 = s1.mark(), from2 = s2.mark();
    const auto t0 = steady::now();
    partition_sites();
    // The documented behaviour (README, Partition safety): each sees the other dead and takes over.
    await_mode(s2, "took_over", 15s);
    require([&] { return bound_now("site2"); }, "site2 binds the carrier too", 15s);
    await_mode(s1, "took_over", 15s);
    BOOST_TEST(bound_now("site1"));
    BOOST_TEST(s1.has("cluster", "peer_lost", {}, from1));
    BOOST_TEST(s2.has("cluster", "takeover", {}, from2));
    BOOST_TEST(!overlaps().empty()); // two owners: what a witness prevents
    // And so they stay while the partition lasts.
    BOOST_TEST(!wait([&] { return !bound_now("site1") || !bound_now("site2"); }, 2s));

    heal_sites();
    require([&] { return mode_of(s1) == "normal" && mode_of(s2) == "normal" && bound_now("site1") && !bound_now("site2"); },
            "converged: both normal, the carrier on site1 only", 30s);
    std::cout << "full partition without a witness (netns): site2 bound " << since(t0, binds_of("site2").front().bound_at).count()
              << " ms after the cut; two owners for " << owners().overlap_time().count() << " ms in all (partition of "
              << since(t0, steady::now()).count() << " ms until converged)" << std::endl;
}

BOOST_FIXTURE_TEST_CASE(kill9_primary_takeover_time_without_a_witness, plain_pair_1s) {
    start_pair();
    require([&] { return bound_now("site1"); }, "site1 holds the carrier");
    const auto t0 = steady::now();
    kill9(s1);
    require([&] { return bound_now("site2"); }, "site2 binds the carrier", 15s);
    const auto bound_at = binds_of("site2").back().bound_at;
    std::cout << "takeover_ms without a witness (netns): " << since(t0, bound_at).count()
              << " ms (keepalive 1s x 3; no owner for " << since(binds_of("site1").back().closed_at.value(), bound_at).count()
              << " ms)" << std::endl;
    BOOST_TEST(since(t0, bound_at) <= 5000ms);
    BOOST_TEST(overlaps().empty());
}
