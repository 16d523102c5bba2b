// Quiet hours decided on given instants: windows within a day and across
// midnight, zones with daylight saving (the changes of 2026 in London), and
// a rule's window and a client's window together.
#include <boost/test/unit_test.hpp>

#include <chrono>

#include "route/quiet_hours.hpp"

using namespace twinsms;
using namespace std::chrono;

namespace {

// Epoch ms of a UTC date and time, from the standard calendar (not cctz).
std::int64_t utc(year_month_day d, hours h, minutes m = minutes{0}, seconds s = seconds{0}) {
    return duration_cast<milliseconds>((sys_days{d} + h + m + s).time_since_epoch()).count();
}

route::quiet_hours window(const char* zone, unsigned from_s, unsigned to_s) {
    return route::quiet_hours{config::quiet_window{zone, from_s, to_s}};
}

constexpr unsigned at(unsigned h, unsigned m = 0) { return h * 3600 + m * 60; }

} // namespace

BOOST_AUTO_TEST_SUITE(quiet_hours)

BOOST_AUTO_TEST_CASE(a_window_across_midnight_in_summer_time) {
    const auto q = window("Europe/London", at(21), at(8)); // BST: UTC+1 in July
    BOOST_TEST(!q.held_until(utc(2026y / 7 / 1, 19h, 59min, 59s) + 999).has_value()); // 20:59:59.999 local
    BOOST_TEST(q.held_until(utc(2026y / 7 / 1, 20h)).value_or(0) == utc(2026y / 7 / 2, 7h)); // 21:00 -> 08:00 next day
    BOOST_TEST(q.held_until(utc(2026y / 7 / 1, 22h, 30min)).value_or(0) == utc(2026y / 7 / 2, 7h)); // after midnight local
    BOOST_TEST(q.held_until(utc(2026y / 7 / 2, 6h, 59min, 59s)).value_or(0) == utc(2026y / 7 / 2, 7h)); // 07:59:59
    BOOST_TEST(!q.held_until(utc(2026y / 7 / 2, 7h)).has_value()); // 08:00 local: open
    BOOST_TEST(!q.held_until(utc(2026y / 7 / 2, 12h)).has_value());
}

BOOST_AUTO_TEST_CASE(the_same_window_in_winter_is_an_hour_later_in_utc) {
    const auto q = window("Europe/London", at(21), at(8)); // GMT in January
    BOOST_TEST(!q.held_until(utc(2026y / 1 / 15, 20h, 59min)).has_value());
    BOOST_TEST(q.held_until(utc(2026y / 1 / 15, 21h)).value_or(0) == utc(2026y / 1 / 16, 8h));
}

BOOST_AUTO_TEST_CASE(a_window_within_one_day) {
    const auto q = window("UTC", at(9), at(17));
    BOOST_TEST(!q.held_until(utc(2026y / 12 / 8, 8h, 59min, 59s)).has_value());
    BOOST_TEST(q.held_until(utc(2026y / 12 / 8, 9h)).value_or(0) == utc(2026y / 12 / 8, 17h));
    BOOST_TEST(q.held_until(utc(2026y / 12 / 8, 16h, 59min, 59s)).value_or(0) == utc(2026y / 12 / 8, 17h));
    BOOST_TEST(!q.held_until(utc(2026y / 12 / 8, 17h)).has_value());
    BOOST_TEST(!q.held_until(utc(2026y / 12 / 8, 23h)).has_value());
}

BOOST_AUTO_TEST_CASE(an_end_the_spring_change_skips_is_the_moment_of_the_change) {
    // 2026-03-29 01:00 GMT the clocks go to 02:00 BST: 01:30 never happens.
    const auto q = window("Europe/London", at(0), at(1, 30));
    BOOST_TEST(q.held_until(utc(2026y / 3 / 29, 0h, 30min)).value_or(0) == utc(2026y / 3 / 29, 1h));
    BOOST_TEST(!q.held_until(utc(2026y / 3 / 29, 1h)).has_value()); // 02:00 BST
}

BOOST_AUTO_TEST_CASE(an_end_the_autumn_change_repeats_is_its_first_occurrence) {
    // 2026-10-25 02:00 BST the clocks go back to 01:00 GMT: 01:30 happens twice.
    const auto q = window("Europe/London", at(0), at(1, 30));
    BOOST_TEST(q.held_until(utc(2026y / 10 / 24, 23h, 30min)).value_or(0) == utc(2026y / 10 / 25, 0h, 30min));
}

BOOST_AUTO_TEST_CASE(a_zone_that_does_not_load_throws) {
    BOOST_CHECK_THROW(window("Nowhere/Special", at(1), at(2)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_message_waits_until_neither_its_route_nor_its_client_is_quiet) {
    config::profile_set p;
    config::route_rule night;
    night.name = "marketing";
    night.quiet_hours = config::quiet_window{"UTC", at(21), at(8)};
    config::route_rule plain;
    plain.name = "plain";
    p.routes = {night, plain};
    config::client_profile c;
    c.name = "acme-profile";
    c.account.system_id = "acme";
    c.quiet_hours = config::quiet_window{"UTC", at(7), at(9)}; // overlaps the route's morning
    p.clients.push_back(c);
    const route::quiet_rules q{p};
    BOOST_TEST(!q.empty());
    // In the route's window, which hands over to the client's: 09:00.
    BOOST_TEST(q.held_until("marketing", "acme", utc(2026y / 12 / 8, 22h)).value_or(0) == utc(2026y / 12 / 9, 9h));
    // Another client: the route's end.
    BOOST_TEST(q.held_until("marketing", "beta", utc(2026y / 12 / 8, 22h)).value_or(0) == utc(2026y / 12 / 9, 8h));
    // The client's window alone, on a route without one.
    BOOST_TEST(q.held_until("plain", "acme", utc(2026y / 12 / 9, 8h, 30min)).value_or(0) == utc(2026y / 12 / 9, 9h));
    BOOST_TEST(!q.held_until("plain", "acme", utc(2026y / 12 / 9, 10h)).has_value());
    BOOST_TEST(!q.held_until("plain", "beta", utc(2026y / 12 / 9, 22h)).has_value());
    BOOST_TEST(route::quiet_rules{}.empty());
}

BOOST_AUTO_TEST_SUITE_END()
