// The alert policy on a hand-driven clock: de-dup per (kind, subject) and
// channel, the rolling-hour limit, the suppressed count carried by the next
// alert that goes out, and a clock stepping backwards.
#define BOOST_TEST_MODULE alert_policy
#include <boost/test/unit_test.hpp>

#include "alert/alert_policy.hpp"

using namespace twinsms::alert;
using namespace std::chrono_literals;

namespace twinsms::alert {
inline std::ostream& operator<<(std::ostream& o, verdict v) { return o << to_string(v); }
} // namespace twinsms::alert

namespace {
constexpr epoch_ms t0 = 1'800'000'000'000; // some wall-clock time
constexpr epoch_ms s = 1000, minute = 60 * s, hour = 60 * minute;
policy_config cfg(std::chrono::milliseconds interval = 60s, unsigned per_hour = 30) { return {interval, per_hour}; }
} // namespace

BOOST_AUTO_TEST_CASE(first_alert_goes_out_with_nothing_suppressed) {
    alert_policy p{cfg()};
    auto d = p.decide(channel::sms, alert_kind::takeover, "of site2", t0);
    BOOST_TEST(d.what == verdict::send);
    BOOST_TEST(d.suppressed_before == 0u);
    BOOST_TEST(p.pending_suppressed(channel::sms) == 0u);
}

BOOST_AUTO_TEST_CASE(same_kind_and_subject_is_suppressed_until_min_interval_has_passed) {
    alert_policy p{cfg(60s)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::peer_lost, "site2", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::peer_lost, "site2", t0).what == verdict::duplicate);
    BOOST_TEST(p.decide(channel::sms, alert_kind::peer_lost, "site2", t0 + minute - 1).what == verdict::duplicate);
    auto d = p.decide(channel::sms, alert_kind::peer_lost, "site2", t0 + minute); // exactly the interval
    BOOST_TEST(d.what == verdict::send);
    BOOST_TEST(d.suppressed_before == 2u);
}

BOOST_AUTO_TEST_CASE(a_suppressed_repeat_does_not_push_the_interval_on) {
    alert_policy p{cfg(60s)};
    BOOST_TEST(p.decide(channel::email, alert_kind::link_trouble, "peer link", t0).send());
    for (epoch_ms t = t0 + 10 * s; t < t0 + minute; t += 10 * s)
        BOOST_TEST(!p.decide(channel::email, alert_kind::link_trouble, "peer link", t).send());
    // A steady repeat every 10 s still goes out once a minute.
    BOOST_TEST(p.decide(channel::email, alert_kind::link_trouble, "peer link", t0 + minute).send());
}

BOOST_AUTO_TEST_CASE(another_subject_or_kind_is_not_a_duplicate) {
    alert_policy p{cfg()};
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "of site2", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "of site3", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::failback, "of site2", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "", t0).what == verdict::duplicate);
}

BOOST_AUTO_TEST_CASE(channels_are_independent) {
    alert_policy p{cfg(60s, 1)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::brain_split, "site2", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::brain_split, "site2", t0 + s).what == verdict::duplicate);
    // Email has not sent anything yet: neither the key nor the hour is taken.
    BOOST_TEST(p.decide(channel::email, alert_kind::brain_split, "site2", t0 + s).send());
    BOOST_TEST(p.pending_suppressed(channel::sms) == 1u);
    BOOST_TEST(p.pending_suppressed(channel::email) == 0u);
}

BOOST_AUTO_TEST_CASE(at_most_max_per_hour_per_channel) {
    alert_policy p{cfg(1s, 3)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::overflow_on, "a", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::overflow_on, "b", t0 + minute).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::overflow_on, "c", t0 + 2 * minute).send());
    BOOST_TEST(p.sent_in_last_hour(channel::sms, t0 + 2 * minute) == 3u);
    BOOST_TEST(p.decide(channel::sms, alert_kind::overflow_on, "d", t0 + 3 * minute).what == verdict::rate_limited);
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "e", t0 + hour - 1).what == verdict::rate_limited);
    // The rolling hour: the send at t0 stops counting at t0 + 1h exactly.
    auto d = p.decide(channel::sms, alert_kind::takeover, "e", t0 + hour);
    BOOST_TEST(d.what == verdict::send);
    BOOST_TEST(d.suppressed_before == 2u);
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "f", t0 + hour).what == verdict::rate_limited);
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "f", t0 + hour + minute).send()); // b expired
    // The email channel has its own hour.
    BOOST_TEST(p.decide(channel::email, alert_kind::takeover, "f", t0 + hour).send());
}

