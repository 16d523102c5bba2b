#pragma once
// A client's webhook as a delivery sink: each MO message or receipt is one
// signed JSON POST; 2xx acknowledges it (the delivery is erased), 5xx, 408,
// 429 and transport errors retry with exponential backoff, any other 4xx is
// the receiver refusing that delivery for good (logged, erased).
#include <memory>

#include "engine/clock.hpp"
#include "engine/deliveries.hpp"
#include "config/webhook.hpp"
#include "webhook/poster.hpp"

namespace twinsms::app {

class webhook_sink : public engine::delivery_sink, public std::enable_shared_from_this<webhook_sink> {
public:
    webhook_sink(std::string account, config::webhook_settings settings, webhook::poster& poster, engine::clock_fn now);

    bool accepts(const store::delivery& d) const override;
    bool has_room() const override { return in_flight_ < settings_.max_in_flight; }
    void deliver(const store::delivery& d, done_fn done) override;
    std::chrono::milliseconds retry_delay(unsigned failures) const override;

    const config::webhook_settings& settings() const noexcept { return settings_; }
    struct counters {
        std::uint64_t posted = 0, ok = 0, failed = 0, refused = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    std::string account_;
    const config::webhook_settings settings_;
    webhook::poster& poster_;
    engine::clock_fn now_;
    unsigned in_flight_ = 0;
    counters stats_;
};

// How a webhook answer is taken (pure, for tests).
engine::delivery_sink::result classify(const webhook::post_result& r) noexcept;

} // namespace twinsms::app
