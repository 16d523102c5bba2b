#include "settings/profile_sync.hpp"

#include <algorithm>

namespace twinsms::settings {

std::string_view to_string(outcome o) noexcept {
    switch (o) {
    case outcome::accepted: return "accepted";
    case outcome::conflict: return "conflict";
    case outcome::invalid: return "invalid";
    case outcome::not_held: return "not_held";
    }
    return "unknown";
}

void profile_sync::raise(const std::string& p, outcome o, std::string detail) {
    if (o == outcome::conflict) ++stats_.conflicts;
    events_.push_back({p, o, std::move(detail)});
}

void profile_sync::agree(const std::string& p, const std::string& d) {
    base_[p] = d;
    if (auto it = pending_.find(p); it != pending_.end() && it->second.digest == d) pending_.erase(it);
    conflict_.erase(p);
    refused_.erase(p);
    drift_since_.erase(p);
}

void profile_sync::forget(const std::string& p) {
    base_.erase(p);
    pending_.erase(p);
    conflict_.erase(p);
    refused_.erase(p);
    drift_since_.erase(p);
}

void profile_sync::on_local(const digest_map& local, clock::time_point now, std::uint64_t wall_us) {
    for (const auto& [p, d] : local) {
        const auto b = base_.find(p);
        std::optional<std::string> was;
        if (local_known_) {
            if (auto l = local_.find(p); l != local_.end()) was = l->second;
        } else if (b != base_.end()) {
            was = b->second; // at start: what both held when this node last ran
        }
        if (auto r = pending_.find(p); !was && r != pending_.end() && r->second.digest == deleted)
            was = std::string{deleted}; // back after a removal the peer has not answered: an edit from the base
        if (!was || *was == d) continue;
        auto& e = pending_[p];
        if (!e.digest.empty() && e.digest != d) e.prior.push_back(e.digest);
        e.profile = p;
        e.base = b == base_.end() ? std::string{} : b->second;
        e.digest = d;
        e.id = last_id_ = std::max(last_id_ + 1, wall_us);
        std::erase(e.prior, d);
        refused_.erase(p);
        if (auto c = conflict_.find(p); c != conflict_.end()) c->second.local = d;
        if (e.digest == e.base) pending_.erase(p); // changed back to what both hold
    }
    // Removed here since the last scan (at start: agreed on before, gone now).
    std::vector<std::string> gone;
    for (const auto& [p, d] : local_known_ ? local_ : base_)
        if (!local.contains(p)) gone.push_back(p);
    for (const auto& p : gone) {
        const auto b = base_.find(p);
        if (b == base_.end()) { // never agreed with the peer: nothing to tell it
            pending_.erase(p);
            conflict_.erase(p);
            drift_since_.erase(p);
            continue;
        }
        auto& e = pending_[p];
        if (!e.digest.empty() && e.digest != deleted) e.prior.push_back(e.digest);
        e.profile = p;
        e.base = b->second;
        e.digest = std::string{deleted};
        e.id = last_id_ = std::max(last_id_ + 1, wall_us);
        refused_.erase(p);
        if (auto c = conflict_.find(p); c != conflict_.end()) c->second.local = std::string{deleted};
    }
    local_ = local;
    local_known_ = true;
    if (heard_) on_peer_index(peer_, now);
}

void profile_sync::on_peer_index(const digest_map& peer, clock::time_point now) {
    peer_ = peer;
    heard_ = true;
    std::vector<std::string> removed_there; // our removals the peer has made too
    for (const auto& [p, b] : base_)
        if (!local_.contains(p) && local_known_) { // removed here
            if (!peer_.contains(p)) removed_there.push_back(p);
            else drift_since_.emplace(p, now);
        }
    for (const auto& [p, c] : conflict_) // a conflict over a removal ends once both removed it
        if (c.local == deleted && !local_.contains(p) && !peer_.contains(p)) removed_there.push_back(p);
    for (const auto& p : removed_there) forget(p);
    for (const auto& [p, d] : local_) {
        const auto q = peer_.find(p);
        if (q == peer_.end()) {
            drift_since_.erase(p);
            continue;
        }
        if (q->second == d) {
            agree(p, d);
            continue;
        }
        drift_since_.emplace(p, now);
        // The peer holds one of our earlier versions: that is the base now.
        if (auto e = pending_.find(p); e != pending_.end()) {
            auto& pr = e->second.prior;
            if (auto i = std::find(pr.begin(), pr.end(), q->second); i != pr.end()) {
                base_[p] = e->second.base = q->second;
                pr.erase(pr.begin(), i + 1);
            }
        }
    }
}

profile_sync::decision profile_sync::on_peer_edit(const edit& e, clock::time_point now) {
    const auto answer = [&](outcome o, std::string why = {}) {
        verdict v{e.profile, e.digest, o, std::move(why)};
        last_verdict_[e.profile] = v;
        return decision{action::answer, std::move(v)};
    };
    const auto l = local_.find(e.profile);
    const bool removal = e.digest == deleted;
    const auto mine = pending_.find(e.profile);
    const auto clash = conflict_.find(e.profile);
    const bool removed_here = (mine != pending_.end() && mine->second.digest == deleted) ||
                              (clash != conflict_.end() && clash->second.local == deleted);
    if (!local_known_ || (l == local_.end() && !removal && !removed_here))
        return answer(outcome::not_held, "no such profile on this node");
    if (l == local_.end() && removal) { // gone here as well: agreed
        forget(e.profile);
        peer_edit_id_[e.profile] = std::max(peer_edit_id_[e.profile], e.id);
        return answer(outcome::accepted);
    }
    const std::string here = l == local_.end() ? std::string{deleted} : l->second; // removed here, edited there
    if (here == e.digest) { // already what the peer has: agreed
        agree(e.profile, e.digest);
        peer_edit_id_[e.profile] = std::max(peer_edit_id_[e.profile], e.id);
        return answer(outcome::accepted);
    }
    if (auto seen = peer_edit_id_.find(e.profile); seen != peer_edit_id_.end() && e.id <= seen->second) {
        // A copy of an edit we decided on: the same answer again (it may
        // have been lost), or nothing for an older one (a replay).
        if (auto v = last_verdict_.find(e.profile); v != last_verdict_.end() && v->second.digest == e.digest)
            return {action::answer, v->second};
        return {action::ignore, {}};
    }
    peer_edit_id_[e.profile] = e.id;
    const bool based_here = here == e.base || std::find(e.prior.begin(), e.prior.end(), here) != e.prior.end();
    if (conflict_.contains(e.profile) || pending_.contains(e.profile) || !based_here) {
        const bool fresh = !conflict_.contains(e.profile);
        conflict_[e.profile] = {here, e.digest};
        drift_since_.emplace(e.profile, now);
        std::string why = "changed on both nodes since they last agreed (here " + here.substr(0, 12) +
                          ", peer " + e.digest.substr(0, 12) + ", base " +
                          (e.base.empty() ? std::string{"none"} : e.base.substr(0, 12)) + ")";
        if (fresh) raise(e.profile, outcome::conflict, why);
        ++stats_.edits_refused;
        return answer(outcome::conflict, std::move(why));
    }
    return {action::apply, {}};
}

verdict profile_sync::applied(const edit& e, clock::time_point) {
    if (e.digest == deleted) {
        local_.erase(e.profile);
        forget(e.profile);
    } else {
        local_[e.profile] = e.digest;
        agree(e.profile, e.digest);
    }
    ++stats_.edits_applied;
    verdict v{e.profile, e.digest, outcome::accepted, {}};
    last_verdict_[e.profile] = v;
    return v;
}

verdict profile_sync::refused(const edit& e, std::string why, clock::time_point) {
    ++stats_.edits_refused;
    raise(e.profile, outcome::invalid, why);
    verdict v{e.profile, e.digest, outcome::invalid, std::move(why)};
    last_verdict_[e.profile] = v;
    return v;
}

void profile_sync::on_verdict(const verdict& v, clock::time_point now) {
    const auto it = pending_.find(v.profile);
    if (it == pending_.end() || it->second.digest != v.digest) return; // answers an older edit, or a copy
    pending_.erase(it);
    switch (v.result) {
    case outcome::accepted:
        if (v.digest == deleted) forget(v.profile);
        else base_[v.profile] = v.digest;
        break;
    case outcome::conflict:
        if (!conflict_.contains(v.profile)) {
            const auto p = peer_.find(v.profile);
            conflict_[v.profile] = {v.digest, p == peer_.end() ? std::string{} : p->second};
            raise(v.profile, outcome::conflict, "the peer refused our edit: " + v.detail);
        }
        drift_since_.emplace(v.profile, now);
        break;
    case outcome::invalid:
        ++stats_.refused_by_peer;
        refused_[v.profile] = v.detail;
        raise(v.profile, outcome::invalid, "the peer refused our edit: " + v.detail);
        break;
    case outcome::not_held:
        break;
    }
}

std::vector<edit> profile_sync::pending() const {
    std::vector<edit> out;
    for (const auto& [p, e] : pending_) out.push_back(e);
    return out;
}

std::vector<profile_sync::profile_view> profile_sync::shared(clock::time_point now) const {
    std::vector<profile_view> out;
    for (const auto& [p, d] : local_) {
        const auto q = peer_.find(p);
        if (q == peer_.end()) continue;
        profile_view v{p, d, q->second, {}, pending_.contains(p), conflict_.contains(p), {}, {}};
        if (auto b = base_.find(p); b != base_.end()) v.base = b->second;
        if (auto r = refused_.find(p); r != refused_.end()) v.refused = r->second;
        if (auto s = drift_since_.find(p); s != drift_since_.end() && d != q->second) v.drifting_for = now - s->second;
        out.push_back(std::move(v));
    }
    for (const auto& [p, b] : base_) // removed here, still held there (on its way, or refused)
        if (!local_.contains(p))
            if (auto q = peer_.find(p); q != peer_.end()) {
                profile_view v{p, std::string{deleted}, q->second, b, pending_.contains(p), conflict_.contains(p), {}, {}};
                if (auto r = refused_.find(p); r != refused_.end()) v.refused = r->second;
                if (auto s = drift_since_.find(p); s != drift_since_.end()) v.drifting_for = now - s->second;
                out.push_back(std::move(v));
            }
    return out;
}

std::size_t profile_sync::drifting() const {
    std::size_t n = 0;
    for (const auto& [p, d] : local_)
        if (auto q = peer_.find(p); q != peer_.end() && q->second != d) ++n;
    for (const auto& [p, b] : base_)
        if (!local_.contains(p) && peer_.contains(p)) ++n;
    return n;
}

bool profile_sync::in_sync() const { return heard_ && drifting() == 0 && conflict_.empty(); }

std::string profile_sync::digest() const {
    digest_map m;
    for (const auto& [p, d] : local_)
        if (peer_.contains(p)) m.emplace(p, d);
    return set_digest(m);
}

std::string profile_sync::peer_digest() const {
    digest_map m;
    for (const auto& [p, d] : peer_)
        if (local_.contains(p)) m.emplace(p, d);
    return set_digest(m);
}

} // namespace twinsms::settings