BOOST_AUTO_TEST_CASE(a_rate_limited_alert_is_not_recorded_as_sent) {
    alert_policy p{cfg(10 * 60s, 1)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::failback, "x", t0 + minute).what == verdict::rate_limited);
    // Once the hour frees up, the held-back key is no duplicate: it never went out.
    auto d = p.decide(channel::sms, alert_kind::failback, "x", t0 + hour);
    BOOST_TEST(d.what == verdict::send);
    BOOST_TEST(d.suppressed_before == 1u);
}

BOOST_AUTO_TEST_CASE(duplicate_is_reported_before_rate_limited) {
    alert_policy p{cfg(60s, 1)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0 + s).what == verdict::duplicate);
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0 + 2 * minute).what == verdict::rate_limited);
}

BOOST_AUTO_TEST_CASE(suppressed_count_is_reported_once_then_restarts) {
    alert_policy p{cfg(60s)};
    p.decide(channel::email, alert_kind::takeover, "x", t0);
    p.decide(channel::email, alert_kind::takeover, "x", t0 + 1);
    p.decide(channel::email, alert_kind::takeover, "x", t0 + 2);
    p.decide(channel::email, alert_kind::takeover, "x", t0 + 3);
    BOOST_TEST(p.pending_suppressed(channel::email) == 3u);
    // Any alert that goes out carries the count, not only the same key.
    auto d = p.decide(channel::email, alert_kind::failback, "y", t0 + 4);
    BOOST_TEST(d.suppressed_before == 3u);
    BOOST_TEST(p.pending_suppressed(channel::email) == 0u);
    BOOST_TEST(p.decide(channel::email, alert_kind::overflow_off, "z", t0 + 5).suppressed_before == 0u);
}

BOOST_AUTO_TEST_CASE(zero_min_interval_disables_dedup_but_not_the_hourly_limit) {
    alert_policy p{cfg(0s, 2)};
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).what == verdict::rate_limited);
}

BOOST_AUTO_TEST_CASE(a_backward_clock_step_holds_alerts_back_no_longer_than_the_windows) {
    alert_policy p{cfg(60s, 2)};
    const epoch_ms later = t0 + 5 * hour;
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", later).send());
    BOOST_TEST(p.decide(channel::sms, alert_kind::failback, "y", later).send());
    // The clock steps back five hours: the sends count as "now" from here on.
    BOOST_TEST(p.decide(channel::sms, alert_kind::takeover, "x", t0).what == verdict::duplicate);
    BOOST_TEST(p.decide(channel::sms, alert_kind::peer_lost, "z", t0 + minute).what == verdict::rate_limited);
    BOOST_TEST(p.sent_in_last_hour(channel::sms, t0) == 2u);
    BOOST_TEST(p.sent_in_last_hour(channel::sms, t0 + hour) == 0u);
    auto d = p.decide(channel::sms, alert_kind::takeover, "x", t0 + hour);
    BOOST_TEST(d.what == verdict::send); // not five hours later
    BOOST_TEST(d.suppressed_before == 2u);
}

BOOST_AUTO_TEST_CASE(names) {
    BOOST_TEST(to_string(alert_kind::link_trouble) == "link_trouble");
    BOOST_TEST(label(alert_kind::brain_split) == "BRAIN SPLIT");
    BOOST_TEST(label(alert_kind::overflow_off) == "OVERFLOW OFF");
    BOOST_TEST(to_string(channel::email) == "email");
    BOOST_TEST(to_string(verdict::rate_limited) == "rate_limited");
}
