// Replication between two real daemons (node.replication, mode async):
// every message site1 acknowledged is in site2's replica of site1's store,
// in the state site1 gave it, and site1's store holds site2's messages the
// same way; both directions report the peer's acknowledged position. After
// a kill -9 of site1 and a restart, the stream resumes from where site2's
// replica stands (no snapshot needed); a site2 restarted with an empty
// replica gets a snapshot. With replication.tls on both (mutual TLS) the
// same stream runs over TLS.
#define BOOST_TEST_MODULE pair_replication
#include "pair/pair_fixture.hpp"
#include "pair/replication_status.hpp"
#include "store/message_store.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

std::vector<std::string> submit(pair_fixture& f, esme& e, const std::string& prefix, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        auto a = f.request(e, make_submit("4670555" + std::to_string(1000 + i), prefix + std::to_string(i), 1));
        BOOST_REQUIRE(!a.ec);
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    return ids;
}

// Opens a stopped node's replica store (LMDB, read as a normal store).
std::unique_ptr<store::message_store> open_replica(const site& s) {
    store::store_options o;
    o.path = s.dir / "store.replica";
    o.sync = false;
    return std::make_unique<store::message_store>(o);
}

} // namespace

BOOST_AUTO_TEST_CASE(each_node_holds_the_peers_acknowledged_messages) {
    pair_options o;
    o.replication = true;
    pair_fixture f{o};
    f.start_pair();
    auto alpha = f.client(f.s1, "alpha", "alpha1");
    auto bravo = f.client(f.s2, "bravo", "bravo1");
    const auto from_alpha = submit(f, *alpha, "a-", 30);
    const auto from_bravo = submit(f, *bravo, "b-", 30);
    f.require([&] { return f.sim->messages().size() >= 60; }, "all at the carrier");
    BOOST_REQUIRE(f.await_status(f.s1, caught_up, 15s));
    BOOST_REQUIRE(f.await_status(f.s2, caught_up, 15s));
    const auto st1 = f.status(f.s1), st2 = f.status(f.s2);
    BOOST_TEST(num_of(*replication_of(st2), "replica_applied") == num_of(*replication_of(st1), "last_committed"));
    BOOST_TEST(num_of(*replication_of(st1), "replica_applied") == num_of(*replication_of(st2), "last_committed"));

    // kill -9 site1: site2's replica of site1 has every message alpha was told OK.
    f.kill9(f.s1);
    f.stop(f.s2);
    auto rep = open_replica(f.s2);
    for (const auto& id : from_alpha) {
        store::message_id mid;
        BOOST_REQUIRE(store::message_id::parse(id, mid));
        const auto m = rep->get(mid);
        BOOST_TEST_CONTEXT("message " << id) {
            BOOST_REQUIRE(m.has_value());
            BOOST_TEST(m->account == "alpha");
        }
    }
    rep.reset();
    auto rep1 = open_replica(f.s1);
    std::size_t bravo_held = 0;
    for (const auto& id : from_bravo) {
        store::message_id mid;
        BOOST_REQUIRE(store::message_id::parse(id, mid));
        bravo_held += rep1->get(mid).has_value();
    }
    BOOST_TEST(bravo_held == from_bravo.size());
}

BOOST_AUTO_TEST_CASE(a_restart_resumes_the_stream_and_an_empty_replica_gets_a_snapshot) {
    pair_options o;
    o.replication = true;
    pair_fixture f{o};
    f.start_pair();
    auto alpha = f.client(f.s1, "alpha", "alpha1");
    submit(f, *alpha, "x-", 20);
    BOOST_REQUIRE(f.await_status(f.s1, caught_up, 15s));
    alpha.reset();
    // site2 restarts with its replica of site1 kept: it resumes, no snapshot.
    f.start(f.s2);
    auto alpha2 = f.client(f.s1, "alpha", "alpha1");
    submit(f, *alpha2, "y-", 20);
    BOOST_REQUIRE(f.await_status(f.s1, caught_up, 15s));
    BOOST_TEST(num_of(*replication_of(f.status(f.s1)), "snapshots_sent") == 0u);
    // site2 loses its replica: site1 sends a snapshot, then the stream.
    f.stop(f.s2);
    fs::remove_all(f.s2.dir / "store.replica");
    f.start(f.s2);
    submit(f, *alpha2, "z-", 20);
    BOOST_REQUIRE(f.await_status(f.s1, [](const json::object& st) {
        return caught_up(st) && num_of(*replication_of(st), "snapshots_sent") == 1;
    }, 20s));
    BOOST_TEST(f.s2.has("replication", "snapshot_adopted"));
}

BOOST_AUTO_TEST_CASE(the_stream_runs_over_mutual_tls_between_the_daemons) {
    pair_options o;
    o.replication = true;
    o.replication_tls = true;
    pair_fixture f{o};
    f.start_pair();
    auto alpha = f.client(f.s1, "alpha", "alpha1");
    submit(f, *alpha, "t-", 10);
    BOOST_REQUIRE(f.await_status(f.s1, caught_up, 15s));
    const auto st = f.status(f.s1);
    BOOST_TEST(replication_of(st)->at("tls").as_bool());
    BOOST_TEST(num_of(*replication_of(st), "tls_failures") == 0u);
    BOOST_TEST(f.s1.has("replication", "tls_established"));
    BOOST_TEST(f.s2.has("replication", "receiver_connected"));
}
