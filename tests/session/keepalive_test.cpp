// Keepalive and inactivity decisions with injected time. A small event
// simulator drives poll() at next_wake() the way session::timer_loop does.
#define BOOST_TEST_MODULE keepalive
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <ostream>
#include <vector>

#include "smpp/session/keepalive.hpp"

using namespace twinsms::smpp;
using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;
using action = keepalive::action;
using tp = keepalive::time_point;

namespace twinsms::smpp {
inline std::ostream& operator<<(std::ostream& os, keepalive::action a) {
    const char* n[] = {"none", "send_probe", "dead", "inactive"};
    return os << n[static_cast<int>(a)];
}
} // namespace twinsms::smpp

namespace {
const tp t0{std::chrono::hours(1)};
ms since(tp t) { return std::chrono::duration_cast<ms>(t - t0); }

struct event {
    ms at;
    action what;
    friend bool operator==(const event&, const event&) = default;
    friend std::ostream& operator<<(std::ostream& os, const event& e) {
        return os << e.what << "@" << e.at.count() << "ms";
    }
};

// Drives one keepalive like the session's timer loop: polls exactly at
// next_wake(), delivers the peer's PDUs at their times, answers `inactive`
// with on_activity (the unbind it triggers is activity).
struct sim {
    keepalive k;
    std::optional<ms> answer_delay; // each probe is answered this long after it is sent
    std::optional<ms> traffic_every; // the peer sends some other PDU at this period
    std::vector<tp> rx_at;           // pending receive times
    std::vector<event> log;

    sim(keepalive_config cfg) : k{cfg, t0} {}

    // Runs until `until` or death; returns the events.
    const std::vector<event>& run(tp until) {
        tp next_traffic = traffic_every ? t0 + *traffic_every : tp::max();
        for (;;) {
            const tp wake = k.next_wake();
            const tp rx = rx_at.empty() ? tp::max() : *std::min_element(rx_at.begin(), rx_at.end());
            const tp first = std::min({wake, rx, next_traffic});
            if (first > until) break;
            if (rx == first) { // arrivals before a poll due at the same instant
                k.on_receive(rx);
                rx_at.erase(std::min_element(rx_at.begin(), rx_at.end()));
                continue;
            }
            if (next_traffic == first) {
                k.on_receive(first);
                k.on_activity(first);
                next_traffic += *traffic_every;
                continue;
            }
            // next_wake is exact: nothing is due a nanosecond earlier.
            keepalive early = k;
            BOOST_TEST_REQUIRE((early.poll(wake - 1ns) == action::none), "action due before next_wake at " << since(wake).count());
            const action a = k.poll(wake);
            BOOST_TEST_REQUIRE(a != action::none, "next_wake " << since(wake).count() << "ms had nothing to do");
            log.push_back({since(wake), a});
            if (a == action::dead) break;
            if (a == action::send_probe && answer_delay) rx_at.push_back(wake + *answer_delay);
            if (a == action::inactive) k.on_activity(wake);
        }
        return log;
    }
    std::size_t count(action a) const {
        return std::count_if(log.begin(), log.end(), [a](const event& e) { return e.what == a; });
    }
    bool died() const { return !log.empty() && log.back().what == action::dead; }
};

keepalive_config cfg(ms interval, unsigned misses, ms inactivity = 0ms) { return {interval, misses, inactivity}; }
} // namespace

