// The cluster controller: fenced, switchover and the takeover command.
#include "controller_fixture.hpp"

// ----------------------------------------------------------------- fenced

BOOST_AUTO_TEST_SUITE(fenced)

BOOST_AUTO_TEST_CASE(serves_nothing_while_the_peer_serves_ours) {
    auto c = in_fenced(primary(), 5);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(!c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    for (node_mode m : {node_mode::took_over, node_mode::handing_back})
        for (std::uint32_t e : {3u, 5u, 8u}) c.on_peer_report(from_peer(m, e), t0 + 5s);
    c.tick(t0 + 24h);
    c.on_released(t0 + 24h);
    BOOST_TEST(c.mode() == node_mode::fenced);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.fenced = 1});
}

BOOST_AUTO_TEST_CASE(unfenced_when_the_peer_no_longer_serves_ours) {
    for (node_mode m : {node_mode::normal, node_mode::fenced, node_mode::joining, node_mode::standby}) {
        BOOST_TEST_CONTEXT("peer " << m) {
            auto c = in_fenced(primary(), 5);
            c.on_peer_report(from_peer(m, 5), t0 + 5s);
            BOOST_TEST(c.mode() == node_mode::normal);
            BOOST_TEST(c.epoch() == 5u);
            BOOST_TEST(c.serve() == own);
            const auto ev = c.take_events();
            BOOST_TEST(kinds_of(ev) == kinds{event_kind::unfenced});
            BOOST_TEST(contains(ev.at(0).detail, "handed back"));
            check_stats(c.stats(), {.fenced = 1});
        }
    }
}

BOOST_AUTO_TEST_CASE(unfencing_adopts_the_higher_epoch) {
    auto c = in_fenced(primary(), 5);
    c.on_peer_report(from_peer(node_mode::normal, 8), t0 + 5s);
    BOOST_TEST(c.epoch() == 8u);
    auto d = in_fenced(primary(), 5);
    d.on_peer_report(from_peer(node_mode::normal, 2), t0 + 5s);
    BOOST_TEST(d.epoch() == 5u);
}

BOOST_AUTO_TEST_CASE(failback_asks_the_peer_to_hand_back) {
    auto c = in_fenced(primary(), 5);
    BOOST_TEST(c.failback(t0 + 5s).empty());
    BOOST_TEST(c.mode() == node_mode::fenced);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(c.take_events().empty());
    auto r = c.report(0);
    BOOST_TEST(r.mode == node_mode::fenced);
    BOOST_TEST(r.reclaim);
    BOOST_TEST(!r.handover);
    BOOST_TEST(c.failback(t0 + 6s).empty()); // asking twice is fine

    c.on_peer_report(from_peer(node_mode::handing_back, 5), t0 + 7s);
    BOOST_TEST(c.mode() == node_mode::fenced);
    BOOST_TEST(c.report(0).reclaim);

    c.on_peer_report(from_peer(node_mode::normal, 5), t0 + 8s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(events(c) == kinds{event_kind::unfenced});
    r = c.report(0);
    BOOST_TEST(r.mode == node_mode::normal);
    BOOST_TEST(!r.reclaim);
}

BOOST_AUTO_TEST_CASE(a_dead_peer_is_taken_over) {
    auto c = in_fenced(primary(), 5);
    BOOST_TEST(c.failback(t0 + 1s).empty());
    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 6u);
    BOOST_TEST(c.serve() == everything);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == (kinds{event_kind::peer_lost, event_kind::takeover}));
    BOOST_TEST(contains(ev.at(0).detail, "stopped answering"));
    check_stats(c.stats(), {.takeovers = 1, .fenced = 1});
    BOOST_TEST(!c.report(0).reclaim); // the pending reclaim is void now
    // Not planned: automatic failback applies.
    c.on_verdict(verdict::alive, t0 + 10s);
    c.on_peer_report(from_peer(node_mode::fenced, 6), t0 + 10s);
    BOOST_TEST((c.next_deadline() == t0 + 10s + hold));
}

