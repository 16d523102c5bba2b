// The cluster controller with a witness: a dead peer is taken over only
// once the carrier key is ours, at the key's revision as the epoch; while
// the peer holds the key the takeover is refused (said once, not taken);
// the peer answering again ends the wait; an acquisition in normal mode
// raises the epoch to the revision without a transition; the witness's own
// events go out in the controller's stream.
#include "controller_fixture.hpp"

namespace {
controller_config with_witness(controller_config c) {
    c.witness = true;
    return c;
}
} // namespace

BOOST_AUTO_TEST_SUITE(witness)

BOOST_AUTO_TEST_CASE(a_dead_peer_is_taken_over_only_with_the_key_at_its_revision) {
    auto c = in_normal(with_witness(secondary()), 4);
    c.on_verdict(verdict::dead, t0 + 1s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.takeover_pending());
    BOOST_TEST(events(c) == kinds{event_kind::peer_lost});
    c.on_witness_acquired(1234, t0 + 2s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 1234u);
    BOOST_TEST(!c.takeover_pending());
    const auto ev = c.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == event_kind::takeover);
    BOOST_TEST(contains(ev[0].detail, "revision 1234"));
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_CASE(while_the_peer_holds_the_key_the_takeover_is_refused_once) {
    auto c = in_normal(with_witness(secondary()), 4);
    c.on_verdict(verdict::dead, t0 + 1s);
    c.take_events();
    for (int i = 0; i < 5; ++i) c.on_witness_refused("site1", t0 + 2s + i * 500ms);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 4u);
    const auto ev = c.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == event_kind::takeover_refused);
    BOOST_TEST(contains(ev[0].detail, "site1 holds the carrier key"));
    BOOST_TEST(c.stats().refused_takeovers == 1u);
    BOOST_TEST(c.serve() == own);
}

BOOST_AUTO_TEST_CASE(the_peer_answering_again_ends_the_wait) {
    auto c = in_normal(with_witness(secondary()), 4);
    c.on_verdict(verdict::dead, t0 + 1s);
    c.on_verdict(verdict::alive, t0 + 2s);
    BOOST_TEST(!c.takeover_pending());
    c.on_witness_acquired(50, t0 + 3s); // a late answer: no takeover
    BOOST_TEST(c.mode() == node_mode::normal);
    // A refusal after that says nothing either.
    c.take_events();
    c.on_witness_refused("site1", t0 + 4s);
    BOOST_TEST(c.take_events().empty());
    // The next death is a new episode: refused again, said again.
    c.on_verdict(verdict::dead, t0 + 5s);
    c.on_witness_refused("site1", t0 + 6s);
    BOOST_TEST(events(c) == (kinds{event_kind::peer_lost, event_kind::takeover_refused}));
}

BOOST_AUTO_TEST_CASE(an_acquisition_in_normal_mode_raises_the_epoch_without_a_transition) {
    auto c = in_normal(with_witness(primary()), 4);
    c.on_witness_acquired(77, t0 + 1s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 77u);
    BOOST_TEST(c.take_events().empty());
    c.on_witness_acquired(10, t0 + 2s); // never down
    BOOST_TEST(c.epoch() == 77u);
}

BOOST_AUTO_TEST_CASE(a_revision_below_the_peers_epoch_still_fences_it) {
    auto c = in_normal(with_witness(secondary()), 90);
    c.on_verdict(verdict::dead, t0 + 1s);
    c.on_witness_acquired(60, t0 + 2s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 91u);
}

BOOST_AUTO_TEST_CASE(without_a_witness_the_takeover_is_immediate) {
    auto c = in_normal(secondary(), 4);
    c.on_verdict(verdict::dead, t0 + 1s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(!c.takeover_pending());
}

BOOST_AUTO_TEST_CASE(witness_events_from_the_node_go_out_with_the_epoch) {
    auto c = in_normal(with_witness(primary()), 4);
    c.note(event_kind::witness_lost, "no renewal");
    const auto ev = c.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == event_kind::witness_lost);
    BOOST_TEST(contains(ev[0].detail, "(epoch 4)"));
    BOOST_TEST(to_string(event_kind::takeover_refused) == "takeover_refused");
    BOOST_TEST(to_string(event_kind::epoch_not_stored) == "epoch_not_stored");
}

BOOST_AUTO_TEST_SUITE_END()
