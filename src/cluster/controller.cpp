#include "cluster/controller.hpp"

#include <algorithm>

namespace twinsms::cluster {

std::string_view to_string(event_kind k) noexcept {
    switch (k) {
    case event_kind::peer_lost: return "peer_lost";
    case event_kind::takeover: return "takeover";
    case event_kind::failback: return "failback";
    case event_kind::link_trouble: return "link_trouble";
    case event_kind::link_restored: return "link_restored";
    case event_kind::brain_split: return "brain_split";
    case event_kind::fenced: return "fenced";
    case event_kind::unfenced: return "unfenced";
    case event_kind::switchover: return "switchover";
    case event_kind::overflow_on: return "overflow_on";
    case event_kind::overflow_off: return "overflow_off";
    case event_kind::takeover_refused: return "takeover_refused";
    case event_kind::witness_lost: return "witness_lost";
    case event_kind::epoch_not_stored: return "epoch_not_stored";
    case event_kind::profile_conflict: return "profile_conflict";
    case event_kind::sync_degraded: return "sync_degraded";
    case event_kind::sync_restored: return "sync_restored";
    }
    return "unknown";
}

controller::controller(controller_config cfg, std::uint32_t epoch, clock::time_point)
    : cfg_{std::move(cfg)}, epoch_{epoch} {}

void controller::emit(event_kind k, std::string detail) {
    events_.push_back({k, std::move(detail) + " (epoch " + std::to_string(epoch_) + ")"});
}

void controller::enter(node_mode m, clock::time_point) {
    if (m == mode_) return;
    mode_ = m;
    // Overflow balancing and the failback hold belong to one mode each.
    if (m != node_mode::normal) overflow_ = false;
    hold_until_.reset();
}

void controller::take_over(std::string why, clock::time_point now, std::int64_t token) {
    // Above anything the peer reported, so it is fenced when it returns; with
    // a witness the key's revision, when that is above (it is unless the
    // epochs went up by operator commands since).
    const std::uint32_t base = std::max(epoch_, peer_ ? peer_->epoch : 0);
    epoch_ = token > base ? static_cast<std::uint32_t>(std::min<std::int64_t>(token, 0xFFFFFFFF)) : base + 1;
    pending_takeover_ = false;
    ++stats_.takeovers;
    planned_ = false;
    reclaim_ = false;
    released_ = false;
    enter(node_mode::took_over, now);
    emit(event_kind::takeover, std::move(why));
}

void controller::yield_to(const peer_report& r, clock::time_point now) {
    epoch_ = std::max(epoch_, r.epoch);
    ++stats_.fenced;
    reclaim_ = false;
    enter(node_mode::fenced, now);
    emit(event_kind::fenced, "peer " + r.node_id + " serves our profiles; serving nothing until it hands back");
}

void controller::on_verdict(verdict v, clock::time_point now) {
    const verdict prev = std::exchange(verdict_, v);
    if (v == prev) return;
    if (v != verdict::alive) hold_until_.reset();
    if (v == verdict::link_trouble) {
        trouble_since_ = now;
        report_trouble(now);
    } else {
        if (v == verdict::alive && trouble_reported_) emit(event_kind::link_restored, "heartbeat paths restored");
        trouble_since_.reset();
        trouble_reported_ = false;
    }
    if (v != verdict::dead) pending_takeover_ = refusal_reported_ = false;
    if (v == verdict::dead && mode_ != node_mode::took_over) {
        emit(event_kind::peer_lost, mode_ == node_mode::joining ? "peer not reachable since start" : "peer stopped answering");
        if (cfg_.witness) pending_takeover_ = true; // on_witness_acquired takes over
        else take_over("peer dead", now);
    }
}

void controller::on_witness_acquired(std::int64_t revision, clock::time_point now) {
    if (pending_takeover_ && verdict_ == verdict::dead && mode_ != node_mode::took_over) {
        take_over("peer dead; carrier key acquired at revision " + std::to_string(revision), now, revision);
        return;
    }
    const auto r = static_cast<std::uint32_t>(std::clamp<std::int64_t>(revision, 0, 0xFFFFFFFF));
    epoch_ = std::max(epoch_, r);
}

void controller::on_witness_refused(const std::string& holder, clock::time_point) {
    if (!pending_takeover_ || refusal_reported_) return;
    refusal_reported_ = true;
    ++stats_.refused_takeovers;
    emit(event_kind::takeover_refused, "peer " + (peer_ ? peer_->node_id : std::string{"?"}) +
                                           " stopped answering on every path, but " + holder +
                                           " holds the carrier key in the witness: a partition, not a dead peer; not taking over");
}

void controller::report_trouble(clock::time_point now) {
    if (!trouble_since_ || trouble_reported_ || now - *trouble_since_ < cfg_.trouble_grace) return;
    trouble_reported_ = true;
    ++stats_.link_troubles;
    emit(event_kind::link_trouble, "a heartbeat path is down, the peer still answers on the other: no takeover");
}

void controller::on_peer_report(const peer_report& r, clock::time_point now) {
    peer_ = r;
    const bool peer_serving = r.mode == node_mode::took_over || r.mode == node_mode::handing_back;
    switch (mode_) {
    case node_mode::joining:
        if (peer_serving && r.epoch >= epoch_) {
            yield_to(r, now);
        } else {
            epoch_ = std::max(epoch_, r.epoch);
            enter(node_mode::normal, now);
        }
        break;
    case node_mode::normal:
        if (r.mode == node_mode::took_over && r.epoch >= epoch_) {
            // The peer took over while we kept serving: both held our profiles.
            ++stats_.brain_splits;
            emit(event_kind::brain_split, "peer " + r.node_id + " took over while we were serving");
            yield_to(r, now);
        } else if (r.mode == node_mode::standby && r.handover && !r.reclaim) {
            // (A standby that also reclaims wants its profiles back: a late
            // handover flag from before its failback must not win.)
            take_over("planned switchover from " + r.node_id, now);
            planned_ = true;
            ++stats_.switchovers;
            emit(event_kind::switchover, "took over the profiles " + r.node_id + " handed over");
        } else {
            epoch_ = std::max(epoch_, r.epoch); // epochs converge, so fencing keeps working
            update_overflow(r);
        }
        break;
    case node_mode::took_over:
        if (r.mode == node_mode::took_over || (r.mode == node_mode::normal && r.epoch >= epoch_)) {
            ++stats_.brain_splits;
            emit(event_kind::brain_split, "peer " + r.node_id + " serves too (its epoch " + std::to_string(r.epoch) + ")");
            const bool we_win = epoch_ > r.epoch || (epoch_ == r.epoch && cfg_.primary);
            if (r.mode == node_mode::normal) {
                // It serves only its own profiles: give those back, keep ours.
                epoch_ = std::max(epoch_, r.epoch);
                ++stats_.failbacks;
                enter(node_mode::handing_back, now);
                emit(event_kind::failback, "handing back to " + r.node_id + " after a brain split");
            } else if (!we_win) {
                yield_to(r, now);
            }
        } else if (r.reclaim) {
            ++stats_.failbacks;
            enter(node_mode::handing_back, now);
            emit(event_kind::failback, "peer " + r.node_id + " asked for its profiles back");
        } else if ((r.mode == node_mode::fenced || r.mode == node_mode::joining) && cfg_.auto_failback && !planned_ &&
                   verdict_ == verdict::alive && !hold_until_) {
            hold_until_ = now + cfg_.failback_hold;
        }
        break;
    case node_mode::fenced:
        if (!peer_serving) {
            epoch_ = std::max(epoch_, r.epoch);
            enter(node_mode::normal, now);
            emit(event_kind::unfenced, "peer " + r.node_id + " handed back");
        }
        break;
    case node_mode::standby:
        epoch_ = std::max(epoch_, r.epoch);
        if (reclaim_ && r.mode == node_mode::normal) {
            epoch_ = std::max(epoch_, r.epoch);
            reclaim_ = false;
            enter(node_mode::normal, now);
            emit(event_kind::unfenced, "peer " + r.node_id + " handed back after the switchover");
        }
        break;
    case node_mode::handing_back: break;
    }
}

void controller::update_overflow(const peer_report& r) {
    if (!cfg_.overflow_high || cfg_.primary) return;
    if (!overflow_ && r.carrier_queue > *cfg_.overflow_high) {
        overflow_ = true;
        ++stats_.overflows;
        emit(event_kind::overflow_on, "primary carrier queue " + std::to_string(r.carrier_queue) +
                                          " above " + std::to_string(*cfg_.overflow_high) + ": sending directly");
    } else if (overflow_ && r.carrier_queue < cfg_.overflow_low.value_or(0)) {
        overflow_ = false;
        emit(event_kind::overflow_off, "primary carrier queue " + std::to_string(r.carrier_queue) + " below " +
                                           std::to_string(*cfg_.overflow_low) + ": back to the peer link");
    }
}

void controller::on_released(clock::time_point now) {
    if (mode_ == node_mode::handing_back) enter(node_mode::normal, now);
    else if (mode_ == node_mode::standby) released_ = true;
}

void controller::tick(clock::time_point now) {
    report_trouble(now);
    if (mode_ == node_mode::took_over && hold_until_ && now >= *hold_until_ && verdict_ == verdict::alive) {
        ++stats_.failbacks;
        enter(node_mode::handing_back, now);
        emit(event_kind::failback, "peer healthy for the failback hold");
    }
}

clock::time_point controller::next_deadline() const noexcept {
    auto t = hold_until_.value_or(clock::time_point::max());
    if (trouble_since_ && !trouble_reported_) t = std::min(t, *trouble_since_ + cfg_.trouble_grace);
    return t;
}

std::string controller::takeover(clock::time_point now) {
    if (mode_ == node_mode::took_over) return "already took over";
    if (mode_ == node_mode::handing_back) return "a failback is in progress";
    take_over("operator command", now);
    planned_ = true;
    return {};
}

std::string controller::failback(clock::time_point now) {
    switch (mode_) {
    case node_mode::took_over:
        if (verdict_ == verdict::dead) return "the peer is dead: nothing to hand back to";
        ++stats_.failbacks;
        enter(node_mode::handing_back, now);
        emit(event_kind::failback, "operator command");
        return {};
    case node_mode::fenced:
    case node_mode::standby:
        if (verdict_ == verdict::dead) return "the peer is not reachable";
        reclaim_ = true;
        return {};
    default: return "nothing to fail back (mode " + std::string{to_string(mode_)} + ")";
    }
}

std::string controller::switchover(clock::time_point now) {
    if (mode_ != node_mode::normal) return "switchover needs mode normal, not " + std::string{to_string(mode_)};
    if (verdict_ != verdict::alive) return "the peer is not healthy";
    // The peer takes over only from normal; two switchovers at once would
    // leave both standing by with nothing served.
    if (!peer_ || peer_->mode != node_mode::normal)
        return "the peer is not in mode normal (" + std::string{peer_ ? to_string(peer_->mode) : "not heard yet"} + ")";
    released_ = false;
    reclaim_ = false;
    enter(node_mode::standby, now);
    emit(event_kind::switchover, "draining, then handing our profiles to the peer");
    return {};
}

serving controller::serve() const noexcept {
    serving s;
    switch (mode_) {
    case node_mode::joining:
    case node_mode::fenced: break;
    case node_mode::normal:
        s.home_clients = s.home_carriers = true;
        s.overflow = overflow_;
        // A peer in standby is draining its carrier queue to hand over: what
        // we would send it now waits here instead, durably, until we take
        // over its carriers.
        s.peer_link_route = !overflow_ && !(!cfg_.primary && peer_ && peer_->mode == node_mode::standby);
        break;
    case node_mode::took_over:
        s.home_clients = s.home_carriers = s.peer_profiles = true;
        s.peer_link_route = false;
        break;
    case node_mode::handing_back: s.home_clients = s.home_carriers = true; break;
    case node_mode::standby: s.home_carriers = !released_; break; // carriers drain the queue first
    }
    return s;
}

bool controller::releasing() const noexcept {
    return mode_ == node_mode::handing_back || (mode_ == node_mode::standby && !released_);
}

peer_report controller::report(std::uint32_t carrier_queue) const {
    peer_report r;
    r.node_id = cfg_.node_id;
    r.mode = mode_;
    r.epoch = epoch_;
    r.carrier_queue = carrier_queue;
    r.handover = mode_ == node_mode::standby && released_;
    r.reclaim = reclaim_ && (mode_ == node_mode::fenced || mode_ == node_mode::standby);
    return r;
}

} // namespace twinsms::cluster
