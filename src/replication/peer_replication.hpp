#pragma once
// Both directions of a node's replication, as the node runs them: the
// sender of this node's store to the peer, and the replica of the peer's
// store with the receiver that keeps it. Built from node.yaml's
// `replication:` (config/replication.hpp).
#include <memory>
#include <optional>
#include <string>

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

    const sender& outgoing() const noexcept { return *sender_; }
    const receiver& incoming() const noexcept { return *receiver_; }
    replica& peer_replica() noexcept { return *replica_; }
    const replica& peer_replica() const noexcept { return *replica_; }

private:
    std::unique_ptr<sender> sender_;
    std::unique_ptr<replica> replica_;
    std::unique_ptr<receiver> receiver_;
    bool promoted_ = false;
};

} // namespace twinsms::replication
