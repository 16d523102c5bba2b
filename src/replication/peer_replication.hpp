#pragma once
// Both directions of a node's replication, as the node runs them: the
// sender of this node's store to the peer, and the replica of the peer's
// store with the receiver that keeps it. Built from node.yaml's
// `replication:` (config/replication.hpp).
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/thread_pool.hpp>

#include "config/replication.hpp"
#include "replication/receiver.hpp"
#include "replication/sender.hpp"

namespace twinsms::replication {

class peer_replication {
public:
    // Opens the replica store (throws like message_store when it cannot).
    // `store_opt`: this node's store options; the replica uses the same
    // sizes at settings.replica_path.
    peer_replication(boost::asio::any_io_executor ex, store::message_store& own, const store::store_options& store_opt,
                     const config::replication_settings& settings, std::string node_id, sender::clock_fn now);
    ~peer_replication();

    // Listens for the peer's receiver and connects to the peer's sender.
    void start();
    // Returns once neither direction runs any more.
    boost::asio::awaitable<void> stop();
    // The peer is dead and this node took over: the stream from it ends,
    // and its replica becomes a store this node runs an engine over.
    // Returns that store (owned here); the sender keeps running, so the
    // peer catches up with this node's store when it returns.
    boost::asio::awaitable<store::message_store*> promote();
    bool promoted() const noexcept { return promoted_; }
    // Promoted and reopened: a copy of it can be handed back.
    bool holds_peer_store() const noexcept { return promoted_ && reopened_; }

    // Failback, the survivor's side (README "Failback"): the returning peer
    // asks for its store back (reclaim.hpp) before it opens it. `retire`
    // stops the engine this node runs over the promoted replica and returns
    // once nothing of it runs; then a copy of the replica goes to the peer.
    // Once the peer adopted it, the replica is a replica again: its
    // position is forgotten (the peer's store is the copy now, with its own
    // commit count) and a new receiver takes a snapshot from the peer.
    using retire_fn = std::function<boost::asio::awaitable<void>()>;
    void on_retire(retire_fn f) { retire_ = std::move(f); }
    // The promoted replica goes back to being a replica without a copy
    // going to the peer (a failback to a peer that never went away: it
    // kept its own store). The engine over it must be retired already.
    void release_promoted();
    // The peer asked for its store within `window` and this node did not
    // hold it, and our receiver has not streamed from it since: the peer is
    // back (restarted before this node declared it dead) on its own store,
    // so a takeover now must not promote the replica.
    bool peer_returning(std::chrono::steady_clock::time_point now, std::chrono::milliseconds window) const;
    struct handback_counters {
        std::uint64_t promotions = 0, copies_sent = 0, handbacks = 0, refused = 0;
    };
    const handback_counters& handback_stats() const noexcept { return handback_; }

    const sender& outgoing() const noexcept { return *sender_; }
    sender& outgoing() noexcept { return *sender_; }
    const receiver& incoming() const noexcept { return *receiver_; }
    replica& peer_replica() noexcept { return *replica_; }
    const replica& peer_replica() const noexcept { return *replica_; }

private:
    boost::asio::awaitable<std::optional<std::filesystem::path>> prepare_handback(std::string node);
    void restart_receiver();

    boost::asio::any_io_executor executor_;
    receiver_config receiver_cfg_;
    std::filesystem::path handback_file_;
    std::unique_ptr<sender> sender_;
    std::unique_ptr<replica> replica_;
    std::unique_ptr<receiver> receiver_;
    bool promoted_ = false, retired_ = false, reopened_ = false;
    bool handing_back_ = false; // prepare_handback() runs (the replica is being retired or copied)
    std::uint64_t connects_at_refusal_ = 0;
    retire_fn retire_;
    std::optional<std::chrono::steady_clock::time_point> refused_at_;
    handback_counters handback_;
    boost::asio::thread_pool copier_{1}; // the blocking copy of the replica
};

} // namespace twinsms::replication
