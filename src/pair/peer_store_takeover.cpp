// The dead peer's store on the survivor (peer_store_takeover.hpp).
#include "pair/peer_store_takeover.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/log.hpp"

namespace twinsms::pair {
namespace asio = boost::asio;

namespace {
// Attempts a carrier never answers (its link died with them) are not
// waited for beyond this: their messages stay queued in the copy and the
// peer sends them again (at least once, as after any crash).
constexpr std::chrono::seconds retire_deadline{20};
} // namespace

peer_store_takeover::peer_store_takeover(asio::any_io_executor ex, replication::peer_replication& r,
                                         make_engine_fn make, started_fn started, std::string node, std::string peer,
                                         std::chrono::milliseconds returning_window)
    : executor_{ex}, replication_{r}, make_{std::move(make)}, started_{std::move(started)}, node_{std::move(node)},
      peer_{std::move(peer)},
      returning_window_{returning_window}, hold_timer_{ex} {
    replication_.on_retire([this]() { return retire(); });
}

peer_store_takeover::~peer_store_takeover() = default;

void peer_store_takeover::promote(std::uint32_t epoch) {
    if (engine_ || promoting_ || stopping_) return;
    // Promoted and not held: its engine is being retired for a hand-back.
    if (replication_.promoted() && !status_.held) return;
    if (replication_.peer_returning(std::chrono::steady_clock::now(), returning_window_)) {
        ++status_.not_promoted_returning;
        log::warn("node", "replica_not_promoted").kv("node", node_).kv("peer", peer_).kv("epoch", epoch)
            .kv("why", "the peer asked for its store moments ago: it is back and keeps its own");
        return;
    }
    promoting_ = true;
    retire_requested_ = false;
    // Held for a peer that died again before it fetched it: the engine runs over it again.
    status_.held = false;
    hold_timer_.cancel();
    asio::co_spawn(executor_, [](peer_store_takeover* self, std::uint32_t epoch, std::weak_ptr<int> alive) -> asio::awaitable<void> {
        auto* st = co_await self->replication_.promote();
        if (alive.expired()) co_return;
        self->promoting_ = false;
        if (self->stopping_ || self->retire_requested_) co_return; // handed back before it ran
        // The peer's queued and in-flight messages go out through the
        // carriers this node binds now (in-flight ones again: at least
        // once, counted); its clients' receipts and MO reach them here.
        self->engine_ = self->make_(*st);
        self->engine_->start();
        if (self->started_) self->started_(*self->engine_);
        self->status_.promoted = true;
        self->status_.epoch = epoch;
        ++self->status_.promotions;
        log::warn("node", "peer_store_taken_over").kv("node", self->node_).kv("peer", self->peer_).kv("epoch", epoch);
    }(this, epoch, alive_), asio::detached);
}

asio::awaitable<void> peer_store_takeover::retire() {
    retire_requested_ = true;
    auto e = std::move(engine_); // receipts not ours go to the peer from now on
    status_.promoted = false;
    if (!e) co_return;
    const auto started = std::chrono::steady_clock::now();
    e->stop();
    asio::steady_timer t{executor_};
    while ((e->dispatch().busy() > 0 || e->deliveries().in_flight() > 0) &&
           std::chrono::steady_clock::now() - started < retire_deadline) {
        t.expires_after(std::chrono::milliseconds(20));
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    status_.retired_busy = e->dispatch().busy();
    // What it wrote is committed, and every completion it posted has run
    // (flush returns after posting them; the timer lets them run) before
    // the engine, and later the replica store under it, goes away.
    e->store().flush();
    t.expires_after(std::chrono::milliseconds(50));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    ++status_.retirements;
    log::warn("node", "peer_store_retired").kv("node", node_).kv("peer", peer_).kv("epoch", status_.epoch)
        .kv("ms", std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count())
        .kv("unanswered_attempts", status_.retired_busy)
        .kv("delivered_to_clients", e->deliveries().stats().acknowledged)
        .kv("sent", e->dispatch().stats().submitted);
    e.reset();
}

void peer_store_takeover::release() {
    if (!engine_ && !promoting_) {
        if (replication_.promoted()) hold();
        return;
    }
    asio::co_spawn(executor_, [](peer_store_takeover* self, std::weak_ptr<int> alive) -> asio::awaitable<void> {
        co_await self->retire();
        if (alive.expired() || self->stopping_) co_return;
        if (self->replication_.promoted()) self->hold();
    }(this, alive_), asio::detached);
}

void peer_store_takeover::hold() {
    if (status_.held) return;
    status_.held = true;
    log::warn("node", "peer_store_held").kv("node", node_).kv("peer", peer_).kv("epoch", status_.epoch)
        .kv("why", "the peer did not restart: it fetches what was done for it and merges it into its running store")
        .kv("limit_s", std::chrono::duration_cast<std::chrono::seconds>(hold_limit).count());
    hold_timer_.expires_after(hold_limit);
    hold_timer_.async_wait([this, alive = std::weak_ptr<int>{alive_}](const boost::system::error_code& ec) {
        if (ec || alive.expired() || !status_.held) return;
        status_.held = false;
        if (!replication_.promoted()) return; // fetched (the peer confirmed)
        ++status_.holds_given_up;
        log::error("node", "peer_store_not_fetched").kv("node", node_).kv("peer", peer_)
            .kv("then", "the replica receives the peer's store again: receipts of what was sent here for the peer "
                        "no longer find their messages, and the peer sends those messages again");
        replication_.release_promoted();
    });
}

bool peer_store_takeover::offers_store(std::optional<cluster::node_mode> peer_mode) const noexcept {
    if (!replication_.holds_peer_store() || promoting_) return false;
    return holding() || peer_mode == cluster::node_mode::fenced;
}

void peer_store_takeover::stop() {
    stopping_ = true;
    if (engine_) engine_->stop();
}

} // namespace twinsms::pair
