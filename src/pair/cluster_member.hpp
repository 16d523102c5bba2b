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
#include "config/profiles.hpp"
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

private:
    void on_deliver(smpp::carrier_client&, const smpp::pdu& req, smpp::responder r) override;
    boost::asio::awaitable<void> run();
    void tick();
    void gather(cluster::clock::time_point now);
    void send_report();
    void on_report(const smpp::tlv_list& tlvs);
    void settle(); // apply what the controller decided
    void persist_epoch(std::uint32_t e);
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
};

} // namespace twinsms::pair
