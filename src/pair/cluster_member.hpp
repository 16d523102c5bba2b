#pragma once
// This node's membership in the two-site pair: wires the peer link and the
// second heartbeat path to the failure detector and the controller (pure
// code in src/cluster), exchanges peer_status reports, and tells the node
// what to serve. Decisions stay in the controller; this only moves evidence
// in and actions out, on the node's io_context thread.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "engine/carrier_pool.hpp"
#include "cluster/controller.hpp"
#include "cluster/peer_auth.hpp"
#include "config/profiles.hpp"
#include "pair/witness_link.hpp"
#include "smpp/session/responder.hpp"
#include "store/message_store.hpp"

namespace twinsms::pair {

class cluster_member final : public smpp::carrier_handler {
public:
    struct host {
        std::function<void(const cluster::serving&)> apply;      // serve this now
        std::function<bool()> released;                          // what apply() stopped is gone
        std::function<std::uint32_t()> carrier_queue;            // messages waiting for carriers
        // Primary: the peer account's bound sessions (link: trx, second path: tx).
        std::function<std::vector<std::shared_ptr<smpp::session>>()> peer_sessions;
        std::function<void(const cluster::cluster_event&)> on_event; // alerts
        // Witness: a link of a carrier the key guards is still bound or
        // unbinding (the key is given back only after it is gone).
        std::function<bool()> guarded_busy;
        // Optional: more TLVs on every peer_status this node sends (settings
        // replication; `request`: our report, not an answer), and the peer's
        // report once it passed authentic().
        std::function<void(smpp::tlv_list&, bool request)> extend_report;
        std::function<void(const smpp::tlv_list&)> on_peer_report;
        // Optional (node.replication): we hold the peer's store with work
        // done for it, say so (peer_report::holding); the peer says it holds ours.
        std::function<bool()> holding_peer_store;
        std::function<void()> peer_holds_our_store;
    };

    cluster_member(boost::asio::any_io_executor ex, const config::profile_set& p, store::message_store& st,
                   engine::carrier_pool& pool, host h);
    ~cluster_member() override;

    void start();
    boost::asio::awaitable<void> stop();

    // A peer_status request: from the peer account's session (primary) or
    // over the peer carrier link (secondary).
    void on_peer_status(smpp::session& s, const smpp::pdu& req);
    void on_peer_status(const smpp::pdu& req, smpp::responder r);

    // Operator commands: empty on success, else why not.
    std::string command(std::string_view verb);

    const cluster::controller& state() const noexcept { return controller_; }
    struct path_view {
        bool configured = false, connected = false;
        std::optional<std::chrono::milliseconds> heard_ago;
    };
    path_view link() const;
    path_view second_path() const;
    // When peer loss was detected and when the takeover's profiles were
    // applied (the takeover time the bench and tests print).
    std::optional<std::chrono::milliseconds> last_takeover_apply() const noexcept { return takeover_apply_; }
    // node.cluster.witness, when configured.
    const witness_link* witness() const noexcept { return witness_.get(); }
    // The epoch acted on is the one in the store (false while it is written or after a failed write).
    bool epoch_committed() const noexcept { return persisted_epoch_ == controller_.epoch(); }

private:
    void on_deliver(smpp::carrier_client&, const smpp::pdu& req, smpp::responder r) override;
    boost::asio::awaitable<void> run();
    void tick();
    void gather(cluster::clock::time_point now);
    void send_report();
    void on_report(const smpp::tlv_list& tlvs);
    void settle(); // apply what the controller decided
    void persist_epoch(std::uint32_t e);
    // cluster_member_guard.cpp: the witness and the epoch gate what settle() applies.
    bool wants_key() const;
    void step_witness(cluster::clock::time_point now);
    cluster::serving gated(cluster::serving s, cluster::clock::time_point now) const;
    smpp::tlv_list signed_report(const cluster::peer_report& r, std::string& scratch, bool request = false);
    cluster::peer_report current_report() const; // what the node acts on: no epoch before it is stored
    bool authentic(const smpp::tlv_list& tlvs, const cluster::peer_report& r);
    void run_hook(cluster::node_mode from, cluster::node_mode to);

    boost::asio::any_io_executor executor_;
    std::string node_id_, peer_id_;
    bool primary_;
    config::cluster_settings cfg_;
    std::string peer_carrier_, peer_account_;
    store::message_store& store_;
    engine::carrier_pool& pool_;
    host host_;
    cluster::failure_detector detector_;
    cluster::controller controller_;
    std::shared_ptr<smpp::carrier_client> second_; // secondary: heartbeat to the primary's second address
    bool link_connected_ = false, second_connected_ = false;
    std::optional<cluster::serving> applied_;
    cluster::node_mode applied_mode_;
    std::uint32_t persisted_epoch_ = 0;
    cluster::clock::time_point next_report_{};
    std::optional<cluster::clock::time_point> dead_at_, releasing_since_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0); // response handlers check it
    std::optional<std::chrono::milliseconds> takeover_apply_;
    boost::asio::steady_timer timer_;
    bool stopping_ = false;
    std::unique_ptr<witness_link> witness_;
    bool epoch_writing_ = false;
    cluster::clock::time_point epoch_retry_at_{};
    cluster::sequencer sequence_;   // our peer_status sequence numbers (with cluster.secret)
    cluster::replay_guard replay_;  // the peer's
};

} // namespace twinsms::pair
