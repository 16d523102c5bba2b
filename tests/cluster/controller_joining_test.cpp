// The cluster controller: joining and normal mode.
#include "controller_fixture.hpp"

// ---------------------------------------------------------------- joining

BOOST_AUTO_TEST_SUITE(joining)

BOOST_AUTO_TEST_CASE(starts_joining_and_serves_nothing) {
    controller c{primary(), 5, t0};
    BOOST_TEST(c.mode() == node_mode::joining);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == nothing);
    BOOST_TEST(!c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    BOOST_TEST(c.peer_verdict() == verdict::alive);
    BOOST_TEST(!c.last_peer().has_value());
    const auto r = c.report(17);
    BOOST_TEST(r.node_id == "a");
    BOOST_TEST(r.mode == node_mode::joining);
    BOOST_TEST(r.epoch == 5u);
    BOOST_TEST(r.carrier_queue == 17u);
    BOOST_TEST(!r.handover);
    BOOST_TEST(!r.reclaim);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {});
    // Neither time nor a stray release moves it.
    c.tick(t0 + 24h);
    c.on_released(t0 + 24h);
    BOOST_TEST(c.mode() == node_mode::joining);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(a_normal_peer_makes_it_normal_at_the_higher_epoch) {
    controller low{primary(), 3, t0};
    low.on_peer_report(from_peer(node_mode::normal, 7), t0 + 1s);
    BOOST_TEST(low.mode() == node_mode::normal);
    BOOST_TEST(low.epoch() == 7u);
    BOOST_TEST(low.serve() == own);
    BOOST_TEST(low.take_events().empty());
    BOOST_REQUIRE(low.last_peer().has_value());
    BOOST_TEST(low.last_peer()->node_id == "peer");
    BOOST_TEST(low.last_peer()->epoch == 7u);
    check_stats(low.stats(), {});

    controller high{secondary(), 7, t0};
    high.on_peer_report(from_peer(node_mode::normal, 3), t0 + 1s);
    BOOST_TEST(high.mode() == node_mode::normal);
    BOOST_TEST(high.epoch() == 7u);
    BOOST_TEST(high.report(0).mode == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(a_peer_serving_nothing_of_ours_makes_it_normal) {
    for (node_mode m : {node_mode::joining, node_mode::fenced, node_mode::standby}) {
        BOOST_TEST_CONTEXT("peer " << m) {
            controller c{primary(), 4, t0};
            c.on_peer_report(from_peer(m, 2), t0 + 1s);
            BOOST_TEST(c.mode() == node_mode::normal);
            BOOST_TEST(c.epoch() == 4u);
            BOOST_TEST(c.serve() == own);
            BOOST_TEST(c.take_events().empty());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_handover_while_joining_is_taken_on_the_next_report) {
    controller c{secondary(), 4, t0};
    c.on_peer_report(handing_over(4), t0 + 1s);
    BOOST_TEST(c.mode() == node_mode::normal);
    c.on_peer_report(handing_over(4), t0 + 2s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(events(c) == (kinds{event_kind::takeover, event_kind::switchover}));
}

BOOST_AUTO_TEST_CASE(fenced_when_the_peer_serves_our_profiles_at_an_epoch_not_below_ours) {
    for (node_mode m : {node_mode::took_over, node_mode::handing_back})
        for (std::uint32_t peer_epoch : {5u, 9u}) {
            BOOST_TEST_CONTEXT("peer " << m << " at epoch " << peer_epoch) {
                controller c{primary(), 5, t0};
                c.on_peer_report(from_peer(m, peer_epoch), t0 + 1s);
                BOOST_TEST(c.mode() == node_mode::fenced);
                BOOST_TEST(c.epoch() == peer_epoch); // adopts the peer's epoch
                BOOST_TEST(c.serve() == nothing);
                BOOST_TEST(!c.releasing());
                const auto ev = c.take_events();
                BOOST_TEST(kinds_of(ev) == kinds{event_kind::fenced});
                BOOST_TEST(contains(ev.at(0).detail, "peer"));
                check_stats(c.stats(), {.fenced = 1});
                const auto r = c.report(0);
                BOOST_TEST(r.mode == node_mode::fenced);
                BOOST_TEST(r.epoch == peer_epoch);
                BOOST_TEST(!r.reclaim);
            }
        }
}

BOOST_AUTO_TEST_CASE(a_takeover_at_a_lower_epoch_is_stale_and_not_fencing) {
    for (node_mode m : {node_mode::took_over, node_mode::handing_back}) {
        BOOST_TEST_CONTEXT("peer " << m) {
            controller c{primary(), 5, t0};
            c.on_peer_report(from_peer(m, 4), t0 + 1s);
            BOOST_TEST(c.mode() == node_mode::normal);
            BOOST_TEST(c.epoch() == 5u);
            BOOST_TEST(c.take_events().empty());
            check_stats(c.stats(), {});
        }
    }
}

BOOST_AUTO_TEST_CASE(a_dead_peer_is_taken_over) {
    controller c{secondary(), 2, t0};
    c.on_verdict(verdict::dead, t0 + 3s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 3u);
    BOOST_TEST(c.peer_verdict() == verdict::dead);
    BOOST_TEST(c.serve() == everything);
    BOOST_TEST(!c.releasing());
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == (kinds{event_kind::peer_lost, event_kind::takeover}));
    BOOST_TEST(contains(ev.at(0).detail, "since start"));
    BOOST_TEST(contains(ev.at(1).detail, "(epoch 3)"));
    check_stats(c.stats(), {.takeovers = 1});
    const auto r = c.report(0);
    BOOST_TEST(r.mode == node_mode::took_over);
    BOOST_TEST(r.epoch == 3u);
    // Not planned: the peer returning fenced starts the failback hold.
    c.on_verdict(verdict::alive, t0 + 10s);
    c.on_peer_report(from_peer(node_mode::fenced, 3), t0 + 10s);
    BOOST_TEST((c.next_deadline() == t0 + 10s + hold));
}

BOOST_AUTO_TEST_CASE(link_trouble_alerts_but_keeps_waiting) {
    controller c{primary(), 2, t0};
    c.on_verdict(verdict::link_trouble, t0 + 3s);
    BOOST_TEST(c.mode() == node_mode::joining);
    BOOST_TEST(c.epoch() == 2u);
    BOOST_TEST(events(c) == kinds{event_kind::link_trouble});
    check_stats(c.stats(), {.link_troubles = 1});
    c.on_peer_report(from_peer(node_mode::normal, 2), t0 + 4s); // heard on the second path
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_SUITE_END()

// ----------------------------------------------------------------- normal

BOOST_AUTO_TEST_SUITE(normal)

BOOST_AUTO_TEST_CASE(serves_its_own_profiles_over_the_peer_link) {
    auto c = in_normal(secondary(), 4);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.serve().peer_link_route);
    BOOST_TEST(!c.releasing());
    BOOST_TEST((c.next_deadline() == never));
    // Reports of a normal peer change nothing, however often.
    for (int i = 1; i <= 5; ++i) c.on_peer_report(from_peer(node_mode::normal, 4, 500), t0 + i * 1s);
    c.tick(t0 + 1h);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 4u);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {});
}

BOOST_AUTO_TEST_CASE(a_dead_peer_is_taken_over) {
    auto c = in_normal(primary(), 4);
    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == everything);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == (kinds{event_kind::peer_lost, event_kind::takeover}));
    BOOST_TEST(contains(ev.at(0).detail, "stopped answering"));
    BOOST_TEST(contains(ev.at(1).detail, "peer dead"));
    check_stats(c.stats(), {.takeovers = 1});
}

