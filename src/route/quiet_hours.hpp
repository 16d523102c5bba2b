#pragma once
// Quiet hours, decided: whether a moment falls in a daily window of local
// wall-clock time in a named zone, and when that window ends. Pure (the
// clock is the caller's); zones come from the system's zoneinfo through
// cctz, so daylight saving and zone rule changes are tzdata's business.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <cctz/time_zone.h>

#include "config/profiles.hpp"

namespace twinsms::route {

class quiet_hours {
public:
    // The window as read (config::read_quiet_hours has checked the zone);
    // a zone that cannot be loaded throws std::invalid_argument.
    explicit quiet_hours(const config::quiet_window& w);

    // When the window that holds `now_ms` (Unix epoch, ms) ends, in epoch
    // ms and always after `now_ms`; nullopt when `now_ms` is outside it.
    // The end is the first second whose local time is `to` (on a day a
    // clock change skips `to`, the moment the clock jumps past it).
    std::optional<std::int64_t> held_until(std::int64_t now_ms) const;

private:
    cctz::time_zone zone_;
    unsigned from_s_, to_s_;
};

// Every window of a profile load: per route rule (by name) and per client
// (by system_id, as messages name their account). A message is held while
// either its rule's or its client's window holds it.
class quiet_rules {
public:
    quiet_rules() = default;
    explicit quiet_rules(const config::profile_set& p);

    bool empty() const noexcept { return rules_.empty() && clients_.empty(); }
    // When the message may go (epoch ms), or nullopt: now.
    std::optional<std::int64_t> held_until(std::string_view rule, std::string_view system_id,
                                           std::int64_t now_ms) const;

private:
    std::map<std::string, quiet_hours, std::less<>> rules_, clients_;
};

} // namespace twinsms::route
