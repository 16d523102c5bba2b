#pragma once
// The dead peer's store on the survivor (node.replication): after a
// takeover from a peer declared dead, its replica is promoted and a second
// message engine runs over it; at failback that engine is retired before a
// copy of the replica goes back to the peer (replication/reclaim.hpp), and
// the replica becomes a replica again. Repeats every round: a later
// takeover promotes afresh.
//
// Protocol (README "Failback"), the survivor's side:
//   1. took over, peer dead, the takeover's epoch committed (with a
//      witness: the key's revision, the fencing token) -> promote: the
//      receiver stops, the replica reopens as a store, the engine starts.
//      The epoch is recorded with the promotion (log, status).
//   2. the returning peer, before opening its store, asks for it back ->
//      retire: receipts go to the peer from now on (forwarded, stored here
//      until its link is up), the engine stops, and the retirement waits
//      until its carrier attempts and deliveries in flight are answered
//      and committed. Only then is the copy taken: it holds every send
//      made here, so the peer sends none of them again.
//   3. the peer adopted the copy (or its receiver says hello) -> the
//      replica forgets its position and receives again from a snapshot.
//   The clients and carriers go back with the ordinary failback (the
//   peer is fenced until this node hands back), after step 2: the peer
//   serves nothing before its store is the copy.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "cluster/peer_report.hpp"
#include "engine/message_engine.hpp"
#include "replication/peer_replication.hpp"

namespace twinsms::pair {

class peer_store_takeover {
public:
    using make_engine_fn = std::function<std::unique_ptr<engine::message_engine>(store::message_store&)>;
    // The engine runs: the node tells it which clients are bound already.
    using started_fn = std::function<void(engine::message_engine&)>;
    // `returning_window`: a peer that asked for its store this recently
    // (and was told it is not held) restarted before it was declared dead:
    // a takeover then leaves its store with it.
    peer_store_takeover(boost::asio::any_io_executor ex, replication::peer_replication& r, make_engine_fn make,
                        started_fn started, std::string node, std::string peer,
                        std::chrono::milliseconds returning_window);
    ~peer_store_takeover();

    // Step 1; `epoch`: the committed takeover epoch (the witness revision
    // when a witness is configured).
    void promote(std::uint32_t epoch);
    // A failback to a peer that did not restart (it was stalled or fenced
    // behind a partition, so it kept its store open): the engine stops and
    // the replica is held, with what it did for the peer, until the peer
    // fetched a copy and merged it into its running store
    // (pair/peer_work_merge.hpp); then it goes back to being a replica. One
    // never fetched is given up after `hold_limit` (logged: what was done
    // for the peer is lost to it, sends repeat).
    void release();
    // What this node tells the peer (peer_report::holding): fetch your store
    // from me. While the peer runs fenced (it is there and knows it is
    // not serving) or once this node released it.
    bool offers_store(std::optional<cluster::node_mode> peer_mode) const noexcept;
    static constexpr std::chrono::minutes hold_limit{10};
    // Stops the engine (node shutdown).
    void stop();

    // The engine over the promoted replica; nullptr when none runs.
    engine::message_engine* engine() noexcept { return engine_.get(); }
    const engine::message_engine* engine() const noexcept { return engine_.get(); }
    struct status {
        bool promoted = false;            // an engine runs over the peer's replica
        std::uint32_t epoch = 0;          // of the last promotion (its fencing token)
        std::uint64_t promotions = 0, retirements = 0, not_promoted_returning = 0;
        std::uint64_t retired_busy = 0;   // attempts still unanswered when the retirement gave up waiting
        bool held = false;                // released, waiting for the peer to fetch its copy
        std::uint64_t holds_given_up = 0; // not fetched within hold_limit
    };
    const status& state() const noexcept { return status_; }
    // Released and still waiting for the peer to fetch it (status::held
    // outlives a fetch until the hold's deadline; this does not).
    bool holding() const noexcept { return status_.held && !engine_ && replication_.promoted(); }

private:
    boost::asio::awaitable<void> retire();
    void hold();

    boost::asio::any_io_executor executor_;
    replication::peer_replication& replication_;
    make_engine_fn make_;
    started_fn started_;
    std::string node_, peer_;
    std::chrono::milliseconds returning_window_;
    std::unique_ptr<engine::message_engine> engine_;
    bool promoting_ = false, retire_requested_ = false, stopping_ = false;
    status status_;
    boost::asio::steady_timer hold_timer_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace twinsms::pair