BOOST_AUTO_TEST_CASE(link_trouble_alerts_once_and_never_takes_over) {
    auto c = in_normal(primary(), 4);
    c.on_verdict(verdict::link_trouble, t0 + 1s);
    BOOST_TEST(events(c) == kinds{event_kind::link_trouble});
    c.on_verdict(verdict::link_trouble, t0 + 2s); // the same verdict again: no second alert
    BOOST_TEST(c.take_events().empty());
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 4u);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.peer_verdict() == verdict::link_trouble);
    check_stats(c.stats(), {.link_troubles = 1});
    // Reports still arrive on the second path and are acted on.
    c.on_peer_report(from_peer(node_mode::normal, 4), t0 + 2500ms);
    BOOST_TEST(c.mode() == node_mode::normal);

    c.on_verdict(verdict::alive, t0 + 3s);
    BOOST_TEST(events(c) == kinds{event_kind::link_restored});
    c.on_verdict(verdict::alive, t0 + 4s);
    BOOST_TEST(c.take_events().empty());

    c.on_verdict(verdict::link_trouble, t0 + 5s); // a new episode: a new alert
    BOOST_TEST(events(c) == kinds{event_kind::link_trouble});
    check_stats(c.stats(), {.link_troubles = 2});
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(link_trouble_turning_dead_takes_over) {
    auto c = in_normal(primary(), 4);
    c.on_verdict(verdict::link_trouble, t0 + 1s);
    c.on_verdict(verdict::dead, t0 + 4s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(events(c) == (kinds{event_kind::link_trouble, event_kind::peer_lost, event_kind::takeover}));
    check_stats(c.stats(), {.takeovers = 1, .link_troubles = 1});
}

BOOST_AUTO_TEST_CASE(coming_back_from_dead_is_not_a_link_restored) {
    auto c = in_took_over(primary(), 4); // dead then alive
    BOOST_TEST(c.peer_verdict() == verdict::alive);
    c.on_verdict(verdict::dead, t0 + 5s);
    c.on_verdict(verdict::alive, t0 + 6s);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(a_standby_peer_handing_over_is_a_planned_takeover) {
    auto c = in_normal(secondary(), 4);
    c.on_peer_report(handing_over(4), t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.serve() == everything);
    const auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == (kinds{event_kind::takeover, event_kind::switchover}));
    BOOST_TEST(contains(ev.at(0).detail, "planned switchover from peer"));
    check_stats(c.stats(), {.takeovers = 1, .switchovers = 1});

    // Further handover reports (the peer stays standby) change nothing.
    c.on_peer_report(handing_over(4), t0 + 6s);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.epoch() == 5u);
    BOOST_TEST(c.take_events().empty());

    // Planned: no automatic failback, even after the peer restarts and joins.
    c.on_peer_report(from_peer(node_mode::joining, 4), t0 + 7s);
    c.on_peer_report(from_peer(node_mode::fenced, 5), t0 + 8s);
    BOOST_TEST((c.next_deadline() == never));
    c.tick(t0 + 8s + hold);
    c.tick(t0 + 24h);
    BOOST_TEST(c.mode() == node_mode::took_over);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {.takeovers = 1, .switchovers = 1});
}

