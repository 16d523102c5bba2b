// Part of class node (node.hpp): construction (the engine, the pair glue
// and the front doors wired from the profile set), start, stop, reload
// (apply) and housekeeping.
#include "app/node.hpp"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "app/front_doors/smtp_gateway.hpp"
#include "route/parts.hpp"
#include "settings/profile_replicator.hpp"
#include "util/log.hpp"

namespace twinsms::app {
namespace {

store::store_options store_options_of(const config::store_settings& s, config::node_role role) {
    store::store_options o;
    // Ids of the pair's secondary start at 1 << 60 (16 hex digits starting
    // with 1): a client that moves with a takeover never sees an id twice.
    if (role == config::node_role::secondary) o.message_id_base = std::uint64_t{1} << 60;
    o.path = s.path;
    o.map_size = s.map_size_mb * 1024 * 1024;
    o.sync = s.mode == config::durability::sync;
    o.max_map_size = s.max_map_size_mb * 1024 * 1024;
    return o;
}

// Throughput limits count SMS, not requests: a long message_payload is
// several parts on the air, a submit_multi one per destination.
double submission_cost(const smpp::pdu& p) {
    if (auto* s = p.as<smpp::submit_sm>()) return route::count_parts(*s);
    if (auto* d = p.as<smpp::data_sm>()) return route::count_parts(*d);
    if (auto* m = p.as<smpp::submit_multi>()) return std::max<std::size_t>(1, m->dests.size());
    return 1;
}

} // namespace

node::node(boost::asio::io_context& io, config::profile_set profiles, node_tuning tuning, clock_fn now)
    : io_{io}, profiles_{std::move(profiles)}, now_{std::move(now)}, housekeeping_every_{tuning.housekeeping}, release_every_{tuning.release_pages},
      housekeeping_timer_{io} {
    guard_ = std::make_shared<guard::credential_guard>(profiles_.node.auth_guard);
    const auto ex = io_.get_executor();
    const auto so = store_options_ = store_options_of(profiles_.node.store, profiles_.node.role);
    // Failback catch-up (replication/reclaim.hpp): if the peer took this
    // node over and ran its store meanwhile, that store comes back first.
    if (profiles_.node.replication.mode != config::replication_mode::off) reclaim_store(so);
    store_ = std::make_unique<store::message_store>(so);
    // Before anything writes: the sender's stream starts at the store's
    // last commit, and what came before reaches the peer as a snapshot.
    if (profiles_.node.replication.mode != config::replication_mode::off)
        replication_ = std::make_unique<replication::peer_replication>(ex, *store_, so, profiles_.node.replication,
                                                                       profiles_.node.id, now_);
    routes_ = std::make_shared<route::route_table>(profiles_);
    if (replication_) make_peer_store(); // node_pair.cpp
    carriers_ = std::make_unique<carrier_pool>(
        ex, [this](const std::string& c, const smpp::pdu& p, smpp::responder r) { on_carrier_deliver(c, p, std::move(r)); },
        [this] {
            if (!engine_) return;
            engine_->dispatch().links_changed();
            if (peer_engine_now()) peer_engine_now()->dispatch().links_changed();
            // The peer link came up: receipts waiting for the peer, and
            // deliveries for clients it serves now, go out.
            if (const auto* p = profiles_.peer_carrier(); p && carriers_ && carriers_->bound_link(p->name)) {
                engine_->deliveries().on_bound(std::string{peer_forward_account});
                hand_off_unserved();
            }
        });
    poster_ = std::make_unique<webhook::poster>(ex);
    if (profiles_.node.cluster.enabled)
        handoff_ = std::make_shared<peer_handoff>(ex, [this](const smpp::pdu& p, peer_handoff::response_fn f) {
            return send_to_peer(p, std::move(f));
        });
    auto& ec = engine_cfg_;
    ec.dispatch = tuning.dispatch;
    ec.dispatch.receipt_map_ttl = profiles_.node.store.receipt_map_ttl;
    const auto& dv = profiles_.node.delivery;
    ec.dispatch.retry = {dv.retry_initial, dv.retry_max, dv.max_attempts, dv.default_validity};
    ec.dispatch.max_backlog = dv.max_backlog;
    ec.deliveries = tuning.deliveries;
    ec.client_delivery_ttl = dv.client_delivery_ttl;
    engine_ = std::make_unique<message_engine>(ex, *store_, *carriers_, routes_, route::mo_router{profiles_.mo_routes},
                                               ec, make_ports(), now_);
}

engine_ports node::make_ports() {
    engine_ports ports;
    ports.receivers = [this](std::string_view a) { return receivers_of(a); };
    ports.sink = [this](std::string_view a) { return sink_of(a); };
    ports.profile_of = [this](std::string_view id) { return profile_of(id); };
    // Profiles are looked up when the MO comes: a reload changes them.
    ports.account_of = [this](std::string_view profile) -> const smpp::client_account* {
        const auto* p = profiles_.client(profile);
        return p ? &p->account : nullptr;
    };
    // query_sm after a takeover: the dead peer's messages are in its promoted replica.
    ports.find_elsewhere = [this](store::message_id id, std::string_view account) -> std::optional<store::message> {
        if (auto* pe = peer_engine_now()) return pe->dispatch().find(id, account);
        return std::nullopt;
    };
    if (replication_)
        ports.mapped_elsewhere = [this](std::string_view carrier, std::string_view carrier_id) {
            // The peer's replica (or, promoted, its store): an exact mapping there.
            const auto& st = replication_->peer_replica().store();
            const auto id = st.find_receipt(carrier, carrier_id, now_());
            const auto m = id ? st.get(*id) : std::nullopt;
            if (!m || m->carrier != carrier || m->carrier_message_id.size() != carrier_id.size()) return false;
            for (std::size_t i = 0; i < carrier_id.size(); ++i)
                if (std::tolower(static_cast<unsigned char>(m->carrier_message_id[i])) != carrier_id[i]) return false;
            return true;
        };
    if (replication_ && profiles_.node.replication.mode == config::replication_mode::sync)
        ports.replicated = [this](std::function<void()> f) { replication_->outgoing().when_replicated(std::move(f)); };
    return ports;
}

node::~node() = default;

std::shared_ptr<const smpp::account_table> node::accounts() const {
    std::vector<smpp::client_account> v;
    for (const auto& c : profiles_.clients) {
        v.push_back(c.account);
        v.back().active = serves(c);
    }
    return std::make_shared<smpp::account_table>(std::move(v));
}

std::string node::profile_of(std::string_view system_id) const {
    for (const auto& c : profiles_.clients)
        if (c.account.system_id == system_id) return c.name;
    return std::string{system_id};
}

std::vector<std::shared_ptr<smpp::session>> node::receivers_of(std::string_view system_id) const {
    std::vector<std::shared_ptr<smpp::session>> out;
    if (system_id == peer_forward_account) {
        if (const auto* pc = profiles_.peer_carrier()) {
            if (auto* link = carriers_->bound_link(pc->name))
                if (auto s = link->bound_session()) out.push_back(std::move(s));
            return out;
        }
        if (const auto* p = profiles_.peer_client()) return receivers_of(p->account.system_id);
        return out;
    }
    // A client served by the other node gets its MO and receipts there:
    // they are handed over the peer link (sink_of, delivery_handoff.hpp).
    for (const auto& l : listeners_) {
        auto r = l->receivers_of(system_id);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

void node::start() {
    const auto ex = io_.get_executor();
    auto table = accounts();
    auto endpoints = profiles_.node.listen;
    // The primary takes the secondary's second-path heartbeat on an extra
    // address (another interface).
    if (profiles_.node.cluster.second_path && profiles_.node.role == config::node_role::primary)
        endpoints.push_back(*profiles_.node.cluster.second_path);
    // SMPP over TLS on listen_tls, after the plain ones (endpoints() keeps its order).
    const std::size_t plain = endpoints.size();
    endpoints.insert(endpoints.end(), profiles_.node.listen_tls.begin(), profiles_.node.listen_tls.end());
    std::shared_ptr<boost::asio::ssl::context> tls_ctx;
    if (profiles_.node.tls && plain < endpoints.size()) tls_ctx = tls::server_context(*profiles_.node.tls);
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        const auto& ep = endpoints[i];
        smpp::listener_config lc;
        lc.endpoint = ep;
        lc.session = profiles_.node.client_session;
        if (lc.session.name.empty()) lc.session.name = "client";
        lc.cost = submission_cost;
        lc.on_throttled = [this](const smpp::client_account& a) { engine_->submissions().count_throttled(a.system_id); };
        lc.max_connections = profiles_.node.max_connections;
        lc.guard = guard_;
        if (i >= plain) {
            lc.tls = tls_ctx;
            lc.handshake_timeout = profiles_.node.tls->handshake_timeout;
        }
        auto l = std::make_unique<smpp::client_listener>(
            ex, lc, table, [this](smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
                on_client_request(s, a, req);
            });
        l->on_bound_session([this](smpp::session& s, const smpp::client_account& a) {
            const auto* peer = profiles_.peer_client();
            const bool is_peer = peer && peer->account.system_id == a.system_id;
            // Both sides of the peer link (and its second path) probe at the
            // cluster's pace, not at the client sessions' 30 s.
            if (is_peer)
                s.set_keepalive({profiles_.node.cluster.keepalive_interval, profiles_.node.cluster.keepalive_misses, {}});
            if (s.state() != smpp::bind_state::bound_rx && s.state() != smpp::bind_state::bound_trx) return;
            engine_->deliveries().on_bound(a.system_id);
            if (auto* pe = peer_engine_now()) pe->deliveries().on_bound(a.system_id); // the dead peer's client's
            // The peer link carries what waits for the secondary's clients.
            if (is_peer) {
                engine_->deliveries().on_bound(std::string{peer_forward_account});
                hand_off_unserved();
            }
        });
        try {
            l->start();
        } catch (const boost::system::system_error& e) {
            // Name the address (there may be several) and keep Boost's source location out.
            throw std::runtime_error("cannot listen on " + ep.address().to_string() + ":" + std::to_string(ep.port()) +
                                     ": " + e.code().message());
        }
        log::info("node", "listening").kv("node", profiles_.node.id).kv("address", l->local_endpoint().address().to_string())
            .kv("port", l->local_endpoint().port()).kv("tls", l->secure() ? "on" : "off");
        listeners_.push_back(std::move(l));
    }
    start_smtp();
    if (replication_) start_replication();
    if (profiles_.node.cluster.enabled) start_cluster(); // serves nothing until the pair decides
    else refresh_profiles();
    engine_->start();
    boost::asio::co_spawn(io_, housekeeping(), boost::asio::detached);
    log_summary();
}

boost::asio::awaitable<void> node::housekeeping() {
    auto next_sweep = std::chrono::steady_clock::now() + housekeeping_every_;
    while (!stopping_) {
        housekeeping_timer_.expires_after(std::min(release_every_, housekeeping_every_));
        co_await housekeeping_timer_.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (stopping_) break;
        store_->release_mapped_pages();
        if (std::chrono::steady_clock::now() < next_sweep) continue;
        next_sweep = std::chrono::steady_clock::now() + housekeeping_every_;
        const auto now = now_();
        // Bounded per round so a large backlog of expired entries never
        // holds the writer for long; the next round takes the rest.
        auto b = store_->sweep(now, now - profiles_.node.store.log_retention.count(), 10'000);
        if (!b.empty()) {
            const auto ops = b.ops().size();
            store_->write(std::move(b), io_.get_executor(), [ops](const store::error_code& ec) {
                if (ec) log::warn("node", "sweep_failed").kv("error", ec.message());
                else log::info("node", "swept").kv("ops", ops);
            });
        }
        log_stats();
    }
}

void node::log_stats() const {
    const auto st = store_->get_stats();
    const auto& d = engine_->dispatch().stats();
    const auto& in = engine_->submissions().stats();
    const auto& from_carriers = engine_->stats();
    log::info("node", "stats").kv("node", profiles_.node.id).kv("accepted", in.accepted)
        .kv("refused", in.refused).kv("submitted", d.submitted).kv("retries", d.retries)
        .kv("finished", d.finished).kv("receipts", d.receipts).kv("unknown_receipts", d.unknown_receipts)
        .kv("in_memory", engine_->dispatch().in_memory()).kv("parked", engine_->dispatch().parked())
        .kv("stored_messages", st.messages).kv("queued", st.queued).kv("deliveries", st.deliveries)
        .kv("map_used_mb", st.map_used >> 20).kv("map_size_mb", st.map_size >> 20)
        .kv("commit_failures", st.commit_failures).kv("mo", from_carriers.mo_received)
        .kv("mo_unrouted", from_carriers.mo_unrouted);
}

boost::asio::awaitable<void> node::stop() {
    log::info("node", "stopping").kv("node", profiles_.node.id);
    stopping_ = true;
    housekeeping_timer_.cancel();
    if (cluster_) co_await cluster_->stop();
    for (auto& l : listeners_) co_await l->stop();
    if (smtp_) co_await smtp_->stop();
    engine_->stop();
    if (peer_store_) peer_store_->stop();
    if (work_merge_) work_merge_->stop();
    poster_->stop(); // what is unanswered stays stored, sent again after a restart
    co_await carriers_->stop();
    store_->flush(); // the last changes go to the sender's buffer
    if (replication_) co_await replication_->stop();
    log_stats();
    log::info("node", "stopped").kv("node", profiles_.node.id);
}

void node::apply(config::profile_set p) {
    if (p.node.listen != profiles_.node.listen || p.node.listen_tls != profiles_.node.listen_tls ||
        p.node.store.path != profiles_.node.store.path)
        log::warn("node", "reload_needs_restart").kv("what", "listen addresses or store path; kept as they were");
    reload_tls(p.node.tls);
    guard_->set_config(p.node.auth_guard);
    if (p.node.cluster.enabled != profiles_.node.cluster.enabled || p.node.role != profiles_.node.role)
        log::warn("node", "reload_needs_restart").kv("what", "role or cluster section; kept as they were");
    p.node.listen = profiles_.node.listen;
    p.node.listen_tls = profiles_.node.listen_tls;
    p.node.store = profiles_.node.store;
    p.node.replication = profiles_.node.replication;
    // The pair's settings (the detector's budget, peer identity) are the
    // running cluster member's; they change with a restart.
    p.node.cluster = profiles_.node.cluster;
    p.node.role = profiles_.node.role;
    profiles_ = std::move(p);
    routes_ = std::make_shared<route::route_table>(profiles_);
    engine_->set_routes(routes_, route::mo_router{profiles_.mo_routes});
    if (peer_engine_now()) peer_engine_now()->set_routes(routes_, route::mo_router{profiles_.mo_routes});
    if (smtp_) smtp_->apply(profiles_);
    refresh_profiles();
    log_summary();
    if (settings_) settings_->on_reloaded(); // a changed shared profile goes to the peer
}

static_assert(settings::tag::report_sequence == cluster::peer_tag::sequence);

void node::replicate_profiles(std::filesystem::path dir, std::function<std::string()> reload) {
    const auto& n = profiles_.node;
    if (!n.cluster.enabled || !n.replication.profiles.any() || n.cluster.secret.empty()) return;
    settings::profile_replicator::options o;
    o.dir = std::move(dir);
    o.kinds = n.replication.profiles;
    o.base_file = n.store.path.string() + ".profiles-agreed"; // node-local, beside the store
    o.secret = n.cluster.secret;
    settings::profile_replicator::host h;
    h.reload = std::move(reload);
    h.on_event = [this](const settings::sync_event& e) {
        if (e.result == settings::outcome::conflict && on_cluster_event_)
            on_cluster_event_({cluster::event_kind::profile_conflict, e.profile + ": " + e.detail});
    };
    settings_ = std::make_unique<settings::profile_replicator>(io_.get_executor(), std::move(o), std::move(h));
    settings_->on_reloaded();
}

void node::log_summary() const {
    std::size_t active_clients = 0, active_carriers = 0;
    for (const auto& c : profiles_.clients) active_clients += c.state == config::profile_state::active;
    for (const auto& c : profiles_.carriers) active_carriers += c.state == config::profile_state::active;
    log::info("node", "profiles").kv("node", profiles_.node.id).kv("clients", profiles_.clients.size())
        .kv("active_clients", active_clients).kv("carriers", profiles_.carriers.size())
        .kv("active_carriers", active_carriers).kv("routes", profiles_.routes.size())
        .kv("mo_routes", profiles_.mo_routes.size());
}

} // namespace twinsms::app
