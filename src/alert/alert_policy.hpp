#pragma once
// Whether an alert goes out now, per channel: pure code, the time passed in,
// no I/O (the alerter feeds it and acts on its decisions).
//
// Two rules, applied to each channel (sms, email) on its own:
//  - de-dup: the same (kind, subject) at most once per min_interval, counted
//    from the last time it went out on that channel (a suppressed repeat does
//    not push the window on, so a steady repeat still goes out once per
//    interval);
//  - rate limit: at most max_per_hour alerts of any kind in any rolling hour
//    (a send at t no longer counts at t + 1h).
// What either rule suppresses is counted; the next alert that goes out on the
// channel carries that count, so the admin knows something was held back.
//
// Times are wall-clock milliseconds since the epoch (the node's clock). A
// clock stepping backwards must not hold alerts back for as long as the
// step: recorded times later than `now` are treated as `now`.
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace twinsms::alert {

enum class alert_kind {
    peer_lost, takeover, failback, link_trouble, brain_split, overflow_on, overflow_off,
    takeover_refused, witness_lost, epoch_not_stored, // witness and epoch (issue 14)
    profile_conflict, // settings replication: both nodes edited one profile (issue 13)
    sync_degraded, sync_restored // sync replication answers local-only / is back to sync (issue 13)
};
// "takeover", "link_trouble", ... (logs, email subjects)
std::string_view to_string(alert_kind k) noexcept;
// "TAKEOVER", "LINK TROUBLE", ... (SMS text)
std::string_view label(alert_kind k) noexcept;

enum class channel { sms, email };
std::string_view to_string(channel c) noexcept;

struct policy_config {
    std::chrono::milliseconds min_interval{60'000};
    unsigned max_per_hour = 30;
};

enum class verdict { send, duplicate, rate_limited };
std::string_view to_string(verdict v) noexcept;

struct decision {
    verdict what = verdict::send;
    // With send: alerts suppressed on this channel since the last one that
    // went out (to report now; the count starts again from zero).
    std::uint64_t suppressed_before = 0;
    bool send() const noexcept { return what == verdict::send; }
};

using epoch_ms = std::int64_t;

class alert_policy {
public:
    explicit alert_policy(policy_config cfg) noexcept : cfg_{cfg} {}

    // Decides and records: a send counts against the channel's hour and
    // starts the key's de-dup interval; a suppression is counted.
    decision decide(channel c, alert_kind k, std::string_view subject, epoch_ms now);

    // Suppressed on `c` and not yet reported in a sent alert.
    std::uint64_t pending_suppressed(channel c) const noexcept { return state_[index(c)].pending; }
    // Sends counted in the rolling hour ending at `now`.
    std::size_t sent_in_last_hour(channel c, epoch_ms now) const noexcept;
    const policy_config& config() const noexcept { return cfg_; }

private:
    struct channel_state {
        std::deque<epoch_ms> sent;                                  // send times, oldest first
        std::map<std::pair<alert_kind, std::string>, epoch_ms> last; // key -> last sent
        std::uint64_t pending = 0;
    };
    static std::size_t index(channel c) noexcept { return c == channel::sms ? 0 : 1; }
    void forget_old(channel_state& s, epoch_ms now) const;

    policy_config cfg_;
    channel_state state_[2];
};

} // namespace twinsms::alert
