#pragma once
// Send pacing shared by every bind of twinsms-load: a token bucket refilled
// at the offered rate, read through an injected clock (tests drive it by
// hand). A sender that finds the bucket empty waits until a whole batch of
// tokens is there, so at 10k msg/s the senders wake every few milliseconds
// and send a burst, instead of sleeping once per message. The bucket holds
// several batches: a timer that fires late must not cost tokens (with room
// for one batch only, 0.2 ms of lateness per 5 ms wait lost 4% of the rate).
#include <algorithm>
#include <functional>
#include <utility>

#include "util/token_bucket.hpp"

namespace twinsms::load {

class pacer {
public:
    using clock = token_bucket::clock;
    using now_fn = std::function<clock::time_point()>;

    // rate <= 0: unlimited (next() is always zero).
    pacer(double rate_per_second, now_fn now)
        : now_{std::move(now)}, batch_{batch_for(rate_per_second)},
          bucket_{rate_per_second, batch_ * burst_batches, now_()} {}

    // Zero: a token was taken, send one message now. Otherwise: wait this
    // long (until a batch is available), then ask again.
    clock::duration next() {
        const auto t = now_();
        if (bucket_.try_take(t)) return clock::duration::zero();
        return bucket_.wait_for(t, batch_);
    }

    bool unlimited() const noexcept { return bucket_.unlimited(); }
    double batch() const noexcept { return batch_; }

    // 5 ms worth of messages (at least one): a wake-up rate the timer can
    // keep, and bursts short next to any window's round trip.
    static double batch_for(double rate) noexcept { return std::max(1.0, rate / 200.0); }
    static constexpr double burst_batches = 4; // bucket size, in batches (20 ms worth)

private:
    now_fn now_;
    double batch_;
    token_bucket bucket_;
};

} // namespace twinsms::load
