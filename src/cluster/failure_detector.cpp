#include "cluster/failure_detector.hpp"

#include <algorithm>

namespace twinsms::cluster {

void path_monitor::on_heard(clock::time_point now) noexcept {
    last_heard_ = std::max(last_heard_, now);
    closed_since_.reset(); // hearing on it means it is connected
}

void path_monitor::on_closed(clock::time_point now) noexcept {
    if (!closed_since_) closed_since_ = now;
}

void path_monitor::on_connected(clock::time_point now) noexcept {
    // Connected is not yet heard: a peer that accepts the connection but
    // never answers must still run out its budget. The budget restarts from
    // the reconnect only if that is later than the last answer.
    closed_since_.reset();
    (void)now;
}

clock::time_point path_monitor::down_at(const detector_config& c) const noexcept {
    auto at = last_heard_ + c.budget();
    if (closed_since_) at = std::min(at, *closed_since_ + c.budget());
    return at;
}

path_state path_monitor::state(clock::time_point now, const detector_config& c) const noexcept {
    return now >= down_at(c) ? path_state::down : path_state::up;
}

std::string_view to_string(verdict v) noexcept {
    switch (v) {
    case verdict::alive: return "alive";
    case verdict::link_trouble: return "link_trouble";
    case verdict::dead: return "dead";
    }
    return "?";
}

failure_detector::failure_detector(detector_config cfg, clock::time_point now) : cfg_{cfg} {
    paths_.emplace_back(now);
    if (cfg_.second_path) paths_.emplace_back(now);
}

failure_detector::decision failure_detector::poll(clock::time_point now) {
    std::size_t down = 0;
    for (const auto& p : paths_) down += p.state(now, cfg_) == path_state::down;
    const verdict v = down == 0 ? verdict::alive : down == paths_.size() ? verdict::dead : verdict::link_trouble;
    const bool changed = v != last_;
    last_ = v;
    return {v, changed};
}

clock::time_point failure_detector::next_deadline(clock::time_point now) const noexcept {
    auto next = clock::time_point::max();
    for (const auto& p : paths_) {
        const auto at = p.down_at(cfg_);
        if (at > now) next = std::min(next, at);
    }
    return next;
}

} // namespace twinsms::cluster