BOOST_AUTO_TEST_CASE(commands_in_fenced) {
    auto c = in_fenced(primary(), 5);
    BOOST_TEST(contains(c.switchover(t0 + 1s), "not fenced"));
    BOOST_TEST(c.mode() == node_mode::fenced);
    // The operator may force a takeover out of fencing.
    BOOST_TEST(c.takeover(t0 + 2s).empty());
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 6u);
    BOOST_TEST(events(c) == kinds{event_kind::takeover});
}

BOOST_AUTO_TEST_SUITE_END()

// --------------------------------------------------------------- switchover

BOOST_AUTO_TEST_SUITE(switchover)

BOOST_AUTO_TEST_CASE(drains_then_hands_over) {
    auto c = in_normal(primary(), 4);
    BOOST_TEST(c.switchover(t0 + 1s).empty());
    BOOST_TEST(c.mode() == node_mode::standby);
    BOOST_TEST(c.epoch() == 4u);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::switchover});
    BOOST_TEST(contains(ev.at(0).detail, "draining"));
    // The carriers keep draining the queue; no clients.
    BOOST_TEST(c.serve() == draining);
    BOOST_TEST(c.releasing());
    auto r = c.report(9);
    BOOST_TEST(r.mode == node_mode::standby);
    BOOST_TEST(!r.handover);
    BOOST_TEST(!r.reclaim);
    BOOST_TEST(r.carrier_queue == 9u);
    // Counted by the node that takes the profiles.
    check_stats(c.stats(), {});

    c.on_peer_report(from_peer(node_mode::normal, 4), t0 + 2s); // not a reclaim: stays
    BOOST_TEST(c.mode() == node_mode::standby);

    c.on_released(t0 + 3s);
    BOOST_TEST(c.mode() == node_mode::standby);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(!c.releasing());
    r = c.report(0);
    BOOST_TEST(r.handover);
    BOOST_TEST(!r.reclaim);
    c.on_released(t0 + 4s);
    BOOST_TEST(c.report(0).handover);

    // The peer takes the profiles: nothing to do here, not a fencing.
    c.on_peer_report(from_peer(node_mode::took_over, 5), t0 + 5s);
    c.tick(t0 + 24h);
    BOOST_TEST(c.mode() == node_mode::standby);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(c.take_events().empty());
    BOOST_TEST((c.next_deadline() == never));
}

BOOST_AUTO_TEST_CASE(refused_outside_normal) {
    const auto check = [](controller& c, node_mode m) {
        const auto why = c.switchover(t0 + 30s);
        BOOST_TEST(why == "switchover needs mode normal, not " + std::string{to_string(m)});
        BOOST_TEST(c.mode() == m);
        BOOST_TEST(c.take_events().empty());
    };
    controller j{primary(), 4, t0};
    check(j, node_mode::joining);
    auto t = in_took_over(primary(), 4);
    check(t, node_mode::took_over);
    auto h = in_handing_back(primary(), 4);
    check(h, node_mode::handing_back);
    auto f = in_fenced(primary(), 4);
    check(f, node_mode::fenced);
    auto s = in_standby(primary(), 4);
    check(s, node_mode::standby);
}

BOOST_AUTO_TEST_CASE(refused_without_a_healthy_peer) {
    auto c = in_normal(primary(), 4);
    c.on_verdict(verdict::link_trouble, t0 + 1s);
    c.take_events();
    BOOST_TEST(c.switchover(t0 + 2s) == "the peer is not healthy");
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.take_events().empty());
    c.on_verdict(verdict::alive, t0 + 3s);
    BOOST_TEST(c.switchover(t0 + 4s).empty());
    BOOST_TEST(c.mode() == node_mode::standby);
}

