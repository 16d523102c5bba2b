// Replication and takeover: messages site1 accepted and could not get out
// (the carrier throttles everything) are in site2's replica; after kill -9
// of site1, site2 takes over, runs an engine over that replica, and sends
// them through the carrier it now binds, and alpha, which moved to site2,
// gets a receipt for each with the id site1 gave it; query_sm on site2
// answers for them, and the status names the epoch of the promotion.
#define BOOST_TEST_MODULE pair_replication_takeover
#include "pair/pair_fixture.hpp"
#include "pair/replication_status.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

// Texts the carrier accepted (throttled attempts are recorded too).
std::multiset<std::string> accepted_texts(const smsc_simulator& s) {
    std::multiset<std::string> out;
    for (const auto& m : s.messages())
        if (!m.message_id.empty()) out.insert(m.text);
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(messages_stuck_on_a_dead_primary_go_out_from_its_replica_on_the_survivor) {
    pair_options o;
    o.replication = true;
    pair_fixture f{o};
    f.start_pair();
    auto alpha = f.client(f.s1, "alpha", "alpha1");
    f.sim->throttle_for(std::chrono::minutes(10)); // nothing site1 sends gets through
    constexpr int n = 10;
    std::map<std::string, std::string> text_of; // id from site1 -> text
    for (int i = 0; i < n; ++i) {
        const auto text = "stuck-" + std::to_string(i);
        auto a = f.request(*alpha, make_submit("4670555" + std::to_string(2000 + i), text, 1));
        BOOST_REQUIRE(!a.ec);
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        text_of[a.message_id()] = text;
    }
    BOOST_REQUIRE(f.await_status(f.s1, caught_up, 15s)); // in site2's replica
    BOOST_TEST(accepted_texts(*f.sim).empty());

    f.kill9(f.s1);
    alpha.reset();
    f.sim->throttle_for(std::chrono::milliseconds(0));
    f.await_mode(f.s2, "took_over", 15s);
    f.require([&] { return f.s2.has("node", "peer_store_taken_over"); }, "site2 runs site1's replica", 15s);
    // alpha moves to site2 (its profile there is active after the takeover).
    std::unique_ptr<esme> alpha2;
    f.require([&] {
        auto e = f.connect(f.s2.smpp_port);
        auto st = f.try_bind(*e, "alpha", "alpha1");
        if (st && *st == status::ok) alpha2 = std::move(e);
        return alpha2 != nullptr;
    }, "alpha bound on site2", 15s);

    f.require([&] { return accepted_texts(*f.sim).size() >= n; }, "site1's messages at the carrier, sent by site2", 20s);
    const auto texts = accepted_texts(*f.sim);
    for (const auto& [id, text] : text_of) BOOST_TEST(texts.count(text) >= 1u, text);
    for (const auto& [id, text] : text_of)
        f.require([&] { return receipt_for(*alpha2, id) != nullptr; }, "receipt for " + text + " (" + id + ")", 20s);
    BOOST_TEST(f.s2.has("replication", "replica_promoted"));
    // The promotion carries the takeover's epoch (committed before it ran).
    const auto st = f.status(f.s2);
    const auto* rep = replication_of(st);
    BOOST_REQUIRE(rep);
    BOOST_TEST(rep->at("peer_store_promoted").as_bool());
    BOOST_TEST(num_of(*rep, "peer_store_epoch") == num_of(st.at("node").as_object(), "epoch"));
    BOOST_TEST(num_of(*rep, "peer_store_epoch") >= 1u);
    // query_sm on the survivor answers for site1's messages (from its promoted replica).
    for (const auto& [id, text] : text_of) {
        pdu q{status::ok, 0, query_sm{}};
        q.as<query_sm>()->message_id = id;
        auto a = f.request(*alpha2, q);
        BOOST_REQUIRE(!a.ec);
        BOOST_TEST(a.status() == status::ok, "query_sm " << id);
        if (const auto* r = a.resp->as<query_sm_resp>()) {
            BOOST_TEST(std::string{r->message_id} == id);
            BOOST_TEST(r->message_state == 2u); // DELIVERED
        }
    }
}
