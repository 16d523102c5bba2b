// The cluster controller: took_over (failback hold, brain split) and handing_back.
#include "controller_fixture.hpp"

// -------------------------------------------------------------- took_over

BOOST_AUTO_TEST_SUITE(took_over)

BOOST_AUTO_TEST_CASE(serves_everything_and_routes_directly) {
    auto c = in_took_over(secondary(), 4);
    BOOST_TEST(c.serve() == everything);
    BOOST_TEST(!c.serve().peer_link_route);
    BOOST_TEST(!c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    c.on_released(t0 + 5s); // nothing to release
    BOOST_TEST(c.mode() == node_mode::took_over);
    const auto r = c.report(3);
    BOOST_TEST(r.mode == node_mode::took_over);
    BOOST_TEST(r.epoch == 5u);
    BOOST_TEST(!r.handover);
    BOOST_TEST(!r.reclaim);
}

BOOST_AUTO_TEST_CASE(a_second_death_is_no_second_takeover) {
    auto c = in_took_over(primary(), 4);
    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_CASE(automatic_failback_after_the_hold) {
    auto c = in_took_over(primary(), 4);
    const auto t1 = t0 + 10s;
    c.on_peer_report(from_peer(node_mode::fenced, 5), t1);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST((c.next_deadline() == t1 + hold));
    BOOST_TEST(c.take_events().empty());

    c.tick(t1 + hold - 1ms);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.take_events().empty());

    // More fenced reports do not push the hold back.
    c.on_peer_report(from_peer(node_mode::fenced, 5), t1 + 20s);
    BOOST_TEST((c.next_deadline() == t1 + hold));

    c.tick(t1 + hold);
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::failback});
    BOOST_TEST(contains(ev.at(0).detail, "failback hold"));
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1});
    BOOST_TEST(c.report(0).mode == node_mode::handing_back);

    c.tick(t1 + 2 * hold); // once
    BOOST_TEST(c.take_events().empty());

    c.on_released(t1 + hold + 2s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(!c.releasing());
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1});
}

BOOST_AUTO_TEST_CASE(the_hold_follows_the_configured_length) {
    auto cfg = primary();
    cfg.failback_hold = 2500ms;
    auto c = in_took_over(cfg, 0);
    c.on_peer_report(from_peer(node_mode::fenced, 1), t0 + 10s);
    BOOST_TEST((c.next_deadline() == t0 + 12500ms));
    c.tick(t0 + 12499ms);
    BOOST_TEST(c.mode() == node_mode::took_over);
    c.tick(t0 + 12500ms);
    BOOST_TEST(c.mode() == node_mode::handing_back);
}

BOOST_AUTO_TEST_CASE(a_joining_peer_starts_the_hold_too) {
    auto c = in_took_over(primary(), 4);
    c.on_peer_report(from_peer(node_mode::joining, 4), t0 + 10s);
    BOOST_TEST((c.next_deadline() == t0 + 10s + hold));
    c.tick(t0 + 10s + hold);
    BOOST_TEST(c.mode() == node_mode::handing_back);
}

