#include "smpp/server/bind_guard.hpp"

namespace twinsms::smpp {

bool bind_guard::blocked(const std::string& addr, time_point now) const {
    auto it = entries_.find(addr);
    return it != entries_.end() && now < it->second.blocked_until;
}

void bind_guard::on_failure(const std::string& addr, time_point now) {
    if (entries_.size() >= cfg_.max_tracked && !entries_.contains(addr)) prune(now);
    if (entries_.size() >= cfg_.max_tracked && !entries_.contains(addr)) return; // under attack from many addresses: stay bounded
    entry& e = entries_[addr];
    if (e.failures == 0 || now - e.first_failure > cfg_.window) {
        e.failures = 0;
        e.first_failure = now;
    }
    if (++e.failures >= cfg_.max_failures) e.blocked_until = now + cfg_.block_for;
}

void bind_guard::prune(time_point now) {
    for (auto it = entries_.begin(); it != entries_.end();) {
        const bool stale = now >= it->second.blocked_until && now - it->second.first_failure > cfg_.window;
        it = stale ? entries_.erase(it) : std::next(it);
    }
}

} // namespace twinsms::smpp
