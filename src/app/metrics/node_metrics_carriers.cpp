// Piece of render_metrics (node_metrics.cpp): twinsms_carrier_*{carrier},
// one sample per carrier profile (its links summed), with what each
// carrier sent us (receipts, MO) from the node's counters.
#include <map>

#include "app/node.hpp"
#include "app/metrics/node_metrics_parts.hpp"

namespace twinsms::app {

void carrier_metrics(metrics_writer& w, node& n) {
    struct agg {
        std::uint64_t links_bound = 0, queued = 0, in_flight = 0, window = 0;
        smpp::carrier_client::counters c;
        metrics::histogram_snapshot latency;
        std::size_t incoming_pending = 0, incoming_high_water = 0;
    };
    std::map<std::string, agg> by; // one sample per carrier (several links share a name)
    for (const auto& l : n.carriers().links()) {
        auto& a = by[l.carrier];
        a.links_bound += l.bound;
        a.queued += l.queued;
        a.in_flight += l.in_flight;
        a.c.submitted += l.stats.submitted;
        a.c.accepted += l.stats.accepted;
        a.c.rejected += l.stats.rejected;
        a.c.throttled += l.stats.throttled;
        a.c.transport_errors += l.stats.transport_errors;
        a.c.binds += l.stats.binds;
        a.c.bind_failures += l.stats.bind_failures;
        a.c.delivers += l.stats.delivers;
        a.c.tls_failures += l.stats.tls_failures;
        a.c.fenced += l.stats.fenced;
        a.c.responses.merge(l.stats.responses);
        a.window += l.window;
        a.incoming_pending += l.incoming_pending;
        a.incoming_high_water += l.incoming_high_water;
        a.latency.merge(l.latency);
    }
    const auto per = [&](std::string_view name, std::string_view type, std::string_view help, auto get) {
        w.family(name, type, help);
        for (const auto& [carrier, a] : by) w.sample({{"carrier", carrier}}, static_cast<std::uint64_t>(get(a)));
    };
    per("twinsms_carrier_submitted_total", "counter", "submit_sm sent to the carrier", [](const agg& a) { return a.c.submitted; });
    per("twinsms_carrier_accepted_total", "counter", "submit_sm the carrier answered OK", [](const agg& a) { return a.c.accepted; });
    per("twinsms_carrier_rejected_total", "counter", "submit_sm the carrier answered with an error", [](const agg& a) { return a.c.rejected; });
    per("twinsms_carrier_throttled_total", "counter", "submit_sm the carrier answered ESME_RTHROTTLED", [](const agg& a) { return a.c.throttled; });
    per("twinsms_carrier_transport_errors_total", "counter", "submit_sm lost with the connection or timed out", [](const agg& a) { return a.c.transport_errors; });
    per("twinsms_carrier_binds_total", "counter", "successful binds to the carrier", [](const agg& a) { return a.c.binds; });
    per("twinsms_carrier_bind_failures_total", "counter", "failed binds to the carrier", [](const agg& a) { return a.c.bind_failures; });
    per("twinsms_carrier_fenced_total", "counter", "binds and submissions a link refused: the witness key was not ours",
        [](const agg& a) { return a.c.fenced; });
    per("twinsms_carrier_delivers_total", "counter", "deliver_sm received from the carrier", [](const agg& a) { return a.c.delivers; });
    per("twinsms_carrier_bound", "gauge", "1 when at least one link to the carrier is bound", [](const agg& a) { return a.links_bound ? 1 : 0; });
    per("twinsms_carrier_links_bound", "gauge", "links to the carrier that are bound", [](const agg& a) { return a.links_bound; });
    per("twinsms_carrier_incoming_pending", "gauge", "deliver_sm from the carrier waiting for their store commit",
        [](const agg& a) { return a.incoming_pending; });
    per("twinsms_carrier_incoming_window", "gauge", "the most deliver_sm the carrier had unanswered at once on its current binds",
        [](const agg& a) { return a.incoming_high_water; });
    per("twinsms_carrier_queued", "gauge", "messages waiting for window room on the carrier's links", [](const agg& a) { return a.queued; });
    per("twinsms_carrier_in_flight", "gauge", "submit_sm sent to the carrier and not answered yet", [](const agg& a) { return a.in_flight; });
    per("twinsms_carrier_window", "gauge", "windows of the carrier's bound links, summed (window use: in_flight / window)",
        [](const agg& a) { return a.window; });
    per("twinsms_carrier_tls_failures_total", "counter", "TLS handshakes with the carrier that failed",
        [](const agg& a) { return a.c.tls_failures; });
    const auto& inbound = n.engine().stats().by_carrier;
    const auto from = [&](const std::string& carrier) {
        auto it = inbound.find(carrier);
        return it == inbound.end() ? message_engine::counters::from_carrier{} : it->second;
    };
    w.family("twinsms_carrier_receipts_total", "counter", "delivery receipts received from the carrier");
    for (const auto& [carrier, a] : by) w.sample({{"carrier", carrier}}, from(carrier).receipts);
    w.family("twinsms_carrier_mo_total", "counter", "MO messages received from the carrier");
    for (const auto& [carrier, a] : by) w.sample({{"carrier", carrier}}, from(carrier).mo);
    w.family("twinsms_carrier_responses_total", "counter", "submit responses from the carrier, by command_status");
    for (const auto& [carrier, a] : by) status_samples(w, "carrier", carrier, a.c.responses);
    w.family("twinsms_carrier_response_seconds", "histogram", "from submit_sm sent to the carrier's response, seconds");
    const metrics::histogram none{metrics::latency_us};
    for (auto& [carrier, a] : by) {
        if (a.latency.upper.empty()) a.latency = none.snapshot(); // no link: all zero, same buckets
        w.histogram({{"carrier", carrier}}, a.latency, micros_per_second);
    }
}

} // namespace twinsms::app
