// twinsms_settings_*: settings replication (src/settings), when it runs.
#include "app/metrics/node_metrics_parts.hpp"
#include "settings/profile_replicator.hpp"

namespace twinsms::app {
namespace {

void one(metrics_writer& w, std::string_view name, std::string_view type, std::string_view help, std::uint64_t v) {
    w.family(name, type, help);
    w.sample(v);
}

} // namespace

void settings_metrics(metrics_writer& w, const settings::profile_replicator& r) {
    const auto& s = r.state();
    const auto& st = s.stats();
    one(w, "twinsms_settings_in_sync", "gauge",
        "1 when every profile both nodes hold has the same digest here and at the peer (state: left out), and no conflict",
        s.in_sync() ? 1 : 0);
    one(w, "twinsms_settings_shared_profiles", "gauge", "profiles both nodes hold and replicate", s.shared(r.now()).size());
    one(w, "twinsms_settings_drifting_profiles", "gauge", "shared profiles whose digests differ between the nodes now",
        s.drifting());
    one(w, "twinsms_settings_conflicts", "gauge", "shared profiles edited on both nodes since they last agreed (refused)",
        s.conflicts());
    one(w, "twinsms_settings_edits_pending", "gauge", "profile edits made here the peer has not answered", s.pending().size());
    one(w, "twinsms_settings_edits_sent_total", "counter", "profile edits sent to the peer (resends included)", st.edits_sent);
    one(w, "twinsms_settings_edits_applied_total", "counter", "the peer's profile edits written and reloaded here",
        st.edits_applied);
    one(w, "twinsms_settings_edits_refused_total", "counter", "the peer's profile edits refused here (conflict or invalid)",
        st.edits_refused);
    one(w, "twinsms_settings_refused_by_peer_total", "counter", "edits made here the peer refused as invalid",
        st.refused_by_peer);
    one(w, "twinsms_settings_conflicts_total", "counter", "conflicts detected (both nodes edited one profile)", st.conflicts);
}

} // namespace twinsms::app
