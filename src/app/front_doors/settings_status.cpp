// The status document's `settings` object: settings replication
// (src/settings) as twinsmsctl status and the status page show it.
#include "app/front_doors/node_admin.hpp"

#include "settings/profile_replicator.hpp"

namespace twinsms::app {
namespace json = boost::json;

json::object settings_status(const settings::profile_replicator& r) {
    const auto& s = r.state();
    const auto now = r.now();
    json::object o;
    o["heard_peer"] = s.heard_peer();
    o["in_sync"] = s.in_sync();
    o["digest"] = s.digest();
    o["peer_digest"] = s.peer_digest();
    const auto shared = s.shared(now);
    o["shared"] = shared.size();
    o["drifting"] = s.drifting();
    o["conflicts"] = s.conflicts();
    json::array drift;
    for (const auto& p : shared) {
        if (p.local == p.peer && !p.conflict) continue;
        json::object d;
        d["profile"] = p.profile;
        d["local"] = p.local.substr(0, 12);
        d["peer"] = p.peer.substr(0, 12);
        d["base"] = p.base.empty() ? "none" : p.base.substr(0, 12);
        d["status"] = p.conflict ? "conflict" : p.pending ? "edit_pending" : !p.refused.empty() ? "refused" : "drift";
        if (!p.refused.empty()) d["why"] = p.refused;
        if (p.drifting_for)
            d["for_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(*p.drifting_for).count();
        drift.push_back(std::move(d));
    }
    o["profiles"] = std::move(drift); // those not in sync
    const auto& st = s.stats();
    o["edits_sent"] = st.edits_sent;
    o["edits_applied"] = st.edits_applied;
    o["edits_refused"] = st.edits_refused;
    o["conflicts_total"] = st.conflicts;
    return o;
}

} // namespace twinsms::app
