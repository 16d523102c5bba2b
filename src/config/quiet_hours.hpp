#pragma once
// Quiet hours: a daily window, in a named time zone, in which a route's or
// a client's messages are held and sent when it ends (for example no
// marketing traffic 21:00-08:00 Europe/London). Plain data read from the
// `quiet_hours` key of routes and client profiles (config/quiet_hours.cpp);
// route/quiet_hours.hpp decides.
#include <string>

namespace twinsms::config {

struct quiet_window {
    std::string zone; // an IANA zone of the system's zoneinfo: "Europe/London", "UTC"
    // Local wall-clock time, seconds after midnight. from > to wraps past
    // midnight (21:00-08:00); from == to is refused (empty or whole day?).
    unsigned from_s = 0, to_s = 0;
};

} // namespace twinsms::config
