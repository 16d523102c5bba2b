// The peer failure detector on a hand-driven clock: every edge the cluster
// relies on (exact budget, slow answers, flaps, one-way loss, the second
// path as split-brain guard, recovery, edge-triggered changes).
#define BOOST_TEST_MODULE failure_detector
#include <boost/test/unit_test.hpp>

#include "cluster/failure_detector.hpp"

using namespace twinsms::cluster;
using namespace std::chrono_literals;

namespace twinsms::cluster {
inline std::ostream& operator<<(std::ostream& o, verdict v) { return o << to_string(v); }
} // namespace twinsms::cluster

namespace {
const clock::time_point t0{std::chrono::hours(1)};
detector_config defaults() { return {}; }
detector_config two_paths() {
    detector_config c;
    c.second_path = true;
    return c;
}
} // namespace

BOOST_AUTO_TEST_CASE(defaults_detect_silence_within_three_seconds) {
    failure_detector d{defaults(), t0};
    BOOST_TEST(d.config().budget() == 3s);
    BOOST_TEST(d.poll(t0 + 2999ms).now == verdict::alive);
    auto at = d.poll(t0 + 3s);
    BOOST_TEST(at.now == verdict::dead);
    BOOST_TEST(at.changed);
}

BOOST_AUTO_TEST_CASE(answers_every_interval_keep_the_peer_alive) {
    failure_detector d{defaults(), t0};
    for (int i = 1; i <= 30; ++i) {
        d.peer_link().on_heard(t0 + i * 1s);
        BOOST_TEST(d.poll(t0 + i * 1s + 500ms).now == verdict::alive);
    }
}

BOOST_AUTO_TEST_CASE(slow_answers_within_the_budget_are_not_a_death) {
    failure_detector d{defaults(), t0};
    auto t = t0;
    for (int i = 0; i < 5; ++i) {
        t += 2900ms; // answered late, but inside interval * misses
        BOOST_TEST(d.poll(t - 1ms).now == verdict::alive);
        d.peer_link().on_heard(t);
    }
    BOOST_TEST(d.poll(t + 2999ms).now == verdict::alive);
    BOOST_TEST(d.poll(t + 3s).now == verdict::dead); // one answer too slow
}

BOOST_AUTO_TEST_CASE(a_flap_shorter_than_the_budget_is_no_death) {
    failure_detector d{defaults(), t0};
    d.peer_link().on_heard(t0 + 1s);
    d.peer_link().on_closed(t0 + 1s);
    BOOST_TEST(!d.peer_link().connected());
    BOOST_TEST(d.poll(t0 + 2s).now == verdict::alive);
    d.peer_link().on_connected(t0 + 2500ms);
    d.peer_link().on_heard(t0 + 2600ms); // rebound: bind_resp heard
    for (auto t = t0 + 2600ms; t < t0 + 10s; t += 500ms) {
        BOOST_TEST(!d.poll(t).changed);
        d.peer_link().on_heard(t);
    }
    BOOST_TEST(d.current() == verdict::alive);
}

BOOST_AUTO_TEST_CASE(closed_and_not_back_within_the_budget_is_a_death) {
    failure_detector d{defaults(), t0};
    d.peer_link().on_heard(t0 + 1s);
    d.peer_link().on_closed(t0 + 1500ms);
    // The earlier of: silence since the last answer, closed since the close.
    BOOST_TEST(d.poll(t0 + 3999ms).now == verdict::alive);
    BOOST_TEST(d.poll(t0 + 4s).now == verdict::dead);
}

BOOST_AUTO_TEST_CASE(reconnected_but_silent_still_runs_out) {
    failure_detector d{defaults(), t0};
    d.peer_link().on_closed(t0 + 1s);
    d.peer_link().on_connected(t0 + 1500ms); // TCP accepted, the peer process hangs
    BOOST_TEST(d.poll(t0 + 2999ms).now == verdict::alive);
    BOOST_TEST(d.poll(t0 + 3s).now == verdict::dead);
}

BOOST_AUTO_TEST_CASE(one_way_loss_is_silence_on_our_side) {
    // Our probes go out but nothing comes back (the connection stays open):
    // the budget runs out as for a dead peer. The peer, still hearing us,
    // keeps us alive on its side; the epoch fencing settles that case.
    failure_detector d{defaults(), t0};
    for (auto t = t0; t < t0 + 3s; t += 1s) BOOST_TEST(d.poll(t).now == verdict::alive);
    BOOST_TEST(d.poll(t0 + 3s).now == verdict::dead);
}

BOOST_AUTO_TEST_CASE(second_path_alive_means_link_trouble_not_takeover) {
    failure_detector d{two_paths(), t0};
    BOOST_REQUIRE(d.second_path() != nullptr);
    for (auto t = t0 + 1s; t <= t0 + 10s; t += 1s) d.second_path()->on_heard(t);
    auto at4 = d.poll(t0 + 4s);
    BOOST_TEST(at4.now == verdict::link_trouble);
    BOOST_TEST(at4.changed);
    BOOST_TEST(!d.poll(t0 + 9s).changed); // one alert, not one per poll
    BOOST_TEST(d.poll(t0 + 12999ms).now == verdict::link_trouble);
    BOOST_TEST(d.poll(t0 + 13s).now == verdict::dead); // both silent now
}

BOOST_AUTO_TEST_CASE(only_the_second_path_failing_is_link_trouble_too) {
    failure_detector d{two_paths(), t0};
    for (auto t = t0 + 1s; t <= t0 + 10s; t += 1s) d.peer_link().on_heard(t);
    BOOST_TEST(d.poll(t0 + 5s).now == verdict::link_trouble);
}

BOOST_AUTO_TEST_CASE(without_a_second_path_there_is_none) {
    failure_detector d{defaults(), t0};
    BOOST_TEST(d.second_path() == nullptr);
}

BOOST_AUTO_TEST_CASE(a_returning_peer_is_alive_again_once) {
    failure_detector d{defaults(), t0};
    BOOST_TEST(d.poll(t0 + 5s).now == verdict::dead);
    d.peer_link().on_connected(t0 + 20s);
    BOOST_TEST(d.poll(t0 + 20s).now == verdict::dead); // connected is not heard
    d.peer_link().on_heard(t0 + 20100ms);
    auto back = d.poll(t0 + 20100ms);
    BOOST_TEST(back.now == verdict::alive);
    BOOST_TEST(back.changed);
    BOOST_TEST(!d.poll(t0 + 20200ms).changed);
}

BOOST_AUTO_TEST_CASE(evidence_out_of_order_never_moves_time_back) {
    failure_detector d{defaults(), t0};
    d.peer_link().on_heard(t0 + 5s);
    d.peer_link().on_heard(t0 + 2s); // a late report of an older answer
    BOOST_TEST((d.peer_link().last_heard() == t0 + 5s));
    BOOST_TEST(d.poll(t0 + 7999ms).now == verdict::alive);
}

BOOST_AUTO_TEST_CASE(next_deadline_is_the_nearest_path_going_down) {
    failure_detector d{two_paths(), t0};
    d.peer_link().on_heard(t0 + 1s);
    d.second_path()->on_heard(t0 + 2s);
    BOOST_TEST((d.next_deadline(t0 + 2s) == t0 + 4s));
    BOOST_TEST((d.next_deadline(t0 + 4s) == t0 + 5s)); // the link is down already
    BOOST_TEST((d.next_deadline(t0 + 5s) == clock::time_point::max()));
}
