#pragma once
// Decides whether the peer node is alive, from what its heartbeat paths
// report: pure code, the time passed in, no I/O (the peer-link session and
// the second heartbeat path feed it; the cluster acts on its verdicts).
//
// A path is healthy while something was heard from the peer on it within
// `interval * misses` (any PDU counts, enquire_link_resp or traffic: a busy
// link proves life as well as a probe does). A closed path is down once it
// has stayed closed for that same budget, so a reconnect within the budget is
// a flap, not a death. The peer is dead only when every configured path is
// down: a peer-link failure with the second path still answering is link
// trouble (an alert, never a takeover), which is the split-brain guard.
#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

namespace twinsms::cluster {

using clock = std::chrono::steady_clock;

struct detector_config {
    std::chrono::milliseconds interval{1'000}; // heartbeat period on every path
    unsigned misses = 3;                       // silent intervals before a path is down
    bool second_path = false;                  // a second heartbeat path is configured
    std::chrono::milliseconds budget() const noexcept { return interval * misses; }
};

enum class path_state { up, down };

// One heartbeat path's evidence.
class path_monitor {
public:
    explicit path_monitor(clock::time_point now) noexcept : last_heard_{now} {}

    void on_heard(clock::time_point now) noexcept;   // any PDU/answer from the peer
    void on_closed(clock::time_point now) noexcept;  // the path's connection ended
    void on_connected(clock::time_point now) noexcept;

    path_state state(clock::time_point now, const detector_config& c) const noexcept;
    // When state() turns down if nothing else happens.
    clock::time_point down_at(const detector_config& c) const noexcept;
    bool connected() const noexcept { return !closed_since_; }
    clock::time_point last_heard() const noexcept { return last_heard_; }

private:
    clock::time_point last_heard_;
    std::optional<clock::time_point> closed_since_;
};

enum class verdict {
    alive,        // every path up
    link_trouble, // some path down, another still up: alert only
    dead,         // every path down: take over
};
std::string_view to_string(verdict v) noexcept;

class failure_detector {
public:
    failure_detector(detector_config cfg, clock::time_point now);

    path_monitor& peer_link() noexcept { return paths_[0]; }
    // nullptr unless the config has a second path.
    path_monitor* second_path() noexcept { return paths_.size() > 1 ? &paths_[1] : nullptr; }
    const path_monitor& peer_link() const noexcept { return paths_[0]; }
    const path_monitor* second_path() const noexcept { return paths_.size() > 1 ? &paths_[1] : nullptr; }

    // The verdict now, and whether it changed since the last poll (the
    // cluster acts on changes only: one alert, one takeover).
    struct decision {
        verdict now;
        bool changed;
    };
    decision poll(clock::time_point now);
    verdict current() const noexcept { return last_; }
    // The next time poll() may change its answer without new evidence.
    clock::time_point next_deadline(clock::time_point now) const noexcept;
    const detector_config& config() const noexcept { return cfg_; }

private:
    detector_config cfg_;
    std::vector<path_monitor> paths_;
    verdict last_ = verdict::alive;
};

} // namespace twinsms::cluster
