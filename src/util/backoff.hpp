#pragma once
// Exponential reconnect backoff with an upper bound, pure. Jitter is a
// fraction of each delay drawn from a caller-supplied uniform [0,1) value,
// so tests stay deterministic and a pair of nodes does not reconnect in step.
#include <algorithm>
#include <chrono>

namespace twinsms {

struct backoff_config {
    std::chrono::milliseconds initial{1'000};
    std::chrono::milliseconds max{60'000};
    double multiplier = 2.0;
    double jitter = 0.2; // delay is scaled by [1 - jitter, 1]
};

class backoff {
public:
    explicit backoff(backoff_config cfg) noexcept : cfg_{cfg}, next_{cfg.initial} {}

    // The delay before the next attempt; grows for the one after.
    std::chrono::milliseconds next(double uniform01 = 1.0) noexcept {
        const auto base = next_;
        next_ = std::min(cfg_.max, std::chrono::milliseconds{static_cast<long long>(
                                       static_cast<double>(next_.count()) * cfg_.multiplier)});
        const double scale = 1.0 - cfg_.jitter * (1.0 - std::clamp(uniform01, 0.0, 1.0));
        ++attempts_;
        return std::chrono::milliseconds{static_cast<long long>(static_cast<double>(base.count()) * scale)};
    }
    // After a successful bind.
    void reset() noexcept {
        next_ = cfg_.initial;
        attempts_ = 0;
    }
    unsigned attempts() const noexcept { return attempts_; }

private:
    backoff_config cfg_;
    std::chrono::milliseconds next_;
    unsigned attempts_ = 0;
};

} // namespace twinsms