BOOST_AUTO_TEST_CASE(silent_peer_probed_every_interval_then_dead_after_misses) {
    sim s{cfg(50ms, 3)};
    const std::vector<event> want{{50ms, action::send_probe}, {100ms, action::send_probe}, {150ms, action::dead}};
    BOOST_TEST(s.run(t0 + 10s) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(misses_scale_the_death_time) {
    sim one{cfg(50ms, 1)};
    BOOST_TEST(one.run(t0 + 10s) == (std::vector<event>{{50ms, action::dead}}), boost::test_tools::per_element());
    sim five{cfg(50ms, 5)};
    five.run(t0 + 10s);
    BOOST_TEST(five.count(action::send_probe) == 4u);
    BOOST_TEST(five.died());
    BOOST_TEST(five.log.back().at.count() == 250);
}

BOOST_AUTO_TEST_CASE(answered_probes_keep_it_alive) {
    sim s{cfg(50ms, 3)};
    s.answer_delay = 5ms;
    s.run(t0 + 10s);
    BOOST_TEST(!s.died());
    BOOST_TEST(s.count(action::send_probe) == 200u); // 50ms, 100ms, ... 10000ms
    for (std::size_t i = 0; i < s.log.size(); ++i) BOOST_TEST(s.log[i].at.count() == 50 * long(i + 1));
}

BOOST_AUTO_TEST_CASE(any_pdu_proves_the_peer_alive) {
    // Probes are never answered (their responses queue behind traffic), but
    // the peer keeps sending other PDUs just often enough.
    sim s{cfg(50ms, 3)};
    s.traffic_every = 149ms;
    s.run(t0 + 10s);
    BOOST_TEST(!s.died());
    BOOST_TEST(s.count(action::send_probe) == 200u); // probing does not stop on traffic
}

BOOST_AUTO_TEST_CASE(traffic_gap_of_misses_intervals_is_death) {
    sim s{cfg(50ms, 3)};
    s.traffic_every = 151ms; // first PDU lands 1ms after 3 intervals of silence
    s.run(t0 + 10s);
    BOOST_TEST(s.died());
    BOOST_TEST(s.log.back().at.count() == 150); // the poll at 150 sees 150ms of silence
}

BOOST_AUTO_TEST_CASE(flap_answer_just_before_the_deadline) {
    sim s{cfg(50ms, 3)};
    s.rx_at.push_back(t0 + 149ms);
    s.run(t0 + 10s);
    // Not dead at 150; dead 150ms after that last receive.
    const std::vector<event> want{{50ms, action::send_probe},  {100ms, action::send_probe},
                                  {150ms, action::send_probe}, {200ms, action::send_probe},
                                  {250ms, action::send_probe}, {299ms, action::dead}};
    BOOST_TEST(s.log == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(slow_answers_within_the_budget_are_fine) {
    // The first answer must land before 3 intervals of silence (150ms); the
    // first probe goes at 50ms, so any delay under 100ms is survivable.
    sim s{cfg(50ms, 3)};
    s.answer_delay = 99ms;
    s.run(t0 + 10s);
    BOOST_TEST(!s.died());
    BOOST_TEST(s.count(action::send_probe) == 200u);
}

BOOST_AUTO_TEST_CASE(answers_slower_than_the_budget_are_death) {
    sim s{cfg(50ms, 3)};
    s.answer_delay = 120ms;
    s.run(t0 + 10s);
    BOOST_TEST(s.died());
    BOOST_TEST(s.log.back().at.count() == 150);
}

BOOST_AUTO_TEST_CASE(inactivity_ignores_keepalive_traffic) {
    sim s{cfg(50ms, 3, 200ms)};
    s.answer_delay = 5ms;
    s.run(t0 + 450ms);
    BOOST_TEST(!s.died());
    std::vector<ms> inactive;
    for (auto& e : s.log)
        if (e.what == action::inactive) inactive.push_back(e.at);
    // 200ms after start; then 200ms after the session's unbind counted as activity.
    BOOST_TEST(inactive == (std::vector<ms>{200ms, 400ms}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(activity_postpones_inactivity) {
    keepalive k{cfg(0ms, 3, 200ms), t0};
    k.on_activity(t0 + 150ms);
    BOOST_TEST((k.next_wake() == t0 + 350ms));
    BOOST_TEST(k.poll(t0 + 349ms) == action::none);
    BOOST_TEST(k.poll(t0 + 350ms) == action::inactive);
    // Receiving alone is not activity.
    k.on_activity(t0 + 350ms);
    k.on_receive(t0 + 500ms);
    BOOST_TEST(k.poll(t0 + 550ms) == action::inactive);
}

BOOST_AUTO_TEST_CASE(interval_zero_disables_probing_and_death) {
    keepalive k{cfg(0ms, 3), t0};
    BOOST_TEST((k.next_wake() == tp::max()));
    BOOST_TEST(k.poll(t0 + 24h) == action::none);
    BOOST_TEST((k.next_wake() == tp::max()));

    sim s{cfg(0ms, 3, 100ms)};
    s.run(t0 + 1h);
    BOOST_TEST(s.count(action::send_probe) == 0u);
    BOOST_TEST(!s.died());
    BOOST_TEST(s.count(action::inactive) == 36000u); // inactivity still works alone
}

BOOST_AUTO_TEST_CASE(dead_wins_over_inactive_and_probe) {
    keepalive k{cfg(50ms, 2, 100ms), t0};
    // At 100ms: probe due, inactivity due, and two intervals of silence.
    BOOST_TEST(k.poll(t0 + 100ms) == action::dead);
}

BOOST_AUTO_TEST_CASE(next_wake_tracks_probe_death_and_inactivity) {
    keepalive k{cfg(100ms, 2, 500ms), t0};
    BOOST_TEST((k.next_wake() == t0 + 100ms)); // first probe
    BOOST_TEST(k.poll(t0 + 100ms) == action::send_probe);
    BOOST_TEST((k.next_wake() == t0 + 200ms)); // next probe and death coincide
    k.on_receive(t0 + 150ms);
    BOOST_TEST((k.last_receive() == t0 + 150ms));
    BOOST_TEST((k.next_wake() == t0 + 200ms)); // probe
    BOOST_TEST(k.poll(t0 + 200ms) == action::send_probe);
    BOOST_TEST((k.next_wake() == t0 + 300ms)); // probe 300, death 350
    BOOST_TEST(k.poll(t0 + 300ms) == action::send_probe);
    BOOST_TEST((k.next_wake() == t0 + 350ms)); // death before the probe at 400
    BOOST_TEST(k.poll(t0 + 350ms) == action::dead);

    keepalive idle{cfg(100ms, 10, 250ms), t0};
    idle.poll(t0 + 100ms);
    idle.poll(t0 + 200ms);
    BOOST_TEST((idle.next_wake() == t0 + 250ms)); // inactivity before the probe at 300
}

BOOST_AUTO_TEST_CASE(late_poll_does_not_burst_probes) {
    // A timer that fires late (loaded event loop) sends one probe, not a catch-up burst.
    keepalive k{cfg(50ms, 10), t0};
    BOOST_TEST(k.poll(t0 + 120ms) == action::send_probe);
    BOOST_TEST(k.poll(t0 + 121ms) == action::none);
    BOOST_TEST((k.next_wake() == t0 + 170ms));
    // Death is judged by silence, not by counting probes.
    BOOST_TEST(k.poll(t0 + 500ms) == action::dead);
}
