#pragma once
// One twinsms node: the store, the client listeners, the carrier links, the
// dispatcher and the deliveries, wired from a profile set. The engine
// (src/engine), the pair glue (src/pair) and the front doors
// (app/front_doors) are its parts; its member definitions are split by part:
// node.cpp (construction, start/stop, reload, housekeeping), node_pair.cpp,
// node_requests.cpp, node_receipts_and_mo.cpp, node_front_doors.cpp and
// node_tls.cpp. All on one
// io_context thread; the store's writer is the only other thread.
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/front_doors/webhook_sink.hpp"
#include "config/profiles.hpp"
#include "engine/carrier_pool.hpp"
#include "engine/message_engine.hpp"
#include "pair/cluster_member.hpp"
#include "pair/delivery_handoff.hpp"
#include "pair/peer_store_takeover.hpp"
#include "pair/peer_work_merge.hpp"
#include "replication/peer_replication.hpp"
#include "smpp/server/listener.hpp"
#include "store/message_store.hpp"

namespace twinsms::settings {
class profile_replicator;
}

namespace twinsms::app {

// The node wires the engine's and the pair glue's parts; their names are
// used unqualified in its files.
using engine::carrier_pool;
using engine::client_counters;
using engine::clock_fn;
using engine::deliveries_config;
using engine::delivery_manager;
using engine::delivery_sink;
using engine::dispatcher;
using engine::dispatcher_config;
using engine::engine_config;
using engine::engine_ports;
using engine::intake;
using engine::message_engine;
using engine::system_now;
using pair::cluster_member;
using pair::peer_handoff;

class smtp_gateway;

// Engine timers not in node.yaml (tests shorten them). Retry and validity
// come from node.yaml's delivery settings.
struct node_tuning {
    dispatcher_config dispatch{};
    deliveries_config deliveries{};
    // Sweep of expired receipt mappings and of history past log_retention,
    // and the periodic stats line.
    std::chrono::milliseconds housekeeping{60'000};
    // How often the store's mapped file pages are released (RSS stays the
    // node's own memory, not the store's size).
    std::chrono::milliseconds release_pages{1'000};
};

class node {
public:
    // Opens the store; throws (with the path and reason) when it cannot.
    node(boost::asio::io_context& io, config::profile_set profiles, node_tuning tuning = {},
         clock_fn now = system_now);
    ~node();

    // Listens and connects; throws boost::system::system_error if an address is unusable.
    void start();
    // Graceful: clients are unbound (their in-progress submits answered
    // first), carriers unbound, the store flushed.
    boost::asio::awaitable<void> stop();
    // Applies a new, already validated profile set without dropping what did
    // not change. The node's own settings (listen addresses, store) need a
    // restart and are kept; a change to them is logged.
    void apply(config::profile_set profiles);

    const config::profile_set& profiles() const noexcept { return profiles_; }
    std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;     // every SMPP listener, listen_tls last
    std::vector<boost::asio::ip::tcp::endpoint> tls_endpoints() const; // the listen_tls ones
    std::uint64_t smpp_tls_failures() const; // failed handshakes on the listen_tls listeners
    // notAfter (Unix seconds) of the certificate the listen_tls listeners present; none when plain.
    std::optional<std::int64_t> smpp_certificate_expiry() const;
    // The engine over this node's store.
    const message_engine& engine() const noexcept { return *engine_; }
    // The engine over the dead peer's replica after a takeover (node.replication); nullptr before.
    const message_engine* peer_engine() const noexcept { return peer_store_ ? peer_store_->engine() : nullptr; }
    // The promoted replica's life (promotion, its epoch, retirement at failback); nullptr without replication.
    const pair::peer_store_takeover* peer_store() const noexcept { return peer_store_.get(); }
    const pair::peer_work_merge* work_merge() const noexcept { return work_merge_.get(); }
    const dispatcher& dispatch() const noexcept { return engine_->dispatch(); }
    const delivery_manager& deliveries() const noexcept { return engine_->deliveries(); }
    const intake& intake_stats() const noexcept { return engine_->submissions(); }
    // Submissions from other front doors (the HTTP send API, node_http.hpp).
    intake& submissions() noexcept { return engine_->submissions(); }
    const clock_fn& clock() const noexcept { return now_; }
    // The SMTP listener (email to SMS, front_doors/smtp_gateway.hpp); nullptr without node.smtp.
    smtp_gateway* smtp() noexcept { return smtp_.get(); }
    store::message_store& message_store() noexcept { return *store_; }
    // The clients' credit balances (this node's store).
    engine::credit_book& credit() noexcept { return engine_->credits(); }
    carrier_pool& carriers() noexcept { return *carriers_; }
    // nullptr without a cluster section.
    cluster_member* cluster() noexcept { return cluster_.get(); }
    const cluster_member* cluster() const noexcept { return cluster_.get(); }
    // nullptr unless node.replication is on.
    const replication::peer_replication* replication() const noexcept { return replication_.get(); }
    // Settings replication (src/settings; node.replication.profiles, in a pair
    // with cluster.secret): `dir` is the folder the profiles came from and
    // `reload` re-reads and applies it (SIGHUP's path). Before start(); does
    // nothing when not configured. profile_replication(): nullptr then.
    void replicate_profiles(std::filesystem::path dir, std::function<std::string()> reload);
    const settings::profile_replicator* profile_replication() const noexcept { return settings_.get(); }
    // Failed logins at every door of the node (SMPP listeners, admin and API
    // tokens, sendsms, SMTP AUTH): one guard, so each door and listener sees
    // the others' failures (node.auth_guard in node.yaml).
    guard::credential_guard& login_guard() noexcept { return *guard_; }
    const guard::credential_guard& login_guard() const noexcept { return *guard_; }

    // Whether a profile is served now: its configured state, what the
    // cluster decided (takeover, fencing, overflow), and an operator's
    // activate/deactivate until the next cluster transition.
    bool serves(const config::client_profile& c) const;
    bool serves(const config::carrier_profile& c) const;
    bool guarded(const config::carrier_profile& c) const; // witness: bound only with the key
    // Operator activate/deactivate; false when there is no such profile.
    bool set_override(std::string_view profile, bool active);
    // Bound sessions of a client account, over all listeners.
    std::vector<std::shared_ptr<smpp::session>> sessions_of(std::string_view system_id) const;
    // Alerts (cluster events) as SMS: stored and routed like a client's
    // submit, so it goes out through whatever carrier works now.
    void send_internal_sms(const std::string& to, const std::string& from, const std::string& text);
    using event_fn = std::function<void(const cluster::cluster_event&)>;
    void on_cluster_event(event_fn f) { on_cluster_event_ = std::move(f); }

    // The pair's traffic; what carriers sent is the engine's (engine().stats()).
    struct counters {
        std::uint64_t receipts_forwarded = 0, receipts_from_peer = 0; // handed across the pair
        std::uint64_t receipts_not_forwarded = 0;                     // did not encode (stored_bytes)
        // Client deliveries the other node handed to us (committed here), and
        // those refused: not served here either, or a duplicate receipt.
        std::uint64_t deliveries_from_peer = 0, deliveries_from_peer_refused = 0, deliveries_from_peer_duplicates = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    void on_carrier_deliver(const std::string& carrier, const smpp::pdu& req, smpp::responder r);
    // Receipts for the other node's messages, stored and delivered to it
    // over the peer link as peer_forward (node_receipts_and_mo.cpp).
    static constexpr std::string_view peer_forward_account = "twinsms-peer";
    void forward_receipt(const std::string& carrier, const std::vector<std::uint8_t>& bytes, dispatcher::status_fn done);
    void on_peer_forward(const smpp::pdu& req, smpp::responder r);
    // delivery_handoff.hpp: deliveries for clients the other node serves now.
    void on_handed_delivery(cluster::handed_delivery h, smpp::responder r);
    bool send_to_peer(const smpp::pdu& req, peer_handoff::response_fn f);
    bool peer_link_bound() const;
    const config::client_profile* client_of(std::string_view system_id) const;
    // Whether a delivery for `c` handed over by the peer is taken here.
    bool takes_handoff(const config::client_profile& c) const;
    // What the store holds for clients not served here goes to the peer now.
    void hand_off_unserved();
    std::shared_ptr<const smpp::account_table> accounts() const;
    std::string profile_of(std::string_view system_id) const;
    std::vector<std::shared_ptr<smpp::session>> receivers_of(std::string_view system_id) const;
    void log_summary() const;
    // node_tls.cpp: new TLS connections use the certificate files as they are now.
    void reload_tls(const std::optional<tls::server_settings>& settings);
    boost::asio::awaitable<void> housekeeping();
    void log_stats() const;
    // node_pair.cpp (on_client_request: node_requests.cpp)
    void start_cluster();
    void apply_serving(const cluster::serving& s);
    void refresh_profiles();
    bool released();
    // Before the store opens: the store back from the peer if it ran it
    // while this node was away (node_pair.cpp, replication/reclaim.hpp).
    void reclaim_store(const store::store_options& so);
    // Both directions of replication; sync degrading to local-only and
    // back is alerted like a cluster transition (node_pair.cpp).
    void start_replication();
    void make_peer_store();
    engine_ports make_ports();
    std::uint32_t carrier_queue() const;
    void on_client_request(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    void start_smtp(); // node_front_doors.cpp
    // node_front_doors.cpp: one sink per served client with a webhook.
    void refresh_webhooks();
    std::shared_ptr<delivery_sink> sink_of(std::string_view system_id) const;

    boost::asio::io_context& io_;
    config::profile_set profiles_;
    clock_fn now_;
    std::unique_ptr<store::message_store> store_;
    std::shared_ptr<route::route_table> routes_;
    std::unique_ptr<carrier_pool> carriers_;
    std::unique_ptr<message_engine> engine_;
    engine_config engine_cfg_;
    store::store_options store_options_;
    std::unique_ptr<pair::peer_store_takeover> peer_store_; // the dead peer's promoted replica (node.replication)
    std::unique_ptr<pair::peer_work_merge> work_merge_;     // our store's run on the peer, merged back (node.replication)
    message_engine* peer_engine_now() noexcept { return peer_store_ ? peer_store_->engine() : nullptr; }
    std::unique_ptr<webhook::poster> poster_;
    std::map<std::string, std::shared_ptr<webhook_sink>, std::less<>> webhooks_; // by system_id
    std::shared_ptr<peer_handoff> handoff_; // in a pair
    std::shared_ptr<guard::credential_guard> guard_;
    std::vector<std::unique_ptr<smpp::client_listener>> listeners_;
    std::chrono::milliseconds housekeeping_every_, release_every_;
    boost::asio::steady_timer housekeeping_timer_;
    bool stopping_ = false;
    counters stats_;
    std::unique_ptr<cluster_member> cluster_;
    std::unique_ptr<replication::peer_replication> replication_;
    std::optional<cluster::serving> serving_; // the cluster's decision; none without a cluster
    std::map<std::string, bool, std::less<>> overrides_;
    event_fn on_cluster_event_;
    std::unique_ptr<settings::profile_replicator> settings_;
    std::unique_ptr<smtp_gateway> smtp_; // last: it uses the intake and the routes
};

} // namespace twinsms::app
