#pragma once
// Token bucket rate limiter, pure: the caller passes the time in. Used for
// per-account submit limits (answered ESME_RTHROTTLED) and carrier TPS pacing.
#include <algorithm>
#include <chrono>

namespace twinsms {

class token_bucket {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;

    // rate <= 0 means unlimited. burst is the bucket size (at least 1 token).
    token_bucket(double rate_per_second, double burst, time_point now) noexcept
        : rate_{rate_per_second}, burst_{std::max(1.0, burst)}, tokens_{burst_}, last_{now} {}

    bool unlimited() const noexcept { return rate_ <= 0; }
    double burst() const noexcept { return burst_; }

    // Takes `n` tokens if available.
    bool try_take(time_point now, double n = 1.0) noexcept {
        if (unlimited()) return true;
        refill(now);
        if (tokens_ + 1e-9 < n) return false;
        tokens_ -= n;
        return true;
    }

    // How long until `n` tokens are available (zero if they are now).
    clock::duration wait_for(time_point now, double n = 1.0) noexcept {
        if (unlimited()) return clock::duration::zero();
        refill(now);
        if (tokens_ >= n) return clock::duration::zero();
        const double seconds = (n - tokens_) / rate_;
        return std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds)) +
               clock::duration{1};
    }

    void set_rate(double rate_per_second, double burst, time_point now) noexcept {
        refill(now);
        rate_ = rate_per_second;
        burst_ = std::max(1.0, burst);
        tokens_ = std::min(tokens_, burst_);
    }

private:
    void refill(time_point now) noexcept {
        if (now > last_) {
            tokens_ = std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
            last_ = now;
        }
    }

    double rate_;
    double burst_;
    double tokens_;
    time_point last_;
};

} // namespace twinsms
