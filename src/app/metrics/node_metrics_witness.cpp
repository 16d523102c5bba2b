// The witness's part of /metrics (node_metrics.cpp lists every name):
//   twinsms_witness_holding              gauge 1 while the carrier key is ours and its lease valid
//   twinsms_witness_revision             gauge the key's revision while held (the fencing token)
//   twinsms_witness_requests_total, _failures_total, _losses_total, _refusals_total   counters
//   twinsms_cluster_takeovers_refused_total   counter: a dead-looking peer that held the key
#include "app/metrics/node_metrics_parts.hpp"
#include "pair/cluster_member.hpp"

namespace twinsms::app {

void witness_metrics(metrics_writer& w, const cluster_member& c) {
    const auto one = [&w](std::string_view name, std::string_view type, std::string_view help, std::uint64_t v) {
        w.family(name, type, help);
        w.sample(v);
    };
    one("twinsms_cluster_takeovers_refused_total", "counter",
        "takeovers refused: the peer looked dead but held the witness key", c.state().stats().refused_takeovers);
    const auto* wl = c.witness();
    if (!wl) return;
    const auto& l = wl->lease();
    const bool held = wl->holding(cluster::clock::now());
    one("twinsms_witness_holding", "gauge", "1 while this node holds the carrier key under a valid lease", held);
    w.family("twinsms_witness_revision", "gauge", "the carrier key's revision while held (the fencing token)");
    if (held && l.revision()) w.sample(static_cast<std::uint64_t>(*l.revision()));
    const auto& s = l.stats();
    one("twinsms_witness_requests_total", "counter", "requests to etcd (grant, renew, acquire, release)", s.requests);
    one("twinsms_witness_failures_total", "counter", "etcd requests that failed (transport or etcd error)", s.failures);
    one("twinsms_witness_losses_total", "counter", "times the key was lost (lease not renewed in time)", s.losses);
    one("twinsms_witness_refusals_total", "counter", "acquisitions refused (another node holds the key)", s.refusals);
}

} // namespace twinsms::app
