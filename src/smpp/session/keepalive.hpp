#pragma once
// Keepalive and inactivity decisions for one SMPP link, as pure code.
//
// We probe with enquire_link every `interval` and declare the peer dead when
// nothing at all has arrived from it for `misses` intervals: any PDU proves
// the peer alive, so a busy link whose enquire_link_resp queues behind
// traffic is not killed. The cluster's failure detector listens for `dead`.
#include <chrono>

#include "config/session.hpp"

namespace twinsms::smpp {

using keepalive_config = config::keepalive_settings;

class keepalive {
public:
    using clock = std::chrono::steady_clock;
    using time_point = clock::time_point;
    enum class action { none, send_probe, dead, inactive };

    keepalive(const keepalive_config& cfg, time_point now) noexcept
        : cfg_{cfg}, last_rx_{now}, last_activity_{now}, next_probe_{now + cfg.interval} {}

    // Any PDU received from the peer.
    void on_receive(time_point now) noexcept { last_rx_ = now; }
    // Traffic other than enquire_link/resp, in either direction.
    void on_activity(time_point now) noexcept { last_activity_ = now; }

    // What to do now. Call again at next_wake().
    action poll(time_point now) noexcept {
        if (cfg_.interval.count() > 0) {
            if (now - last_rx_ >= cfg_.interval * cfg_.misses) return action::dead;
        }
        if (cfg_.inactivity.count() > 0 && now - last_activity_ >= cfg_.inactivity) return action::inactive;
        if (cfg_.interval.count() > 0 && now >= next_probe_) {
            next_probe_ = now + cfg_.interval;
            return action::send_probe;
        }
        return action::none;
    }

    time_point next_wake() const noexcept {
        time_point t = time_point::max();
        if (cfg_.interval.count() > 0) {
            t = std::min(next_probe_, last_rx_ + cfg_.interval * cfg_.misses);
        }
        if (cfg_.inactivity.count() > 0) t = std::min(t, last_activity_ + cfg_.inactivity);
        return t;
    }

    time_point last_receive() const noexcept { return last_rx_; }

private:
    keepalive_config cfg_;
    time_point last_rx_;
    time_point last_activity_;
    time_point next_probe_;
};

} // namespace twinsms::smpp
