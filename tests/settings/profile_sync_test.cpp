// profile_sync: an edit on either node reaches the other while the other
// still holds the version both agreed on; drift shows (with its age on the
// injected clock) until it converges; copies and replays change nothing;
// the agreed base survives a restart.
#define BOOST_TEST_MODULE settings_sync
#include <boost/test/unit_test.hpp>

#include "sync_fixture.hpp"

using namespace twinsms::settings;
using namespace twinsms::test;
using namespace std::chrono_literals;

BOOST_FIXTURE_TEST_CASE(an_edit_on_either_side_reaches_the_other, two_nodes) {
    local(a, {{"clients/alpha.yaml", "X"}, {"clients/only-a.yaml", "Q"}});
    local(b, {{"clients/alpha.yaml", "X"}});
    beat(a, b);
    BOOST_TEST(a.in_sync());
    BOOST_TEST(b.in_sync());
    BOOST_TEST(a.shared(t).size() == 1u); // only-a is not shared
    BOOST_TEST(a.base().at("clients/alpha.yaml") == "X");

    local(a, {{"clients/alpha.yaml", "Y"}, {"clients/only-a.yaml", "Q"}});
    BOOST_REQUIRE_EQUAL(a.pending().size(), 1u);
    BOOST_TEST(a.pending()[0].base == "X");
    BOOST_TEST(a.pending()[0].digest == "Y");
    const auto v = beat(a, b);
    BOOST_REQUIRE_EQUAL(v.size(), 1u);
    BOOST_TEST((v[0].result == outcome::accepted));
    BOOST_TEST(b.local().at("clients/alpha.yaml") == "Y");
    BOOST_TEST(a.pending().empty());
    BOOST_TEST(a.in_sync());
    BOOST_TEST(b.in_sync());
    BOOST_TEST(b.stats().edits_applied == 1u);

    // And back the other way.
    local(b, {{"clients/alpha.yaml", "Z"}});
    BOOST_TEST((beat(b, a).at(0).result == outcome::accepted));
    BOOST_TEST(a.local().at("clients/alpha.yaml") == "Z");
    BOOST_TEST(a.in_sync());
    BOOST_TEST(a.digest() == b.digest());
    BOOST_TEST(a.digest() == a.peer_digest());
}

BOOST_FIXTURE_TEST_CASE(drift_shows_with_its_age_until_it_converges, two_nodes) {
    local(a, {{"carriers/sim.yaml", "X"}});
    local(b, {{"carriers/sim.yaml", "X"}});
    BOOST_TEST(!a.in_sync()); // nothing heard from the peer yet
    BOOST_TEST(!a.heard_peer());
    beat(a, b);
    local(a, {{"carriers/sim.yaml", "Y"}});
    b.on_peer_index(a.local(), t); // the heartbeat arrives, the edit not yet
    BOOST_TEST(!b.in_sync());
    BOOST_TEST(b.drifting() == 1u);
    BOOST_TEST(b.digest() != b.peer_digest());
    t += 1500ms;
    const auto view = b.shared(t).at(0);
    BOOST_TEST(view.local == "X");
    BOOST_TEST(view.peer == "Y");
    BOOST_REQUIRE(view.drifting_for.has_value());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(*view.drifting_for).count() == 1500);
    a.on_peer_index(b.local(), t);
    BOOST_TEST(a.shared(t).at(0).pending);
    beat(a, b);
    BOOST_TEST(b.drifting() == 0u);
    BOOST_TEST(!b.shared(t).at(0).drifting_for.has_value());
}

BOOST_FIXTURE_TEST_CASE(copies_are_answered_again_and_replays_ignored, two_nodes) {
    local(a, {{"clients/x.yaml", "X"}});
    local(b, {{"clients/x.yaml", "X"}});
    beat(a, b);
    local(a, {{"clients/x.yaml", "Y"}});
    const auto e = a.pending().at(0);
    BOOST_TEST((b.on_peer_edit(e, t).what == profile_sync::action::apply));
    b.applied(e, t);
    // The answer was lost: the copy is answered again, nothing re-applied.
    const auto again = b.on_peer_edit(e, t);
    BOOST_TEST((again.what == profile_sync::action::answer));
    BOOST_TEST((again.answer.result == outcome::accepted));
    BOOST_TEST(b.stats().edits_applied == 1u);
    // A later edit back to X, then an old recording of X -> Y played again: ignored.
    edit back{"clients/x.yaml", "Y", "X", {}, e.id + 10};
    BOOST_TEST((b.on_peer_edit(back, t).what == profile_sync::action::apply));
    b.applied(back, t);
    BOOST_TEST((b.on_peer_edit(e, t).what == profile_sync::action::ignore));
    BOOST_TEST(b.local().at("clients/x.yaml") == "X");
    // A profile this node does not hold is never created.
    edit other{"clients/new.yaml", "", "N", {}, 1};
    BOOST_TEST((b.on_peer_edit(other, t).answer.result == outcome::not_held));
}

BOOST_FIXTURE_TEST_CASE(an_edit_made_while_down_is_an_edit_at_start, two_nodes) {
    local(a, {{"clients/x.yaml", "X"}});
    local(b, {{"clients/x.yaml", "X"}});
    beat(a, b);
    // a restarts with its agreed base, and its file was edited meanwhile.
    profile_sync restarted{a.base()};
    restarted.on_local({{"clients/x.yaml", "Y"}}, t, wall += 1000);
    BOOST_REQUIRE_EQUAL(restarted.pending().size(), 1u);
    BOOST_TEST(restarted.pending()[0].base == "X");
    BOOST_TEST((b.on_peer_edit(restarted.pending()[0], t).what == profile_sync::action::apply));
    // Without a base (a new node), differing files are drift, not an edit.
    profile_sync fresh;
    fresh.on_local({{"clients/x.yaml", "W"}}, t, wall += 1000);
    BOOST_TEST(fresh.pending().empty());
}

BOOST_FIXTURE_TEST_CASE(quick_successive_edits_are_no_conflict, two_nodes) {
    local(a, {{"clients/x.yaml", "X"}});
    local(b, {{"clients/x.yaml", "X"}});
    beat(a, b);
    local(a, {{"clients/x.yaml", "Y"}});
    const auto first = a.pending().at(0);
    b.on_peer_edit(first, t);
    b.applied(first, t); // b holds Y; its answer has not reached a
    local(a, {{"clients/x.yaml", "Z"}});
    const auto second = a.pending().at(0);
    BOOST_TEST(second.base == "X");
    BOOST_TEST(second.prior == std::vector<std::string>{"Y"});
    BOOST_TEST((b.on_peer_edit(second, t).what == profile_sync::action::apply));
    BOOST_TEST(b.conflicts() == 0u);
}
