#pragma once
// Throttles repeated failed binds from one address (password guessing,
// misconfigured clients reconnecting in a loop). Pure: time is passed in.
#include <chrono>
#include <string>
#include <unordered_map>

namespace twinsms::smpp {

struct bind_guard_config {
    unsigned max_failures = 5;                 // within `window`...
    std::chrono::milliseconds window{60'000};
    std::chrono::milliseconds block_for{60'000}; // ...blocks the address this long
    std::size_t max_tracked = 10'000;          // addresses remembered at most
};

class bind_guard {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;

    explicit bind_guard(bind_guard_config cfg = {}) : cfg_{cfg} {}

    bool blocked(const std::string& addr, time_point now) const;
    void on_failure(const std::string& addr, time_point now);
    void on_success(const std::string& addr) { entries_.erase(addr); }
    std::size_t tracked() const noexcept { return entries_.size(); }

private:
    struct entry {
        unsigned failures = 0;
        time_point first_failure{};
        time_point blocked_until{};
    };
    void prune(time_point now);

    bind_guard_config cfg_;
    std::unordered_map<std::string, entry> entries_;
};

} // namespace twinsms::smpp
