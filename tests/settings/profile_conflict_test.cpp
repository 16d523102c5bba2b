// profile_sync: both nodes changed a profile since they last agreed. Each
// refuses the other's edit, raises the conflict once, applies nothing, and
// the conflict ends only when the two versions are equal again. A refusal
// for an invalid edit shows on the sender.
#define BOOST_TEST_MODULE settings_conflict
#include <boost/test/unit_test.hpp>

#include "sync_fixture.hpp"

using namespace twinsms::settings;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(both_sides_edited_the_same_profile, two_nodes) {
    local(a, {{"clients/bravo.yaml", "X"}});
    local(b, {{"clients/bravo.yaml", "X"}});
    beat(a, b);
    // The link is cut: each side edits, neither hears the other.
    local(a, {{"clients/bravo.yaml", "A"}});
    local(b, {{"clients/bravo.yaml", "B"}});
    // The link is back: a's heartbeat reaches b first, then b's reaches a.
    const auto at_b = beat(a, b);
    BOOST_TEST((at_b.at(0).result == outcome::conflict));
    const auto at_a = beat(b, a);
    BOOST_TEST((at_a.at(0).result == outcome::conflict));
    for (auto* n : {&a, &b}) {
        BOOST_TEST(n->conflicts() == 1u);
        BOOST_TEST(!n->in_sync());
        BOOST_TEST(n->stats().edits_applied == 0u);
        const auto ev = n->take_events();
        BOOST_REQUIRE_EQUAL(ev.size(), 1u); // raised once on each side
        BOOST_TEST((ev[0].result == outcome::conflict));
        BOOST_TEST(ev[0].profile == "clients/bravo.yaml");
        BOOST_TEST(n->shared(t).at(0).conflict);
    }
    BOOST_TEST(a.local().at("clients/bravo.yaml") == "A"); // nothing merged, nothing overwritten
    BOOST_TEST(b.local().at("clients/bravo.yaml") == "B");
    // More heartbeats change nothing and raise nothing again.
    beat(a, b);
    beat(b, a);
    BOOST_TEST(a.take_events().empty());
    BOOST_TEST(b.take_events().empty());
    BOOST_TEST(b.local().at("clients/bravo.yaml") == "B");
    // The operator copies a's file over b's: equal again, conflict over.
    local(b, {{"clients/bravo.yaml", "A"}});
    beat(b, a);
    BOOST_TEST(a.in_sync());
    BOOST_TEST(b.in_sync());
    BOOST_TEST(a.conflicts() == 0u);
    BOOST_TEST(a.base().at("clients/bravo.yaml") == "A");
}

BOOST_FIXTURE_TEST_CASE(an_edit_whose_base_the_receiver_does_not_hold_is_a_conflict, two_nodes) {
    // The two never agreed (no base): an edit from either side is refused.
    local(a, {{"clients/x.yaml", "P"}});
    local(b, {{"clients/x.yaml", "Q"}});
    beat(a, b);
    BOOST_TEST(a.drifting() == 1u);
    const edit e{"clients/x.yaml", "", "R", {}, 5};
    const auto d = b.on_peer_edit(e, t);
    BOOST_TEST((d.answer.result == outcome::conflict));
    BOOST_TEST(b.local().at("clients/x.yaml") == "Q");
}

BOOST_FIXTURE_TEST_CASE(an_invalid_edit_is_refused_and_shown_on_the_sender, two_nodes) {
    local(a, {{"carriers/sim.yaml", "X"}});
    local(b, {{"carriers/sim.yaml", "X"}});
    beat(a, b);
    local(a, {{"carriers/sim.yaml", "Y"}});
    const auto e = a.pending().at(0);
    BOOST_TEST((b.on_peer_edit(e, t).what == profile_sync::action::apply));
    const auto v = b.refused(e, "routes.yaml:3:5: routes[0].carriers: no carrier 'x'", t);
    a.on_verdict(v, t);
    BOOST_TEST(a.pending().empty()); // not sent again until edited again
    BOOST_TEST(a.stats().refused_by_peer == 1u);
    a.on_peer_index(b.local(), t);
    const auto view = a.shared(t).at(0);
    BOOST_TEST(view.refused.find("no carrier") != std::string::npos);
    BOOST_TEST(!a.in_sync());
    BOOST_TEST((a.take_events().at(0).result == outcome::invalid));
    BOOST_TEST(b.local().at("carriers/sim.yaml") == "X");
}
