#include "app/front_doors/node_admin.hpp"

#include "app/front_doors/node_http.hpp"

#include <boost/json.hpp>

namespace twinsms::app {
namespace json = boost::json;
namespace {

const char* state_name(bool active) { return active ? "active" : "passive"; }

json::object peer_of(const node& n) {
    json::object peer;
    const auto* c = n.cluster();
    peer["id"] = n.profiles().node.cluster.peer_id;
    if (!c) return peer;
    peer["verdict"] = std::string{cluster::to_string(c->state().peer_verdict())};
    const auto link = c->link();
    peer["link"] = link.connected ? "up" : "down";
    const auto second = c->second_path();
    peer["second_path"] = !second.configured ? "none" : second.connected ? "up" : "down";
    if (link.heard_ago) peer["last_heard_ms"] = link.heard_ago->count();
    if (const auto& r = c->state().last_peer()) {
        peer["mode"] = std::string{cluster::to_string(r->mode)};
        peer["epoch"] = r->epoch;
        peer["carrier_queue"] = r->carrier_queue;
    }
    return peer;
}

// What a partition between the sites would do, and the witness's state.
json::object partition_of(const node& n) {
    json::object o;
    const auto& cl = n.profiles().node.cluster;
    o["safe"] = cl.witness.has_value();
    json::array warnings;
    for (const auto& w : config::partition_warnings(n.profiles())) warnings.emplace_back(w);
    o["warnings"] = std::move(warnings);
    const auto* c = n.cluster();
    if (!c || !c->witness()) return o;
    const auto& w = *c->witness();
    const auto now = cluster::clock::now();
    json::object wo;
    wo["key"] = w.settings().key;
    if (!w.endpoint().empty()) wo["endpoint"] = w.endpoint(); // the last etcd member that answered
    wo["lease_ttl_s"] = w.settings().lease_ttl.count();
    wo["holding"] = w.holding(now);
    wo["wanted"] = w.lease().wanted();
    if (const auto r = w.lease().revision()) wo["revision"] = *r;
    if (w.holding(now))
        wo["valid_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(w.lease().safe_until() - now).count();
    if (!w.lease().holder().empty() && !w.lease().revision()) wo["holder"] = w.lease().holder();
    if (!w.lease().last_error().empty()) wo["last_error"] = w.lease().last_error();
    const auto& st = w.lease().stats();
    wo["requests"] = st.requests;
    wo["failures"] = st.failures;
    wo["losses"] = st.losses;
    wo["epoch_committed"] = c->epoch_committed();
    o["witness"] = std::move(wo);
    return o;
}

} // namespace

json::object node_admin::status() {
    const auto& p = node_.profiles();
    json::object doc;
    json::object self;
    self["id"] = p.node.id;
    self["role"] = p.node.role == config::node_role::primary ? "primary" : "secondary";
    const auto* c = node_.cluster();
    self["mode"] = c ? std::string{cluster::to_string(c->state().mode())} : "standalone";
    self["epoch"] = c ? c->state().epoch() : 0;
    doc["node"] = std::move(self);
    if (c) doc["peer"] = peer_of(node_);
    if (p.node.cluster.enabled) doc["partition"] = partition_of(node_);

    json::array profiles;
    for (const auto& cl : p.clients) {
        json::object o;
        o["name"] = cl.name;
        o["type"] = "client";
        o["kind"] = cl.peer ? "peer" : "client";
        o["configured"] = state_name(cl.state == config::profile_state::active);
        o["state"] = state_name(node_.serves(cl));
        o["sessions"] = node_.sessions_of(cl.account.system_id).size();
        profiles.push_back(std::move(o));
    }
    for (const auto& k : p.carriers) {
        json::object o;
        o["name"] = k.name;
        o["type"] = "carrier";
        o["kind"] = k.peer ? "peer" : k.overflow ? "overflow" : "carrier";
        o["configured"] = state_name(k.state == config::profile_state::active);
        o["state"] = state_name(node_.serves(k));
        profiles.push_back(std::move(o));
    }
    doc["profiles"] = std::move(profiles);

    json::array links;
    for (const auto& l : node_.carriers().links()) {
        json::object o;
        o["carrier"] = l.carrier;
        o["bound"] = l.bound;
        o["queued"] = l.queued;
        o["in_flight"] = l.in_flight;
        o["submitted"] = l.stats.submitted;
        links.push_back(std::move(o));
    }
    doc["links"] = std::move(links);

    const auto st = node_.message_store().get_stats();
    json::object q;
    q["stored"] = st.messages;
    q["queued"] = st.queued;
    q["in_memory"] = node_.dispatch().in_memory();
    q["parked"] = node_.dispatch().parked();
    q["deliveries"] = st.deliveries;
    doc["queue"] = std::move(q);

    json::object counters;
    if (c) {
        const auto& s = c->state().stats();
        counters["takeovers"] = s.takeovers;
        counters["failbacks"] = s.failbacks;
        counters["brain_splits"] = s.brain_splits;
        counters["link_troubles"] = s.link_troubles;
        counters["switchovers"] = s.switchovers;
        counters["overflows"] = s.overflows;
        counters["overflow"] = c->state().serve().overflow;
        if (auto t = c->last_takeover_apply()) counters["last_takeover_apply_ms"] = t->count();
    }
    counters["accepted"] = node_.intake_stats().stats().accepted;
    counters["submitted"] = node_.dispatch().stats().submitted;
    // For rates on the status page (it differentiates them between polls).
    counters["receipts"] = node_.dispatch().stats().receipts;
    counters["mo"] = node_.engine().stats().mo_received;
    counters["delivered"] = node_.deliveries().stats().acknowledged;
    counters["deliveries_handed_to_peer"] = node_.deliveries().stats().handed_over;
    counters["deliveries_from_peer"] = node_.stats().deliveries_from_peer;
    counters["duplicate_receipts_dropped"] =
        node_.deliveries().stats().duplicates + node_.stats().deliveries_from_peer_duplicates;
    doc["counters"] = std::move(counters);
    if (const auto* r = node_.replication()) {
        // Both directions: this node's store at the peer, and the peer's here.
        const auto& out = r->outgoing().state();
        json::object rep;
        rep["mode"] = node_.profiles().node.replication.mode == config::replication_mode::sync
                          ? (r->outgoing().degraded() ? "sync (degraded: local only)" : "sync")
                          : "async";
        rep["connected"] = out.connected();
        rep["tls"] = node_.profiles().node.replication.tls.has_value();
        rep["tls_failures"] = r->outgoing().stats().tls_failures + r->incoming().stats().tls_failures;
        rep["last_committed"] = out.last_committed();
        rep["acked"] = out.last_acked();
        rep["lag_changes"] = out.lag_changes();
        rep["lag_ms"] = out.lag_ms(node_.clock()());
        rep["snapshots_sent"] = r->outgoing().stats().snapshots;
        rep["replica_connected"] = r->incoming().connected();
        rep["replica_applied"] = r->peer_replica().applied();
        if (const auto* t = node_.peer_store()) {
            // The peer's replica promoted after a takeover, with the epoch
            // (fencing token) it was promoted under, and the failbacks.
            const auto& st = t->state();
            rep["peer_store_promoted"] = st.promoted;
            rep["peer_store_epoch"] = st.epoch;
            rep["peer_store_promotions"] = st.promotions;
            rep["peer_store_retirements"] = st.retirements;
            // What the engine over it did and what waits in it for the peer's clients.
            const auto* e = t->engine();
            rep["peer_store_sent"] = e ? e->dispatch().stats().submitted : 0;
            rep["peer_store_deliveries"] = e ? e->store().get_stats().deliveries : 0;
            rep["handbacks"] = r->handback_stats().handbacks;
            // Released to a peer that did not restart, until it fetched what was done for it.
            rep["peer_store_held"] = t->holding();
            rep["peer_store_holds_given_up"] = st.holds_given_up;
        }
        if (const auto* m = node_.work_merge()) {
            // Our store's run on the peer merged into ours (a failback without a restart).
            const auto& ms = m->state();
            json::object o;
            o["running"] = ms.running;
            o["merges"] = ms.merges;
            o["failures"] = ms.failures;
            o["last_messages"] = ms.messages;
            o["last_mappings"] = ms.mappings;
            o["last_deliveries"] = ms.deliveries;
            o["last_own_attempt_under_way"] = ms.busy;
            rep["peer_work_merge"] = std::move(o);
        }
        doc["replication"] = std::move(rep);
    }
    if (const auto* s = node_.profile_replication()) doc["settings"] = settings_status(*s);
    return doc;
}

http::admin_reply node_admin::command(std::string_view verb, std::string_view profile) {
    if (verb == "activate" || verb == "deactivate") {
        if (!node_.set_override(profile, verb == "activate"))
            return http::admin_error(404, "unknown_profile", "no client or carrier profile named '" + std::string{profile} + "'");
        return http::admin_ok(std::string{verb} + "d " + std::string{profile});
    }
    if (verb == "reload") {
        if (auto err = reload_ ? reload_() : std::string{"reload is not available"}; !err.empty())
            return http::admin_error(422, "invalid_profiles", err);
        return http::admin_ok("profiles reloaded");
    }
    auto* c = node_.cluster();
    if (!c) return http::admin_error(409, "no_cluster", "this node has no cluster section in node.yaml");
    if (auto err = c->command(verb); !err.empty()) return http::admin_error(409, "conflict", err);
    return http::admin_ok(std::string{verb} + " started; mode " + std::string{cluster::to_string(c->state().mode())});
}

std::optional<std::string> node_admin::admin_account(std::string_view token, const boost::asio::ip::address& remote) {
    const auto m = find_api_token(node_.profiles(), token);
    if (!m.client || !m.token->admin || !m.client->account.allows_source(remote)) return std::nullopt;
    return m.client->account.system_id;
}

} // namespace twinsms::app
