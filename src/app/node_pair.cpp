// Part of class node (node.hpp): the node's side of the pair. Which
// profiles it serves (configured state, the cluster's decision, operator
// overrides), applying that to listeners and carrier links, the peer link
// (sending to the peer, handing off deliveries for clients served there),
// and starting the cluster_member (src/pair) with the node as its host.
#include "app/node.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "settings/profile_replicator.hpp"
#include "replication/reclaim.hpp"
#include "util/log.hpp"

namespace twinsms::app {

bool node::serves(const config::client_profile& c) const {
    if (c.peer) return true; // the peer link is needed in every mode
    if (auto o = overrides_.find(c.name); o != overrides_.end()) return o->second;
    const bool configured = c.state == config::profile_state::active;
    if (!serving_) return configured;
    return configured ? serving_->home_clients : serving_->peer_profiles;
}

// The carriers the witness key guards (cluster_member::wants_key): all of
// the primary's; on the secondary the primary's (passive there), not its
// own nor overflow carriers.
bool node::guarded(const config::carrier_profile& c) const {
    if (c.peer || !profiles_.node.cluster.witness) return false;
    if (profiles_.node.role == config::node_role::primary) return true;
    return c.state == config::profile_state::passive && !c.overflow;
}

bool node::serves(const config::carrier_profile& c) const {
    if (c.peer) return true;
    // Not even an operator's activate binds a guarded carrier without the key.
    if (serving_ && !serving_->guarded_carriers && guarded(c)) return false;
    if (auto o = overrides_.find(c.name); o != overrides_.end()) return o->second;
    const bool configured = c.state == config::profile_state::active;
    if (!serving_) return configured && !guarded(c);
    if (configured) return serving_->home_carriers;
    return serving_->peer_profiles || (c.overflow && serving_->overflow);
}

bool node::set_override(std::string_view profile, bool active) {
    if (!profiles_.client(profile) && !profiles_.carrier(profile)) return false;
    overrides_[std::string{profile}] = active;
    log::info("node", active ? "profile_activated" : "profile_deactivated").kv("profile", profile)
        .kv("until", profiles_.node.cluster.enabled ? "the next cluster transition" : "restart");
    refresh_profiles();
    return true;
}

std::vector<std::shared_ptr<smpp::session>> node::sessions_of(std::string_view system_id) const {
    std::vector<std::shared_ptr<smpp::session>> out;
    for (const auto& l : listeners_) {
        auto r = l->sessions_of(system_id);
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

void node::refresh_profiles() {
    auto table = accounts();
    for (auto& l : listeners_) {
        l->set_accounts(table);
        l->unbind_inactive(); // gracefully: their in-progress submits are answered first
    }
    auto carriers = profiles_.carriers;
    for (auto& c : carriers) c.state = serves(c) ? config::profile_state::active : config::profile_state::passive;
    carriers_->apply(carriers);
    engine_->dispatch().links_changed();
    refresh_webhooks();
    hand_off_unserved();
}

bool node::takes_handoff(const config::client_profile& c) const {
    if (c.peer) return false;
    if (serves(c)) return true;
    // The peer is handing this client to us right now (a failback gives us
    // our own back, a switchover gives us its): take what waits for it, so
    // the hand-back is complete when reported done. We do not hand these
    // back: the peer refuses what it no longer serves.
    if (!cluster_ || overrides_.contains(c.name)) return false;
    const auto& peer = cluster_->state().last_peer();
    if (!peer) return false;
    const auto mine = cluster_->state().mode();
    const bool home = c.state == config::profile_state::active;
    const bool getting_mine_back = peer->mode == cluster::node_mode::handing_back && home &&
                                   (mine == cluster::node_mode::fenced || mine == cluster::node_mode::standby);
    const bool taking_its = peer->mode == cluster::node_mode::standby && !home && mine == cluster::node_mode::normal;
    return getting_mine_back || taking_its;
}

const config::client_profile* node::client_of(std::string_view system_id) const {
    for (const auto& c : profiles_.clients)
        if (c.account.system_id == system_id) return &c;
    return nullptr;
}

bool node::peer_link_bound() const {
    if (const auto* pc = profiles_.peer_carrier()) return carriers_->bound_link(pc->name) != nullptr;
    if (const auto* p = profiles_.peer_client())
        for (const auto& s : sessions_of(p->account.system_id))
            if (s->state() == smpp::bind_state::bound_trx || s->state() == smpp::bind_state::bound_rx) return true;
    return false;
}

// Secondary: over its peer carrier link; primary: on the secondary's
// transceiver bind (not the transmitter of the second path).
bool node::send_to_peer(const smpp::pdu& req, peer_handoff::response_fn f) {
    if (const auto* pc = profiles_.peer_carrier()) {
        auto* l = carriers_->bound_link(pc->name);
        return l && l->request(req, std::move(f));
    }
    if (const auto* p = profiles_.peer_client())
        for (const auto& s : sessions_of(p->account.system_id))
            if (s->state() == smpp::bind_state::bound_trx || s->state() == smpp::bind_state::bound_rx) {
                s->send_request(req, std::move(f));
                return true;
            }
    return false;
}

void node::hand_off_unserved() {
    if (!handoff_ || !peer_link_bound()) return;
    for (const auto& c : profiles_.clients)
        if (!c.peer && !serves(c)) engine_->deliveries().on_bound(c.account.system_id);
}

void node::apply_serving(const cluster::serving& s) {
    serving_ = s;
    overrides_.clear(); // an operator's activate/deactivate lasts until the pair changes its mind
    refresh_profiles();
    if (!peer_store_ || !cluster_) return;
    const auto mode = cluster_->state().mode();
    // Only for a peer that is dead: a fenced or standing-by peer keeps its
    // store and sends its own queue when it serves again. And only once the
    // takeover's epoch (with a witness: the key's revision, the fencing
    // token) is committed here and the peer's profiles are applied: a
    // promotion never runs ahead of the epoch that fences the peer.
    if (mode == cluster::node_mode::took_over && cluster_->state().peer_verdict() == cluster::verdict::dead &&
        cluster_->epoch_committed() && s.peer_profiles)
        peer_store_->promote(cluster_->state().epoch());
    // Handing back to a peer that did not ask for its store (it never went
    // away: stalled, or fenced behind a partition): stop sending its queue
    // and hold the replica until the peer merged what was done for it
    // (peer_store_takeover::release, pair/peer_work_merge.hpp).
    // Fenced (both took over in a partition, and the peer won): the
    // replica's engine stops too; the peer fetches what it did.
    else if (mode == cluster::node_mode::handing_back || mode == cluster::node_mode::normal ||
             mode == cluster::node_mode::fenced)
        peer_store_->release();
}

// The dead peer's store after a takeover (pair/peer_store_takeover.hpp).
void node::make_peer_store() {
    const auto ex = io_.get_executor();
    // A peer back within a few detection budgets was not dead for long
    // enough to hand its store over: it keeps its own.
    const auto& cl = profiles_.node.cluster;
    const auto window = cl.keepalive_interval * (4 * std::max(1u, static_cast<unsigned>(cl.keepalive_misses))) +
                        std::chrono::milliseconds(5'000);
    peer_store_ = std::make_unique<pair::peer_store_takeover>(
        ex, *replication_,
        [this](store::message_store& st) {
            return std::make_unique<message_engine>(io_.get_executor(), st, *carriers_, routes_,
                                                    route::mo_router{profiles_.mo_routes}, engine_cfg_,
                                                    make_ports(), now_);
        },
        [this](message_engine& e) {
            // What waits in the replica for each client is looked at now
            // and on every tick after: the client may have bound here
            // before this engine ran, or binds later.
            for (const auto& c : profiles_.clients)
                if (!c.peer) e.deliveries().on_bound(c.account.system_id);
        },
        profiles_.node.id, cl.peer_id, std::chrono::duration_cast<std::chrono::milliseconds>(window));
}

void node::start_replication() {
    replication_->outgoing().on_degraded([this](bool degraded) {
        const auto& out = replication_->outgoing().state();
        const auto peer = profiles_.node.cluster.peer_id.empty() ? std::string{"the peer"} : profiles_.node.cluster.peer_id;
        cluster::cluster_event e;
        e.kind = degraded ? cluster::event_kind::sync_degraded : cluster::event_kind::sync_restored;
        e.detail = degraded ? "sync replication to " + peer + " answers clients local-only: no acknowledgement within " +
                                  std::to_string(profiles_.node.replication.timeout.count()) + " ms (" +
                                  std::to_string(out.lag_changes()) + " changes behind, peer " +
                                  (out.connected() ? "connected" : "not connected") + ")"
                            : "sync replication to " + peer + " restored: the peer caught up (acknowledged " +
                                  std::to_string(out.last_acked()) + ")";
        log::warn("node", cluster::to_string(e.kind)).kv("node", profiles_.node.id).kv("detail", e.detail);
        if (on_cluster_event_) on_cluster_event_(e);
    });
    replication_->start();
}

// Failback catch-up, the returning node's side (replication/reclaim.hpp).
void node::reclaim_store(const store::store_options& so) {
    replication::reclaim_options o;
    for (const auto& c : profiles_.clients) o.accounts.push_back(c.account.system_id);
    o.accounts.emplace_back(peer_forward_account);
    o.max_meta_keys = {"cluster_epoch"};
    const auto r = replication::reclaim_own_store(so, profiles_.node.replication, profiles_.node.id, o);
    if (r.what == replication::reclaim_result::outcome::adopted)
        log::warn("node", "store_reclaimed_from_peer").kv("node", profiles_.node.id).kv("bytes", r.bytes)
            .kv("merged_messages", r.merged_messages).kv("merged_deliveries", r.merged_deliveries);
}

bool node::released() {
    for (const auto& l : listeners_)
        if (l->unbind_inactive() > 0) return false;
    if (carriers_->retiring()) return false;
    // The clients it released go with what waits for them: receipts and MO
    // are handed to the node that takes them before the hand-back is done
    // (that node takes them already: takes_handoff).
    if (peer_link_bound())
        for (const auto& c : profiles_.clients)
            if (!c.peer && !serves(c) && !store_->deliveries_for(c.account.system_id, 1).empty()) return false;
    // Switchover drains what this node holds for carriers before handing over.
    if (cluster_ && cluster_->state().mode() == cluster::node_mode::standby) {
        if (engine_->dispatch().in_memory() > 0) return false;
        for (const auto& l : carriers_->links())
            if (l.queued + l.in_flight > 0) return false;
    }
    return true;
}

std::uint32_t node::carrier_queue() const {
    const auto q = store_->get_stats().queued;
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(q, 0xFFFFFFFFu));
}

void node::start_cluster() {
    cluster_member::host h;
    h.apply = [this](const cluster::serving& s) { apply_serving(s); };
    h.released = [this] { return released(); };
    h.carrier_queue = [this] { return carrier_queue(); };
    h.peer_sessions = [this] {
        const auto* p = profiles_.peer_client();
        return p ? sessions_of(p->account.system_id) : std::vector<std::shared_ptr<smpp::session>>{};
    };
    h.guarded_busy = [this] {
        if (carriers_->retiring()) return true;
        for (const auto& l : carriers_->links())
            if (const auto* c = profiles_.carrier(l.carrier); c && guarded(*c) && l.bound) return true;
        return false;
    };
    h.on_event = [this](const cluster::cluster_event& e) {
        if (on_cluster_event_) on_cluster_event_(e);
    };
    if (settings_) { // settings replication rides on peer_status (src/settings)
        h.extend_report = [this](smpp::tlv_list& t, bool request) { settings_->extend(t, request); };
        h.on_peer_report = [this](const smpp::tlv_list& t) { settings_->on_report(t); };
    }
    if (replication_) {
        // Failback without a restart, both sides (pair/peer_work_merge.hpp).
        // Every account a delivery in our store can be for: our clients, the
        // peer's account on the primary (receipts of what it relayed through
        // us), and what we forward to the peer.
        std::vector<std::string> accounts;
        for (const auto& c : profiles_.clients) accounts.push_back(c.account.system_id);
        accounts.emplace_back(peer_forward_account);
        work_merge_ = std::make_unique<pair::peer_work_merge>(io_.get_executor(), *engine_, store_options_,
                                                              profiles_.node.replication, profiles_.node.id, accounts);
        h.holding_peer_store = [this] {
            const auto& peer = cluster_->state().last_peer();
            return peer_store_ && peer_store_->offers_store(peer ? std::optional{peer->mode} : std::nullopt);
        };
        h.peer_holds_our_store = [this] { work_merge_->on_peer_holds_our_store(); };
    }
    cluster_ = std::make_unique<cluster_member>(io_.get_executor(), profiles_, *store_, *carriers_, std::move(h));
    if (profiles_.node.cluster.witness)
        // Checked by the links themselves before each bind and submission,
        // not only by the cluster's tick: a node stopped (SIGSTOP, a paused
        // VM) past its lease must not send a single PDU when it resumes,
        // whichever of its handlers runs first.
        carriers_->set_fence([this](std::string_view carrier) {
            // Holding the key answers for every carrier without a profile
            // lookup: that is the owner's case, on every submission.
            const auto* w = cluster_ ? cluster_->witness() : nullptr;
            if (w && w->holding(cluster::clock::now())) return true;
            const auto* c = profiles_.carrier(carrier);
            return !c || !guarded(*c);
        });
    cluster_->start();
}

} // namespace twinsms::app
