// The cluster controller: overflow hysteresis and miscellany (serve, report, events).
#include "controller_fixture.hpp"

// ---------------------------------------------------------------- overflow

BOOST_AUTO_TEST_SUITE(overflow)

BOOST_AUTO_TEST_CASE(secondary_balances_with_hysteresis) {
    auto c = in_normal(balancing(), 4);
    const auto at = [&](std::uint32_t queue, int s) {
        c.on_peer_report(from_peer(node_mode::normal, 4, queue), t0 + s * 1s);
    };
    at(100, 1); // at the high mark, not above
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.take_events().empty());

    at(101, 2);
    BOOST_TEST(c.serve() == own_overflowing);
    BOOST_TEST(c.serve().overflow);
    BOOST_TEST(!c.serve().peer_link_route);
    auto ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::overflow_on});
    BOOST_TEST(contains(ev.at(0).detail, "101"));
    BOOST_TEST(contains(ev.at(0).detail, "above 100"));
    check_stats(c.stats(), {.overflows = 1});

    for (std::uint32_t q : {150u, 101u, 100u, 50u, 21u, 20u}) { // between: stays on
        at(q, 3);
        BOOST_TEST(c.serve() == own_overflowing, "queue " << q);
    }
    BOOST_TEST(c.take_events().empty());

    at(19, 4);
    BOOST_TEST(c.serve() == own);
    ev = c.take_events();
    BOOST_TEST(kinds_of(ev) == kinds{event_kind::overflow_off});
    BOOST_TEST(contains(ev.at(0).detail, "below 20"));

    for (std::uint32_t q : {0u, 20u, 99u, 100u}) { // between: stays off
        at(q, 5);
        BOOST_TEST(c.serve() == own, "queue " << q);
    }
    BOOST_TEST(c.take_events().empty());

    at(1'000'000, 6);
    BOOST_TEST(events(c) == kinds{event_kind::overflow_on});
    check_stats(c.stats(), {.overflows = 2});
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.epoch() == 4u);
}

BOOST_AUTO_TEST_CASE(a_primary_never_overflows) {
    auto cfg = balancing();
    cfg.primary = true;
    auto c = in_normal(cfg, 4);
    c.on_peer_report(from_peer(node_mode::normal, 4, 1'000'000), t0 + 1s);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.take_events().empty());
    check_stats(c.stats(), {});
}

BOOST_AUTO_TEST_CASE(no_limits_no_overflow) {
    auto c = in_normal(secondary(), 4);
    c.on_peer_report(from_peer(node_mode::normal, 4, 1'000'000), t0 + 1s);
    BOOST_TEST(c.serve() == own);
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(only_in_normal) {
    auto c = in_took_over(balancing(), 4);
    c.on_peer_report(from_peer(node_mode::fenced, 5, 1'000'000), t0 + 10s);
    BOOST_TEST(c.serve() == everything);
    auto f = in_fenced(balancing(), 4);
    f.on_peer_report(from_peer(node_mode::took_over, 4, 1'000'000), t0 + 10s);
    BOOST_TEST(f.serve() == nothing);
    check_stats(c.stats(), {.takeovers = 1});
    check_stats(f.stats(), {.fenced = 1});
}

BOOST_AUTO_TEST_CASE(leaving_normal_clears_it) {
    auto c = in_normal(balancing(), 4);
    c.on_peer_report(from_peer(node_mode::normal, 4, 500), t0 + 1s);
    BOOST_REQUIRE(c.serve().overflow);
    c.take_events();

    c.on_verdict(verdict::dead, t0 + 5s);
    BOOST_TEST(c.serve() == everything);
    BOOST_TEST(events(c) == (kinds{event_kind::peer_lost, event_kind::takeover}));

    // Back to normal by failback: overflow is off until a report says otherwise.
    c.on_verdict(verdict::alive, t0 + 10s);
    BOOST_TEST(c.failback(t0 + 11s).empty());
    c.on_released(t0 + 12s);
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.serve() == own);
    c.take_events();
    c.on_peer_report(from_peer(node_mode::normal, 5, 500), t0 + 13s);
    BOOST_TEST(c.serve() == own_overflowing);
    BOOST_TEST(events(c) == kinds{event_kind::overflow_on});
    check_stats(c.stats(), {.takeovers = 1, .failbacks = 1, .overflows = 2});

    // A brain split out of normal clears it too.
    c.on_peer_report(from_peer(node_mode::took_over, 6, 500), t0 + 14s);
    BOOST_TEST(c.mode() == node_mode::fenced);
    BOOST_TEST(c.serve() == nothing);
    c.on_peer_report(from_peer(node_mode::normal, 6, 0), t0 + 15s); // unfenced
    BOOST_TEST(c.mode() == node_mode::normal);
    BOOST_TEST(c.serve() == own);

    // And a switchover.
    c.on_peer_report(from_peer(node_mode::normal, 6, 500), t0 + 16s);
    BOOST_REQUIRE(c.serve().overflow);
    BOOST_TEST(c.switchover(t0 + 17s).empty());
    BOOST_TEST(c.serve() == draining);
    BOOST_TEST(!c.serve().overflow);
}