BOOST_AUTO_TEST_CASE(failback_from_standby_reclaims) {
    auto c = in_standby(primary(), 4);
    c.on_released(t0 + 2s);
    BOOST_TEST(c.failback(t0 + 10s).empty());
    BOOST_TEST(c.mode() == node_mode::standby);
    BOOST_TEST(c.take_events().empty());
    auto r = c.report(0);
    BOOST_TEST(r.reclaim);
    BOOST_TEST(r.mode == node_mode::standby);

    c.on_peer_report(from_peer(node_mode::took_over, 5), t0 + 11s);
    c.on_peer_report(from_peer(node_mode::handing_back, 5), t0 + 12s);
    BOOST_TEST(c.mode() == node_mode::standby);
    BOOST_TEST(c.report(0).reclaim);

    c.on_peer_report(from_peer(node_mode::normal, 5), t0 + 13s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 5u); // adopts the peer's takeover epoch
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(events(c) == kinds{event_kind::unfenced});
    r = c.report(0);
    BOOST_TEST(!r.reclaim);
    BOOST_TEST(!r.handover);
}

BOOST_AUTO_TEST_CASE(a_reclaim_before_the_release_cancels_the_switchover) {
    auto c = in_standby(primary(), 4);
    BOOST_TEST(c.failback(t0 + 2s).empty());
    c.on_peer_report(from_peer(node_mode::normal, 4), t0 + 3s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.serve() == own);
}

BOOST_AUTO_TEST_CASE(a_dead_peer_is_taken_over_from_standby) {
    auto c = in_standby(primary(), 4);
    c.on_released(t0 + 2s);
    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == everything);
    BOOST_TEST(events(c) == (kinds{event_kind::peer_lost, event_kind::takeover}));
    const auto r = c.report(0);
    BOOST_TEST(!r.handover);
    BOOST_TEST(!r.reclaim);
}

BOOST_AUTO_TEST_SUITE_END()

// -------------------------------------------------------- takeover command

BOOST_AUTO_TEST_SUITE(takeover_command)

BOOST_AUTO_TEST_CASE(takes_over_planned) {
    auto c = in_normal(primary(), 4);
    BOOST_TEST(c.takeover(t0 + 1s).empty());
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == everything);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::takeover});
    BOOST_TEST(contains(ev.at(0).detail, "operator command"));
    check_stats(c.stats(), {.takeovers = 1});

    // Planned: no automatic failback when the peer fences itself.
    c.on_peer_report(from_peer(node_mode::fenced, 5), t0 + 2s);
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t0 + 2s + hold);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.take_events().empty());

    BOOST_TEST(c.takeover(t0 + 3s) == "already took over");
    BOOST_TEST(c.epoch() == 5u);
    check_stats(c.stats(), {.takeovers = 1});

    BOOST_TEST(c.failback(t0 + 4s).empty());
    BOOST_TEST(c.takeover(t0 + 5s) == "a failback is in progress");
    BOOST_TEST(c.epoch() == 5u);
    c.on_released(t0 + 6s);
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(from_joining_with_a_silent_peer) {
    controller c{secondary(), 0, t0};
    BOOST_TEST(c.takeover(t0 + 1s).empty());
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 1u);
    BOOST_TEST(events(c) == kinds{event_kind::takeover});
}

BOOST_AUTO_TEST_CASE(a_later_real_failure_of_a_planned_takeover_stays_planned) {
    auto c = in_normal(primary(), 4);
    BOOST_TEST(c.takeover(t0 + 1s).empty());
    c.on_verdict(verdict::dead, t0 + 5s); // already serving everything: no new takeover
    BOOST_TEST(c.epoch() == 5u);
    c.on_verdict(verdict::alive, t0 + 10s);
    c.on_peer_report(from_peer(node_mode::joining, 4), t0 + 10s);
    BOOST_TEST((c.next_deadline() == never));
}

BOOST_AUTO_TEST_SUITE_END()
