// Both directions of replication (peer_replication.hpp).
#include "replication/peer_replication.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "util/log.hpp"

namespace twinsms::replication {

peer_replication::peer_replication(boost::asio::any_io_executor ex, store::message_store& own,
                                   const store::store_options& store_opt, const config::replication_settings& s,
                                   std::string node_id, sender::clock_fn now)
    : executor_{ex} {
    auto replica_path = s.replica_path;
    if (replica_path.empty()) replica_path = store_opt.path.string() + ".replica";
    sender_config sc;
    sc.listen = *s.listen;
    sc.token = s.token;
    sc.max_buffer_bytes = s.buffer_mb << 20;
    // Beside the store (same filesystem), never inside its LMDB directory.
    sc.snapshot_file = store_opt.path.string() + ".snapshot-out";
    sc.sync = s.mode == config::replication_mode::sync;
    sc.sync_timeout = s.timeout;
    if (s.tls) sc.tls = s.tls->server;
    sender_ = std::make_unique<sender>(ex, own, sc, std::move(now));
    auto ro = store_opt;
    ro.path = replica_path;
    // The replica reserves ids like any store, in the peer's id space (the
    // pair's secondary's start at 1 << 60): once promoted it must not hand
    // out ours, and the copy it sends back at failback carries that space.
    ro.message_id_base = store_opt.message_id_base > 1 ? 1 : std::uint64_t{1} << 60;
    replica_ = std::make_unique<replica>(ro);
    receiver_config rc;
    rc.peer = *s.peer;
    rc.node = std::move(node_id);
    rc.token = s.token;
    if (s.tls) rc.tls = s.tls->client;
    rc.snapshot_file = replica_path.string() + ".snapshot-in";
    receiver_cfg_ = rc;
    handback_file_ = replica_path.string() + ".reclaim-out";
    receiver_ = std::make_unique<receiver>(ex, *replica_, rc);
    sender_->on_reclaim({[this](std::string node) { return prepare_handback(std::move(node)); },
                         [this](std::string node) {
                             if (!promoted_) return;
                             log::info("replication", "handback_done").kv("peer", node);
                             ++handback_.handbacks;
                             release_promoted();
                         }});
}

peer_replication::~peer_replication() { copier_.join(); }

void peer_replication::start() {
    sender_->start();
    receiver_->start();
}

boost::asio::awaitable<void> peer_replication::stop() {
    co_await receiver_->stop();
    co_await sender_->stop();
}

boost::asio::awaitable<store::message_store*> peer_replication::promote() {
    // Promoted already (held for the peer after a failback it has not
    // fetched yet): a new engine runs over it, so a hand-back retires that one.
    if (promoted_) retired_ = false;
    if (!promoted_) {
        promoted_ = true;
        retired_ = reopened_ = false;
        ++handback_.promotions;
        co_await receiver_->stop();
        const auto applied = replica_->applied();
        auto& st = replica_->reopen();
        reopened_ = true;
        const auto s = st.get_stats();
        log::info("replication", "replica_promoted").kv("applied_seq", applied).kv("messages", s.messages)
            .kv("queued", s.queued).kv("deliveries", s.deliveries);
    }
    co_return &replica_->store();
}

} // namespace twinsms::replication

namespace twinsms::replication {

// The order matters (README "Failback"): the engine over the replica stops
// and finishes what it had started (attempts in flight get their answers
// and mappings committed) before the copy is taken, so the copy holds
// every send the survivor made and the peer sends none of them again.
boost::asio::awaitable<std::optional<std::filesystem::path>> peer_replication::prepare_handback(std::string node) {
    if (!promoted_) {
        refused_at_ = std::chrono::steady_clock::now();
        connects_at_refusal_ = receiver_->stats().connects;
        ++handback_.refused;
        log::info("replication", "reclaim_not_held").kv("peer", node).kv("note", "its replica was not promoted here");
        co_return std::nullopt;
    }
    // A promotion under way (its receiver stopping, the replica reopening)
    // finishes first: the copy is of the reopened store.
    boost::asio::steady_timer t{executor_};
    while (!reopened_) {
        t.expires_after(std::chrono::milliseconds(10));
        co_await t.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    handing_back_ = true;
    struct done_guard {
        bool& b;
        ~done_guard() { b = false; }
    } guard{handing_back_};
    if (!retired_) {
        log::info("replication", "handback_retiring").kv("peer", node);
        if (retire_) co_await retire_();
        retired_ = true;
    }
    auto& st = replica_->store();
    st.flush();
    auto copy = [](const store::message_store& s, std::filesystem::path p) -> boost::asio::awaitable<store::error_code> {
        co_return s.copy_to(p);
    };
    const auto ec = co_await boost::asio::co_spawn(copier_, copy(st, handback_file_), boost::asio::use_awaitable);
    if (ec) {
        log::warn("replication", "handback_copy_failed").kv("peer", node).kv("error", ec.message());
        co_return std::nullopt;
    }
    ++handback_.copies_sent;
    const auto s = st.get_stats();
    log::info("replication", "handback_copy").kv("peer", node).kv("messages", s.messages).kv("queued", s.queued)
        .kv("deliveries", s.deliveries);
    co_return handback_file_;
}

void peer_replication::release_promoted() {
    if (!promoted_) return;
    if (handing_back_) {
        // A copy of the replica is being taken for the peer: the replica
        // stays as it is until the peer adopted it (or says hello).
        log::info("replication", "replica_restore_deferred").kv("why", "a hand-back copy is being made");
        return;
    }
    promoted_ = retired_ = reopened_ = false;
    replica_->forget_position(executor_);
    restart_receiver();
    log::info("replication", "replica_restored").kv("note", "receiving the peer's store again, from a snapshot");
}

void peer_replication::restart_receiver() {
    // The old receiver stopped at the promotion (stop() returned): it can go.
    receiver_ = std::make_unique<receiver>(executor_, *replica_, receiver_cfg_);
    receiver_->start();
}

bool peer_replication::peer_returning(std::chrono::steady_clock::time_point now, std::chrono::milliseconds window) const {
    // Once our receiver connected to the peer's sender again, the replica
    // follows the store the peer runs now: promoting it is safe again.
    return refused_at_ && now - *refused_at_ < window && receiver_->stats().connects == connects_at_refusal_;
}

} // namespace twinsms::replication
