#include "alert/alert_policy.hpp"

#include <algorithm>

namespace twinsms::alert {

namespace {
constexpr epoch_ms hour_ms = 3'600'000;
}

std::string_view to_string(alert_kind k) noexcept {
    switch (k) {
    case alert_kind::peer_lost: return "peer_lost";
    case alert_kind::takeover: return "takeover";
    case alert_kind::failback: return "failback";
    case alert_kind::link_trouble: return "link_trouble";
    case alert_kind::brain_split: return "brain_split";
    case alert_kind::overflow_on: return "overflow_on";
    case alert_kind::overflow_off: return "overflow_off";
    case alert_kind::takeover_refused: return "takeover_refused";
    case alert_kind::witness_lost: return "witness_lost";
    case alert_kind::epoch_not_stored: return "epoch_not_stored";
    case alert_kind::profile_conflict: return "profile_conflict";
    case alert_kind::sync_degraded: return "sync_degraded";
    case alert_kind::sync_restored: return "sync_restored";
    }
    return "unknown";
}

std::string_view label(alert_kind k) noexcept {
    switch (k) {
    case alert_kind::peer_lost: return "PEER LOST";
    case alert_kind::takeover: return "TAKEOVER";
    case alert_kind::failback: return "FAILBACK";
    case alert_kind::link_trouble: return "LINK TROUBLE";
    case alert_kind::brain_split: return "BRAIN SPLIT";
    case alert_kind::overflow_on: return "OVERFLOW ON";
    case alert_kind::overflow_off: return "OVERFLOW OFF";
    case alert_kind::takeover_refused: return "TAKEOVER REFUSED";
    case alert_kind::witness_lost: return "WITNESS LOST";
    case alert_kind::epoch_not_stored: return "EPOCH NOT STORED";
    case alert_kind::profile_conflict: return "PROFILE CONFLICT";
    case alert_kind::sync_degraded: return "REPLICATION DEGRADED";
    case alert_kind::sync_restored: return "REPLICATION RESTORED";
    }
    return "ALERT";
}

std::string_view to_string(channel c) noexcept { return c == channel::sms ? "sms" : "email"; }

std::string_view to_string(verdict v) noexcept {
    switch (v) {
    case verdict::send: return "send";
    case verdict::duplicate: return "duplicate";
    case verdict::rate_limited: return "rate_limited";
    }
    return "unknown";
}

void alert_policy::forget_old(channel_state& s, epoch_ms now) const {
    // A backward clock step: what was recorded "in the future" happened now
    // at the latest, so the windows restart from now instead of stretching
    // by the size of the step.
    for (auto& t : s.sent) t = std::min(t, now);
    while (!s.sent.empty() && s.sent.front() <= now - hour_ms) s.sent.pop_front();
    const auto interval = cfg_.min_interval.count();
    for (auto i = s.last.begin(); i != s.last.end();) {
        i->second = std::min(i->second, now);
        if (now - i->second >= interval)
            i = s.last.erase(i);
        else
            ++i;
    }
}

decision alert_policy::decide(channel c, alert_kind k, std::string_view subject, epoch_ms now) {
    auto& s = state_[index(c)];
    forget_old(s, now);
    decision d;
    std::pair<alert_kind, std::string> key{k, std::string{subject}};
    // De-dup first: a repeat is a repeat even when the hour is also full, and
    // the log then says why it was really held back.
    if (s.last.contains(key))
        d.what = verdict::duplicate;
    else if (s.sent.size() >= cfg_.max_per_hour)
        d.what = verdict::rate_limited;
    if (!d.send()) {
        ++s.pending;
        return d;
    }
    s.sent.push_back(now);
    if (cfg_.min_interval.count() > 0) s.last[std::move(key)] = now;
    d.suppressed_before = std::exchange(s.pending, 0);
    return d;
}

std::size_t alert_policy::sent_in_last_hour(channel c, epoch_ms now) const noexcept {
    const auto& s = state_[index(c)];
    return static_cast<std::size_t>(
        std::count_if(s.sent.begin(), s.sent.end(), [&](epoch_ms t) { return std::min(t, now) > now - hour_ms; }));
}

} // namespace twinsms::alert