BOOST_AUTO_TEST_CASE(other_peer_modes_start_no_hold) {
    for (node_mode m : {node_mode::standby, node_mode::handing_back}) {
        BOOST_TEST_CONTEXT("peer " << m) {
            auto c = in_took_over(primary(), 4);
            c.on_peer_report(from_peer(m, 5), t0 + 10s);
            BOOST_TEST((c.next_deadline() == never));
            BOOST_TEST(c.mode() == node_mode::took_over);
            BOOST_TEST(c.take_events().empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(the_hold_restarts_when_the_verdict_leaves_alive) {
    auto c = in_took_over(primary(), 4);
    const auto t1 = t0 + 10s;
    c.on_peer_report(from_peer(node_mode::fenced, 5), t1);
    BOOST_TEST((c.next_deadline() == t1 + hold));

    c.on_verdict(verdict::link_trouble, t1 + 10s);
    BOOST_TEST(events(c) == kinds{event_kind::link_trouble});
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t1 + hold); // the old deadline passes: nothing
    BOOST_TEST(c.mode() == node_mode::took_over);

    // No hold starts while the peer is not fully healthy.
    c.on_peer_report(from_peer(node_mode::fenced, 5), t1 + 15s);
    BOOST_TEST((c.next_deadline() == never));

    c.on_verdict(verdict::alive, t1 + 20s);
    BOOST_TEST(events(c) == kinds{event_kind::link_restored});
    BOOST_TEST((c.next_deadline() == never)); // the next report restarts it
    c.on_peer_report(from_peer(node_mode::fenced, 5), t1 + 21s);
    BOOST_TEST((c.next_deadline() == t1 + 21s + hold));
    c.tick(t1 + 21s + hold - 1ms);
    BOOST_TEST(c.mode() == node_mode::took_over);
    c.tick(t1 + 21s + hold);
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(events(c) == kinds{event_kind::failback});
}

BOOST_AUTO_TEST_CASE(the_peer_dying_again_cancels_the_hold) {
    auto c = in_took_over(primary(), 4);
    c.on_peer_report(from_peer(node_mode::fenced, 5), t0 + 10s);
    c.on_verdict(verdict::dead, t0 + 20s);
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t0 + 10s + hold);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(manual_failback_mode_never_fails_back_by_itself) {
    auto c = in_took_over(manual(primary()), 4);
    c.on_peer_report(from_peer(node_mode::fenced, 5), t0 + 10s);
    c.on_peer_report(from_peer(node_mode::joining, 5), t0 + 11s);
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t0 + 10s + hold);
    c.tick(t0 + 24h);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.take_events().empty());

    BOOST_TEST(c.failback(t0 + 25h).empty());
    BOOST_TEST(c.mode() == node_mode::handing_back);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::failback});
    BOOST_TEST(contains(ev.at(0).detail, "operator command"));
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1});
    c.on_released(t0 + 25h + 1s);
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(the_failback_command_cuts_the_hold_short) {
    auto c = in_took_over(primary(), 4);
    c.on_peer_report(from_peer(node_mode::fenced, 5), t0 + 10s);
    BOOST_TEST(c.failback(t0 + 11s).empty());
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t0 + 10s + hold); // the old hold does not fire a second failback
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1});
    BOOST_TEST(events(c) == kinds{event_kind::failback});
}

BOOST_AUTO_TEST_CASE(the_failback_command_with_only_link_trouble_is_allowed) {
    auto c = in_took_over(primary(), 4);
    c.on_verdict(verdict::link_trouble, t0 + 5s);
    c.take_events();
    BOOST_TEST(c.failback(t0 + 6s).empty());
    BOOST_TEST(c.mode() == node_mode::handing_back);
}

