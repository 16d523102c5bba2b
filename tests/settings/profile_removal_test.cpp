// profile_sync: a shared profile removed on one node is removed on the
// other while that one still holds the agreed version; a removal against
// an edit made on the other side is a conflict; a removal made while the
// node was down is still sent; a profile put back before the peer answered
// is no removal any more.
#define BOOST_TEST_MODULE settings_removal
#include <boost/test/unit_test.hpp>

#include "sync_fixture.hpp"

using namespace twinsms::settings;
using namespace twinsms::test;

namespace {
const std::string charlie = "clients/charlie.yaml", alpha = "clients/alpha.yaml";
}

BOOST_FIXTURE_TEST_CASE(a_removal_reaches_the_peer_and_the_profile_is_no_longer_shared, two_nodes) {
    local(a, {{alpha, "X"}, {charlie, "C"}});
    local(b, {{alpha, "X"}, {charlie, "C"}});
    beat(a, b);
    BOOST_TEST(a.shared(t).size() == 2u);

    local(a, {{alpha, "X"}}); // charlie.yaml deleted on a, then a reload
    BOOST_REQUIRE_EQUAL(a.pending().size(), 1u);
    BOOST_TEST(a.pending()[0].digest == std::string{deleted});
    BOOST_TEST(a.pending()[0].base == "C");
    b.on_peer_index(a.local(), t); // the index arrives before the edit: b sees the drift
    a.on_peer_index(b.local(), t);
    BOOST_TEST(a.drifting() == 1u);
    BOOST_TEST(!a.in_sync());
    BOOST_TEST(a.shared(t).size() == 2u); // the removal shows until the peer made it
    const auto v = beat(a, b);
    BOOST_REQUIRE_EQUAL(v.size(), 1u);
    BOOST_TEST((v[0].result == outcome::accepted));
    BOOST_TEST(!b.local().contains(charlie));
    for (auto* n : {&a, &b}) {
        BOOST_TEST(n->in_sync());
        BOOST_TEST(!n->base().contains(charlie));
        BOOST_TEST(n->shared(t).size() == 1u);
        BOOST_TEST(n->pending().empty());
    }
    BOOST_TEST(a.digest() == b.digest());
    // A copy of the removal arriving late changes nothing.
    edit late{charlie, "C", std::string{deleted}, {}, 1};
    const auto d = b.on_peer_edit(late, t);
    BOOST_TEST((d.what != profile_sync::action::apply));
}

BOOST_FIXTURE_TEST_CASE(a_removal_against_an_edit_is_a_conflict_on_both_sides, two_nodes) {
    local(a, {{charlie, "C"}});
    local(b, {{charlie, "C"}});
    beat(a, b);
    local(a, {});               // removed on a ...
    local(b, {{charlie, "D"}}); // ... edited on b, the link cut
    BOOST_TEST((beat(a, b).at(0).result == outcome::conflict));
    BOOST_TEST((beat(b, a).at(0).result == outcome::conflict));
    for (auto* n : {&a, &b}) {
        BOOST_TEST(n->conflicts() == 1u);
        BOOST_TEST(!n->in_sync());
        const auto ev = n->take_events();
        BOOST_REQUIRE_EQUAL(ev.size(), 1u);
        BOOST_TEST((ev[0].result == outcome::conflict));
    }
    BOOST_TEST(b.local().at(charlie) == "D"); // nothing removed, nothing applied
    BOOST_TEST(!a.local().contains(charlie));
    local(b, {}); // the operator removes it on b too: the conflict is over
    beat(b, a);
    beat(a, b);
    for (auto* n : {&a, &b}) {
        BOOST_TEST(n->conflicts() == 0u);
        BOOST_TEST(n->in_sync());
        BOOST_TEST(!n->base().contains(charlie));
    }
}

BOOST_FIXTURE_TEST_CASE(a_removal_made_while_the_node_was_down_is_sent_at_start, two_nodes) {
    local(a, {{charlie, "C"}});
    local(b, {{charlie, "C"}});
    beat(a, b);
    profile_sync restarted{a.base()}; // a restarts with the saved base; the file went meanwhile
    restarted.on_local({}, t, wall += 1000);
    BOOST_REQUIRE_EQUAL(restarted.pending().size(), 1u);
    BOOST_TEST(restarted.pending()[0].digest == std::string{deleted});
    BOOST_TEST((beat(restarted, b).at(0).result == outcome::accepted));
    BOOST_TEST(!b.local().contains(charlie));
    BOOST_TEST(restarted.in_sync());
}

BOOST_FIXTURE_TEST_CASE(a_profile_put_back_before_the_answer_is_no_removal, two_nodes) {
    local(a, {{charlie, "C"}});
    local(b, {{charlie, "C"}});
    beat(a, b);
    local(a, {});
    BOOST_TEST(a.pending().size() == 1u);
    local(a, {{charlie, "C"}}); // the operator restored the file
    BOOST_TEST(a.pending().empty());
    beat(a, b);
    BOOST_TEST(b.local().at(charlie) == "C");
    BOOST_TEST(a.in_sync());
    local(a, {});
    local(a, {{charlie, "E"}}); // or put back a different version: an edit from the base
    BOOST_REQUIRE_EQUAL(a.pending().size(), 1u);
    BOOST_TEST(a.pending()[0].digest == "E");
    BOOST_TEST(a.pending()[0].base == "C");
    BOOST_TEST((beat(a, b).at(0).result == outcome::accepted));
    BOOST_TEST(b.local().at(charlie) == "E");
}
