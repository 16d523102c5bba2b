// The `quiet_hours` key of routes and client profiles (config/quiet_hours.hpp).
#include <cctz/time_zone.h>

#include "config/profile_files.hpp"

namespace twinsms::config {
namespace {

// "HH:MM" or "HH:MM:SS", 24-hour; "24:00" is not a time of day (use 00:00).
unsigned time_of_day(const reader& r) {
    const auto s = r.non_empty_str();
    const auto two = [&](std::size_t at, unsigned max) -> unsigned {
        if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9')
            r.fail("expected a time of day as HH:MM or HH:MM:SS, got '" + s + "'");
        const unsigned v = static_cast<unsigned>((s[at] - '0') * 10 + (s[at + 1] - '0'));
        if (v > max) r.fail("expected a time of day as HH:MM or HH:MM:SS (00:00 to 23:59:59), got '" + s + "'");
        return v;
    };
    if (s.size() != 5 && s.size() != 8) r.fail("expected a time of day as HH:MM or HH:MM:SS, got '" + s + "'");
    if (s[2] != ':' || (s.size() == 8 && s[5] != ':'))
        r.fail("expected a time of day as HH:MM or HH:MM:SS, got '" + s + "'");
    const unsigned h = two(0, 23), m = two(3, 59), sec = s.size() == 8 ? two(6, 59) : 0;
    return h * 3600 + m * 60 + sec;
}

} // namespace

quiet_window read_quiet_hours(const reader& r) {
    quiet_window w;
    const auto z = r.at("zone");
    w.zone = z.non_empty_str();
    // cctz reads the zone from /usr/share/zoneinfo (Debian's tzdata); an
    // unknown name would silently be UTC, so it is refused here instead.
    cctz::time_zone tz;
    if (!cctz::load_time_zone(w.zone, &tz))
        z.fail("no time zone '" + w.zone + "' in the system's zoneinfo (/usr/share/zoneinfo; package tzdata)");
    const auto from = r.at("from");
    w.from_s = time_of_day(from);
    w.to_s = time_of_day(r.at("to"));
    if (w.from_s == w.to_s) from.fail("quiet hours from and to are the same time: an empty window");
    r.finish();
    return w;
}

} // namespace twinsms::config
