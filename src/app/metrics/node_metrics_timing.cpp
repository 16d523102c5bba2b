// The message path's latency histograms that are not per client or per
// carrier, and the expiry of the TLS certificates the node presents (an
// alert rule pages 14 days ahead: tools/ops/prometheus/twinsms-rules.yml).
#include "app/node.hpp"
#include "app/metrics/node_metrics_parts.hpp"
#include "http/admin_api.hpp"
#include "tls/context.hpp"

namespace twinsms::app {

void timing_metrics(metrics_writer& w, node& n, const http::admin_http* admin) {
    w.family("twinsms_dispatch_commit_to_submit_seconds", "histogram",
             "from a message stored (or its schedule time) to its first submit_sm handed to a carrier link, seconds");
    w.histogram({}, n.dispatch().stats().commit_to_submit.snapshot(), micros_per_second);
    w.family("twinsms_receipt_delivery_seconds", "histogram",
             "from a carrier's receipt received to the client's acknowledgement of its deliver_sm (or webhook), seconds");
    w.histogram({}, n.deliveries().stats().receipt_latency.snapshot(), micros_per_second);

    // Read from the contexts the listeners use now (what a reload loaded),
    // so a certificate renewed on disk but never reloaded still pages.
    const auto smpp = n.smpp_certificate_expiry();
    const auto* admin_ctx = admin ? admin->tls_context() : nullptr;
    const auto admin_expiry = admin_ctx ? tls::certificate_not_after(*admin_ctx) : std::nullopt;
    if (!smpp && !admin_expiry) return;
    w.family("twinsms_tls_certificate_expiry_timestamp_seconds", "gauge",
             "notAfter of the TLS certificate a listener presents, seconds since the Unix epoch");
    if (smpp) w.sample({{"listener", "smpp"}}, static_cast<std::uint64_t>(*smpp));
    if (admin_expiry) w.sample({{"listener", "admin"}}, static_cast<std::uint64_t>(*admin_expiry));
}

} // namespace twinsms::app
