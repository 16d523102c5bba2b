// Part of class cluster_member (cluster_member.hpp): what stands between
// the controller's decision and the node acting on it. The witness key
// (node.cluster.witness) gates the carriers it guards; a new epoch is
// committed to the store before anything that serves more is applied; and
// peer_status reports are signed and checked under cluster.secret.
#include <chrono>

#include "cluster/serve_gate.hpp"
#include "pair/cluster_member.hpp"
#include "util/log.hpp"

namespace twinsms::pair {
namespace {

std::int64_t wall_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

bool cluster_member::wants_key() const {
    if (controller_.takeover_pending()) return true;
    const auto s = controller_.serve();
    // The primary's own carriers and, once it took over, the secondary's;
    // on the secondary only the primary's (its own and overflow carriers
    // are its accounts, bound beside the primary's by design).
    if (primary_ ? (s.home_carriers || s.peer_profiles) : s.peer_profiles) return true;
    return host_.guarded_busy && host_.guarded_busy(); // keep it until they are unbound
}

void cluster_member::step_witness(cluster::clock::time_point now) {
    if (!witness_) return;
    witness_->step(wants_key(), now);
    for (auto& e : witness_->take_events()) {
        log::warn("witness", cluster::to_string(e.kind)).kv("node", node_id_).kv("key", cfg_.witness->key)
            .kv("revision", e.revision).kv("detail", e.detail);
        if (e.kind == cluster::witness_event_kind::acquired) controller_.on_witness_acquired(e.revision, now);
        else if (e.kind == cluster::witness_event_kind::lost)
            controller_.note(cluster::event_kind::witness_lost,
                             e.detail + "; the carriers the key guards are unbound until it is ours again");
    }
    const auto& l = witness_->lease();
    // Already ours (the primary holds it for its own carriers): take over now.
    if (controller_.takeover_pending() && l.revision() && witness_->holding(now))
        controller_.on_witness_acquired(*l.revision(), now);
    else if (controller_.takeover_pending() && !l.revision() && !l.holder().empty() && l.holder() != node_id_)
        controller_.on_witness_refused(l.holder(), now); // reported once per episode
}

cluster::serving cluster_member::gated(cluster::serving s, cluster::clock::time_point now) const {
    return cluster::gate(s, applied_, {witness_ != nullptr, witness_ && witness_->holding(now), epoch_committed()});
}

void cluster_member::settle() {
    const auto now = cluster::clock::now();
    step_witness(now);
    for (auto& e : controller_.take_events()) {
        log::warn("cluster", cluster::to_string(e.kind)).kv("node", node_id_).kv("peer", peer_id_).kv("detail", e.detail);
        if (host_.on_event) host_.on_event(e);
    }
    if (!epoch_committed() && !epoch_writing_ && now >= epoch_retry_at_) persist_epoch(controller_.epoch());
    const auto mode = controller_.mode();
    // A transition (its hook, its report to the peer) waits for its epoch.
    const bool mode_changed = mode != applied_mode_ && epoch_committed();
    if (mode_changed) {
        log::warn("cluster", "transition").kv("node", node_id_).kv("from", cluster::to_string(applied_mode_))
            .kv("to", cluster::to_string(mode)).kv("epoch", controller_.epoch());
        run_hook(applied_mode_, mode);
        applied_mode_ = mode;
    }
    const auto s = gated(controller_.serve(), now);
    if (!applied_ || *applied_ != s) {
        const auto t0 = cluster::clock::now();
        host_.apply(s);
        if (!primary_) pool_.set_routable(peer_carrier_, s.peer_link_route);
        applied_ = s;
        if (mode == cluster::node_mode::took_over && dead_at_ && s.guarded_carriers) {
            takeover_apply_ = std::chrono::duration_cast<std::chrono::milliseconds>(t0 - *dead_at_);
            dead_at_.reset();
        }
        log::info("cluster", "serving").kv("node", node_id_).kv("mode", cluster::to_string(mode))
            .kv("home_clients", s.home_clients).kv("home_carriers", s.home_carriers)
            .kv("peer_profiles", s.peer_profiles).kv("overflow", s.overflow).kv("via_peer_link", s.peer_link_route)
            .kv("guarded_carriers", s.guarded_carriers);
    }
    if (mode_changed && !stopping_) send_report();
}

cluster::peer_report cluster_member::current_report() const {
    auto r = controller_.report(host_.carrier_queue());
    if (!epoch_committed()) {
        // The peer acts on what we report: a transition whose epoch is not
        // stored yet has not happened as far as it is concerned.
        r.epoch = persisted_epoch_;
        r.mode = applied_mode_;
    }
    if (host_.holding_peer_store) r.holding = host_.holding_peer_store();
    return r;
}

smpp::tlv_list cluster_member::signed_report(const cluster::peer_report& r, std::string& scratch, bool request) {
    auto tlvs = cluster::encode(r);
    if (!cfg_.secret.empty()) cluster::sign(tlvs, r, sequence_.next(wall_us()), cfg_.secret, scratch);
    if (host_.extend_report) host_.extend_report(tlvs, request);
    return tlvs;
}

bool cluster_member::authentic(const smpp::tlv_list& tlvs, const cluster::peer_report& r) {
    if (cfg_.secret.empty()) return true;
    const auto seq = cluster::verify(tlvs, r, cfg_.secret);
    if (!seq) {
        log::warn("cluster", "peer_status_refused").kv("peer", peer_id_).kv("mode", cluster::to_string(r.mode))
            .kv("epoch", r.epoch).kv("why", "no valid MAC under cluster.secret (a forgery, or the secrets differ)");
        return false;
    }
    if (auto why = replay_.accept(*seq, wall_us()); !why.empty()) {
        log::warn("cluster", "peer_status_refused").kv("peer", peer_id_).kv("why", why);
        return false;
    }
    return true;
}

} // namespace twinsms::pair
