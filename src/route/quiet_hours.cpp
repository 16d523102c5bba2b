#include "route/quiet_hours.hpp"

#include <chrono>
#include <stdexcept>

namespace twinsms::route {
namespace {
using seconds_tp = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;
} // namespace

quiet_hours::quiet_hours(const config::quiet_window& w) : from_s_{w.from_s}, to_s_{w.to_s} {
    if (!cctz::load_time_zone(w.zone, &zone_)) throw std::invalid_argument("no time zone '" + w.zone + "'");
}

std::optional<std::int64_t> quiet_hours::held_until(std::int64_t now_ms) const {
    // Floor to the second (a negative epoch is no concern of an SMS gateway).
    const seconds_tp now{std::chrono::seconds{now_ms / 1000}};
    const auto local = cctz::convert(now, zone_);
    const unsigned of_day = static_cast<unsigned>(local.hour() * 3600 + local.minute() * 60 + local.second());
    const cctz::civil_day today{local};
    cctz::civil_day end_day;
    if (from_s_ < to_s_) { // 09:00-17:00: within one day
        if (of_day < from_s_ || of_day >= to_s_) return std::nullopt;
        end_day = today;
    } else if (of_day >= from_s_) { // 21:00-08:00, in the evening: ends tomorrow
        end_day = today + 1;
    } else if (of_day < to_s_) { // ... in the morning: ends today
        end_day = today;
    } else {
        return std::nullopt;
    }
    const cctz::civil_second end = cctz::civil_second{end_day} + to_s_;
    // A local time a spring-forward skips maps to the moment of the change
    // (cctz's `trans`); an autumn repeat takes its first occurrence.
    const auto lookup = zone_.lookup(end);
    const auto at = lookup.kind == cctz::time_zone::civil_lookup::SKIPPED ? lookup.trans : lookup.pre;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    // Only a zone whose rules moved the wall clock backwards over `to` could
    // give an end at or before now; wait a second rather than loop.
    return ms > now_ms ? ms : now_ms + 1000;
}

quiet_rules::quiet_rules(const config::profile_set& p) {
    for (const auto& r : p.routes)
        if (r.quiet_hours) rules_.emplace(r.name, quiet_hours{*r.quiet_hours});
    for (const auto& c : p.clients)
        if (c.quiet_hours) clients_.emplace(c.account.system_id, quiet_hours{*c.quiet_hours});
}

std::optional<std::int64_t> quiet_rules::held_until(std::string_view rule, std::string_view system_id,
                                                    std::int64_t now_ms) const {
    const auto r = rules_.find(rule);
    const auto c = clients_.find(system_id);
    if (r == rules_.end() && c == clients_.end()) return std::nullopt;
    // The windows may overlap or touch (one ends as the other starts): step
    // from the end of one to the other's until neither holds. Two windows a
    // day each: a handful of steps at most.
    std::optional<std::int64_t> until;
    std::int64_t t = now_ms;
    for (int step = 0; step < 8; ++step) {
        std::optional<std::int64_t> next;
        if (r != rules_.end()) next = r->second.held_until(t);
        if (c != clients_.end())
            if (auto u = c->second.held_until(next.value_or(t))) next = u;
        if (!next) break;
        until = t = *next;
    }
    return until;
}

} // namespace twinsms::route
