// Sync replication on the sender (sender.hpp): waiters released by the
// peer's acknowledgements, or by the timeout that degrades to local-only.
#include "replication/sender.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/log.hpp"

namespace twinsms::replication {
namespace asio = boost::asio;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

void sender::when_replicated(std::function<void()> f) {
    const auto seq = state_.last_committed();
    if (!cfg_.sync || degraded_ || stopping_ || state_.last_acked() >= seq) return f();
    waiters_.push_back({seq, std::chrono::steady_clock::now() + cfg_.sync_timeout, std::move(f)});
    if (!watching_) {
        watching_ = true;
        ++running_;
        asio::co_spawn(executor_, watch_waiters(), asio::detached);
    }
}

void sender::release_acked() {
    while (!waiters_.empty() && waiters_.front().seq <= state_.last_acked()) {
        auto f = std::move(waiters_.front().f);
        waiters_.pop_front();
        f();
    }
    // Caught up: nothing unacknowledged, or (under a steady load, where the
    // two rarely stand equal) the oldest unacknowledged change is younger
    // than half the timeout, so a client's wait would end well within it.
    if (degraded_ && state_.connected() &&
        (state_.lag_changes() == 0 || state_.lag_ms(now_()) < cfg_.sync_timeout.count() / 2)) {
        degraded_ = false;
        log::info("replication", "sync_restored").kv("acked", state_.last_acked());
        if (on_degraded_) on_degraded_(false);
    }
}

// The oldest waiter's deadline: past it, sync gives way to availability.
asio::awaitable<void> sender::watch_waiters() {
    asio::steady_timer t{executor_};
    while (!waiters_.empty() && !stopping_) {
        t.expires_at(waiters_.front().deadline);
        co_await t.async_wait(use_tuple);
        if (waiters_.empty() || waiters_.front().deadline > std::chrono::steady_clock::now()) continue;
        degraded_ = true;
        log::warn("replication", "sync_degraded").kv("waiting", waiters_.size()).kv("acked", state_.last_acked())
            .kv("last_committed", state_.last_committed()).kv("connected", state_.connected() ? "yes" : "no");
        if (on_degraded_) on_degraded_(true);
        while (!waiters_.empty()) {
            auto f = std::move(waiters_.front().f);
            waiters_.pop_front();
            f();
        }
    }
    // Stopping: what waits is answered (committed here, as in async).
    while (!waiters_.empty()) {
        auto f = std::move(waiters_.front().f);
        waiters_.pop_front();
        f();
    }
    watching_ = false;
    --running_;
}

} // namespace twinsms::replication
