// twinsms_replication_*: both directions of the store's replication to the
// peer (src/replication), when node.replication is on.
#include "app/metrics/node_metrics_parts.hpp"
#include "app/node.hpp"

namespace twinsms::app {
namespace {

void one(metrics_writer& w, std::string_view name, std::string_view type, std::string_view help, std::uint64_t v) {
    w.family(name, type, help);
    w.sample(v);
}

} // namespace

void replication_metrics(metrics_writer& w, const replication::peer_replication& r, store::epoch_ms now) {
    const auto& out = r.outgoing();
    const auto& st = out.state();
    one(w, "twinsms_replication_connected", "gauge", "1 while the peer's receiver is connected to this node's sender",
        st.connected() ? 1 : 0);
    one(w, "twinsms_replication_last_committed_seq", "gauge", "this node's last store commit sequence", st.last_committed());
    one(w, "twinsms_replication_acked_seq", "gauge", "the last commit sequence the peer acknowledged in its replica",
        st.last_acked());
    one(w, "twinsms_replication_lag_changes", "gauge", "store changes committed here and not acknowledged by the peer",
        st.lag_changes());
    one(w, "twinsms_replication_lag_milliseconds", "gauge",
        "age of the oldest change the peer has not acknowledged (0: caught up)", static_cast<std::uint64_t>(st.lag_ms(now)));
    one(w, "twinsms_replication_buffer_bytes", "gauge", "changes kept for the peer, bytes", st.buffered_bytes());
    one(w, "twinsms_replication_sent_bytes_total", "counter", "bytes of changes and snapshots sent to the peer",
        out.stats().bytes_sent);
    one(w, "twinsms_replication_snapshots_sent_total", "counter",
        "snapshots of the whole store sent to a peer that lost its place in the stream", out.stats().snapshots);
    one(w, "twinsms_replication_dropped_changes_total", "counter",
        "changes evicted from the bounded buffer before the peer acknowledged them", st.dropped());
    one(w, "twinsms_replication_sync_degraded", "gauge",
        "1 while sync replication answers clients without the peer's acknowledgement (the peer timed out)",
        out.degraded() ? 1 : 0);
    one(w, "twinsms_replication_receivers_refused_total", "counter", "replication connections refused (bad hello or token)",
        out.stats().refused);
    one(w, "twinsms_replication_tls_failures_total", "counter",
        "TLS handshakes of the peer's receiver (or reclaim) with this node's sender that failed", out.stats().tls_failures);
    const auto& in = r.incoming().stats();
    one(w, "twinsms_replica_connected", "gauge", "1 while this node's receiver is connected to the peer's sender",
        r.incoming().connected() ? 1 : 0);
    one(w, "twinsms_replica_applied_seq", "gauge", "the peer's last commit sequence applied in the replica here",
        r.peer_replica().applied());
    one(w, "twinsms_replica_changes_total", "counter", "changes received from the peer", in.changes);
    one(w, "twinsms_replica_snapshots_total", "counter", "snapshots of the peer's store adopted as the replica", in.snapshots);
    one(w, "twinsms_replica_stream_breaks_total", "counter", "replication connections to the peer that broke", in.breaks);
    one(w, "twinsms_replica_tls_failures_total", "counter",
        "TLS handshakes of this node's receiver with the peer's sender that failed (or were refused)", in.tls_failures);
    // Takeover and failback of the peer's store (README "Failback").
    const auto& hb = r.handback_stats();
    one(w, "twinsms_replica_promoted", "gauge", "1 while the peer's replica is promoted (this node took the dead peer over)",
        r.promoted() ? 1 : 0);
    one(w, "twinsms_replica_promotions_total", "counter", "takeovers that promoted the peer's replica", hb.promotions);
    one(w, "twinsms_replica_handbacks_total", "counter",
        "failbacks that handed the promoted replica back to the returning peer (it adopted the copy)", hb.handbacks);
}

} // namespace twinsms::app