BOOST_AUTO_TEST_SUITE_END()

// ------------------------------------------------------------ miscellany

BOOST_AUTO_TEST_SUITE(misc)

BOOST_AUTO_TEST_CASE(serve_and_releasing_per_mode) {
    controller j{primary(), 1, t0};
    BOOST_TEST(j.serve() == nothing);
    BOOST_TEST(!j.releasing());
    auto n = in_normal(primary(), 1);
    BOOST_TEST(n.serve() == own);
    BOOST_TEST(!n.releasing());
    auto t = in_took_over(primary(), 1);
    BOOST_TEST(t.serve() == everything);
    BOOST_TEST(!t.releasing());
    auto h = in_handing_back(primary(), 1);
    BOOST_TEST(h.serve() == own);
    BOOST_TEST(h.releasing());
    auto f = in_fenced(primary(), 1);
    BOOST_TEST(f.serve() == nothing);
    BOOST_TEST(!f.releasing());
    auto s = in_standby(primary(), 1);
    BOOST_TEST(s.serve() == draining);
    BOOST_TEST(s.releasing());
    s.on_released(t0 + 5s);
    BOOST_TEST(s.serve() == nothing);
    BOOST_TEST(!s.releasing());
}

BOOST_AUTO_TEST_CASE(report_mirrors_the_state) {
    for (auto* make : {+[] { return in_normal(primary("n1"), 3); }, +[] { return in_took_over(primary("n1"), 3); },
                       +[] { return in_handing_back(primary("n1"), 3); }, +[] { return in_fenced(primary("n1"), 3); },
                       +[] { return in_standby(primary("n1"), 3); }}) {
        auto c = make();
        const auto r = c.report(77);
        BOOST_TEST_CONTEXT("mode " << c.mode()) {
            BOOST_TEST(r.node_id == "n1");
            BOOST_TEST(r.mode == c.mode());
            BOOST_TEST(r.epoch == c.epoch());
            BOOST_TEST(r.carrier_queue == 77u);
            BOOST_TEST(!r.handover);
            BOOST_TEST(!r.reclaim);
        }
    }
}

BOOST_AUTO_TEST_CASE(last_peer_and_verdict_are_kept) {
    auto c = in_normal(primary(), 1);
    c.on_peer_report(from_peer(node_mode::normal, 1, 42), t0 + 1s);
    BOOST_REQUIRE(c.last_peer().has_value());
    BOOST_TEST(c.last_peer()->carrier_queue == 42u);
    c.on_verdict(verdict::link_trouble, t0 + 2s);
    BOOST_TEST(c.peer_verdict() == verdict::link_trouble);
}

BOOST_AUTO_TEST_CASE(take_events_drains_and_details_carry_the_epoch) {
    auto c = in_normal(primary(), 8);
    c.on_verdict(verdict::dead, t0 + 1s);
    const auto ev = c.take_events();
    BOOST_REQUIRE(ev.size() == 2u);
    BOOST_TEST(contains(ev[1].detail, "(epoch 9)"));
    BOOST_TEST(c.take_events().empty());
}

BOOST_AUTO_TEST_CASE(event_names) {
    BOOST_TEST(to_string(event_kind::peer_lost) == "peer_lost");
    BOOST_TEST(to_string(event_kind::takeover) == "takeover");
    BOOST_TEST(to_string(event_kind::failback) == "failback");
    BOOST_TEST(to_string(event_kind::link_trouble) == "link_trouble");
    BOOST_TEST(to_string(event_kind::link_restored) == "link_restored");
    BOOST_TEST(to_string(event_kind::brain_split) == "brain_split");
    BOOST_TEST(to_string(event_kind::fenced) == "fenced");
    BOOST_TEST(to_string(event_kind::unfenced) == "unfenced");
    BOOST_TEST(to_string(event_kind::switchover) == "switchover");
    BOOST_TEST(to_string(event_kind::overflow_on) == "overflow_on");
    BOOST_TEST(to_string(event_kind::overflow_off) == "overflow_off");
}

BOOST_AUTO_TEST_SUITE_END()