BOOST_AUTO_TEST_CASE(a_standby_peer_still_draining_is_not_taken_over) {
    auto c = in_normal(secondary(), 4);
    c.on_peer_report(from_peer(node_mode::standby, 4), t0 + 5s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 4u);
    BOOST_TEST(c.take_events().empty());
    // A handover flag outside standby means nothing.
    auto odd = from_peer(node_mode::normal, 4);
    odd.handover = true;
    c.on_peer_report(odd, t0 + 6s);
    BOOST_TEST(c.mode() == node_mode::normal);
}

BOOST_AUTO_TEST_CASE(a_peer_took_over_at_a_not_lower_epoch_is_a_brain_split_and_we_yield) {
    for (std::uint32_t peer_epoch : {4u, 6u}) {
        BOOST_TEST_CONTEXT("peer epoch " << peer_epoch) {
            auto c = in_normal(primary(), 4); // even the primary yields: it was not serving the peer's
            c.on_peer_report(from_peer(node_mode::took_over, peer_epoch), t0 + 5s);
            BOOST_TEST(c.mode() == node_mode::fenced);
            BOOST_TEST(c.epoch() == peer_epoch);
            BOOST_TEST(c.serve() == nothing);
            BOOST_TEST(events(c) == (kinds{event_kind::brain_split, event_kind::fenced}));
            check_stats(c.stats(), {.brain_splits = 1, .fenced = 1});
        }
    }
}

BOOST_AUTO_TEST_CASE(a_peer_took_over_at_a_lower_epoch_is_stale) {
    auto c = in_normal(primary(), 4);
    c.on_peer_report(from_peer(node_mode::took_over, 3), t0 + 5s);
    c.on_peer_report(from_peer(node_mode::handing_back, 3), t0 + 6s);
    c.on_peer_report(from_peer(node_mode::handing_back, 9), t0 + 7s); // handing back: yields on its own
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {});
}

BOOST_AUTO_TEST_CASE(commands_in_normal) {
    auto c = in_normal(primary(), 4);
    const auto why = c.failback(t0 + 1s);
    BOOST_TEST(contains(why, "nothing to fail back"));
    BOOST_TEST(contains(why, "normal"));
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(!c.report(0).reclaim);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_SUITE_END()
