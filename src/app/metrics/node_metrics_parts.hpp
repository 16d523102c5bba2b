#pragma once
// Pieces of render_metrics (node_metrics.cpp) kept in their own files;
// not an interface. The metric names are listed in node_metrics.cpp.
#include <string_view>
#include <vector>

#include "app/metrics/node_metrics.hpp"
#include "metrics/status_counts.hpp"
#include "pair/cluster_member.hpp"
#include "replication/peer_replication.hpp"

namespace twinsms::settings {
class profile_replicator;
}

namespace twinsms::app {

inline constexpr std::uint64_t micros_per_second = 1'000'000;

// The entries of `c` by ascending status, for a stable exposition order.
std::vector<metrics::status_counts::entry> by_status(const metrics::status_counts& c);

// One sample per status of `c` (ascending), then status="other" when
// anything was folded there; `labels` come first, then status.
void status_samples(metrics_writer& w, std::string_view label, std::string_view value, const metrics::status_counts& c);

// node_metrics_carriers.cpp: twinsms_carrier_*{carrier}, one sample per carrier profile.
void carrier_metrics(metrics_writer& w, node& n);

// node_metrics_clients.cpp: twinsms_client_*{client}, one sample per client profile.
void client_metrics(metrics_writer& w, node& n);

// node_metrics_timing.cpp: the message path's latency histograms (dispatch,
// receipts) and the TLS certificates' expiry times.
void timing_metrics(metrics_writer& w, node& n, const http::admin_http* admin);

// node_metrics_replication.cpp: twinsms_replication_* (this node's sender)
// and twinsms_replica_* (the peer's store kept here).
void replication_metrics(metrics_writer& w, const replication::peer_replication& r, store::epoch_ms now);

// node_metrics_settings.cpp: twinsms_settings_* (settings replication).
void settings_metrics(metrics_writer& w, const settings::profile_replicator& r);
// node_metrics_guard.cpp: twinsms_auth_* (failed logins at every door).
void guard_metrics(metrics_writer& w, const guard::credential_guard& g);

using pair::cluster_member;
// node_metrics_witness.cpp: twinsms_witness_* and refused takeovers (in a pair).
void witness_metrics(metrics_writer& w, const cluster_member& c);

} // namespace twinsms::app
