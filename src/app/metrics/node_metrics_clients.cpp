// twinsms_client_*: per client profile (label client = the profile's name),
// whatever front door its submits came through (SMPP, HTTP, email).
#include <algorithm>
#include <vector>

#include "app/node.hpp"
#include "app/metrics/node_metrics_parts.hpp"

namespace twinsms::app {

std::vector<metrics::status_counts::entry> by_status(const metrics::status_counts& c) {
    std::vector<metrics::status_counts::entry> sorted{c.entries().begin(), c.entries().end()};
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.status < b.status; });
    return sorted;
}

void status_samples(metrics_writer& w, std::string_view label, std::string_view value, const metrics::status_counts& c) {
    for (const auto& e : by_status(c)) {
        const auto s = metrics::status_label(e.status);
        w.sample({{label, value}, {"status", s}}, e.count);
    }
    if (c.other()) w.sample({{label, value}, {"status", "other"}}, c.other());
}

void client_metrics(metrics_writer& w, node& n) {
    struct row {
        std::string_view name;
        const client_counters* c = nullptr; // null: no submit yet
        delivery_manager::account_counters d;
        std::uint64_t sessions = 0, window = 0, in_flight = 0, queued = 0;
    };
    const auto queued = n.message_store().queued_by_account(); // by system_id
    std::vector<row> rows;
    for (const auto& p : n.profiles().clients) {
        row r{p.name, n.intake_stats().clients().find(p.account.system_id), n.deliveries().account(p.account.system_id)};
        if (const auto q = queued.find(p.account.system_id); q != queued.end()) r.queued = q->second;
        for (const auto& s : n.sessions_of(p.account.system_id)) {
            ++r.sessions;
            // Deliveries go to receiver and transceiver binds: their windows.
            if (s->state() != smpp::bind_state::bound_rx && s->state() != smpp::bind_state::bound_trx) continue;
            r.window += s->config().window;
            r.in_flight += s->in_flight();
        }
        rows.push_back(r);
    }
    const auto per = [&](std::string_view name, std::string_view type, std::string_view help, auto get) {
        w.family(name, type, help);
        for (const auto& r : rows) w.sample({{"client", r.name}}, static_cast<std::uint64_t>(get(r)));
    };
    per("twinsms_client_submits_accepted_total", "counter", "messages of the client stored (SMPP, HTTP, email)",
        [](const row& r) { return r.c ? r.c->accepted : 0; });
    w.family("twinsms_client_responses_total", "counter",
             "submits answered to the client, by command_status (HTTP and email refusals by the status they stand for)");
    for (const auto& r : rows)
        if (r.c) status_samples(w, "client", r.name, r.c->responses);
    per("twinsms_client_queued", "gauge", "the client's messages in the store waiting for a carrier (or a retry)",
        [](const row& r) { return r.queued; });
    per("twinsms_client_throttled_total", "counter", "submits refused for the client's tps (SMPP, HTTP, email)",
        [](const row& r) { return r.c ? r.c->throttled : 0; });
    per("twinsms_client_receipts_delivered_total", "counter", "receipts the client acknowledged",
        [](const row& r) { return r.d.receipts; });
    per("twinsms_client_mo_delivered_total", "counter", "MO messages the client acknowledged",
        [](const row& r) { return r.d.mo; });
    per("twinsms_client_deliveries_pending", "gauge", "deliveries to the client waiting in memory",
        [](const row& r) { return r.d.pending; });
    per("twinsms_client_deliveries_in_flight", "gauge", "deliveries sent to the client (deliver_sm or webhook) not answered yet",
        [](const row& r) { return r.d.in_flight; });
    per("twinsms_client_sessions", "gauge", "bound SMPP sessions of the client", [](const row& r) { return r.sessions; });
    per("twinsms_client_window", "gauge", "windows of the client's receiver and transceiver binds, summed",
        [](const row& r) { return r.window; });
    per("twinsms_client_in_flight", "gauge", "requests sent on the client's receiver and transceiver binds, not answered yet",
        [](const row& r) { return r.in_flight; });
    w.family("twinsms_client_submit_seconds", "histogram",
             "from a submit's arrival to its answer after the store's commit, seconds");
    const metrics::histogram none{metrics::latency_us};
    const auto empty = none.snapshot();
    for (const auto& r : rows) w.histogram({{"client", r.name}}, r.c ? r.c->submit_latency.snapshot() : empty, micros_per_second);
    w.family("twinsms_client_http_send_seconds", "histogram",
             "from a send API request handed to the node to its answer (refusals included), seconds");
    for (const auto& r : rows)
        w.histogram({{"client", r.name}}, r.c ? r.c->http_send_latency.snapshot() : empty, micros_per_second);
}

} // namespace twinsms::app