BOOST_AUTO_TEST_CASE(the_failback_command_is_refused_while_the_peer_is_dead) {
    auto c = in_normal(primary(), 4);
    c.on_verdict(verdict::dead, t0 + 5s);
    c.take_events();
    const auto why = c.failback(t0 + 6s);
    BOOST_TEST(!why.empty());
    BOOST_TEST(contains(why, "dead"));
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_CASE(the_peer_reclaiming_its_profiles_makes_us_hand_back) {
    for (bool automatic : {true, false}) {
        BOOST_TEST_CONTEXT("auto_failback " << automatic) {
            auto c = in_took_over(automatic ? primary() : manual(primary()), 4);
            c.on_peer_report(reclaiming(node_mode::fenced, 5), t0 + 10s);
            BOOST_TEST(c.mode() == node_mode::handing_back);
            BOOST_TEST(c.serve() == own);
            BOOST_TEST(c.releasing());
            const auto ev = c.take_events();
            BOOST_TEST(kinds_of(ev) == kinds{event_kind::failback});
            BOOST_TEST(contains(ev.at(0).detail, "asked for its profiles back"));
            check_stats(c.stats(), {.takeovers = 1, .failbacks = 1});
            c.on_released(t0 + 11s);
            BOOST_TEST(c.mode() == node_mode::normal);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_reclaim_ends_a_planned_takeover_too) {
    auto c = in_normal(primary(), 4);
    BOOST_TEST(c.takeover(t0 + 1s).empty());
    c.take_events();
    c.on_peer_report(reclaiming(node_mode::fenced, 5), t0 + 2s);
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(events(c) == kinds{event_kind::failback});
}

BOOST_AUTO_TEST_CASE(brain_split_the_higher_epoch_keeps_serving) {
    auto c = in_took_over(secondary(), 4); // epoch 5 beats the role
    c.on_peer_report(from_peer(node_mode::took_over, 4), t0 + 10s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == everything);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::brain_split});
    BOOST_TEST(contains(ev.at(0).detail, "its epoch 4"));
    check_stats(c.stats(), {.takeovers = 1, .brain_splits = 1});
}

BOOST_AUTO_TEST_CASE(brain_split_the_lower_epoch_yields) {
    auto c = in_took_over(primary(), 4); // epoch 5 loses to 6, whatever the role
    c.on_peer_report(from_peer(node_mode::took_over, 6), t0 + 10s);
    BOOST_TEST(c.mode() == node_mode::fenced);
    BOOST_TEST(c.epoch() == 6u);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(events(c) == (kinds{event_kind::brain_split, event_kind::fenced}));
    check_stats(c.stats(), {.takeovers = 1, .brain_splits = 1, .fenced = 1});
}

BOOST_AUTO_TEST_CASE(brain_split_at_the_same_epoch_the_primary_keeps_serving) {
    auto p = in_took_over(primary(), 4);
    p.on_peer_report(from_peer(node_mode::took_over, 5), t0 + 10s);
    BOOST_TEST(p.mode() == node_mode::took_over);
    BOOST_TEST(p.epoch() == 5u);
    BOOST_TEST(events(p) == kinds{event_kind::brain_split});
    check_stats(p.stats(), {.takeovers = 1, .brain_splits = 1});

    auto s = in_took_over(secondary(), 4);
    s.on_peer_report(from_peer(node_mode::took_over, 5), t0 + 10s);
    BOOST_TEST(s.mode() == node_mode::fenced);
    BOOST_TEST(s.epoch() == 5u);
    BOOST_TEST(s.serve() == nothing);
    BOOST_TEST(events(s) == (kinds{event_kind::brain_split, event_kind::fenced}));
    check_stats(s.stats(), {.takeovers = 1, .brain_splits = 1, .fenced = 1});
}

BOOST_AUTO_TEST_CASE(a_peer_serving_normally_at_a_not_lower_epoch_gets_its_profiles_back) {
    auto c = in_took_over(primary(), 4);
    c.on_peer_report(from_peer(node_mode::normal, 5), t0 + 10s);
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.releasing());
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == (kinds{event_kind::brain_split, event_kind::failback}));
    BOOST_TEST(contains(ev.at(1).detail, "after a brain split"));
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1, .brain_splits = 1});
    c.on_released(t0 + 11s);
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(a_peer_serving_normally_at_a_lower_epoch_is_stale) {
    // It fences itself when it hears our takeover.
    auto c = in_took_over(primary(), 4);
    c.on_peer_report(from_peer(node_mode::normal, 4), t0 + 10s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_CASE(commands_in_took_over) {
    auto c = in_took_over(primary(), 4);
    BOOST_TEST(c.takeover(t0 + 5s) == "already took over");
    BOOST_TEST(contains(c.switchover(t0 + 5s), "not took_over"));
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------- handing_back

BOOST_AUTO_TEST_SUITE(handing_back)

BOOST_AUTO_TEST_CASE(serves_its_own_until_released) {
    auto c = in_handing_back(primary(), 4);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    const auto r = c.report(0);
    BOOST_TEST(r.mode == node_mode::handing_back);
    BOOST_TEST(r.epoch == 5u);
    BOOST_TEST(!r.reclaim);
    BOOST_TEST(!r.handover);
    c.on_released(t0 + 10s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(!c.releasing());
    c.on_released(t0 + 11s); // a late second release changes nothing
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(peer_reports_wait_for_the_release) {
    auto c = in_handing_back(primary(), 4);
    for (node_mode m : {node_mode::joining, node_mode::normal, node_mode::fenced, node_mode::standby}) {
        c.on_peer_report(from_peer(m, 5), t0 + 10s);
        c.on_peer_report(reclaiming(m, 5), t0 + 10s);
    }
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(commands_wait_for_the_release) {
    auto c = in_handing_back(primary(), 4);
    BOOST_TEST(c.takeover(t0 + 5s) == "a failback is in progress");
    BOOST_TEST(contains(c.failback(t0 + 5s), "nothing to fail back (mode handing_back)"));
    BOOST_TEST(contains(c.switchover(t0 + 5s), "not handing_back"));
    BOOST_TEST(c.mode() == node_mode::handing_back);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(the_peer_dying_meanwhile_is_taken_over_again) {
    auto c = in_handing_back(primary(), 4);
    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 6u);
    BOOST_TEST(c.serve() == everything);
    BOOST_TEST(!c.releasing());
    BOOST_TEST(events(c) == (kinds{event_kind::peer_lost, event_kind::takeover}));
    check_stats(c.stats(), {.takeovers = 2, .failbacks = 1});
}

BOOST_AUTO_TEST_SUITE_END()
