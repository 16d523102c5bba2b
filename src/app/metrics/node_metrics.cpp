// GET /metrics in the Prometheus text exposition format 0.0.4.
//
// The names below are an interface (dashboards and alert rules use them):
// add new ones freely, but do not rename or drop one. Counters end in
// _total and only grow while the process runs (they restart from 0 with it).
// Histograms (name_bucket{le}, name_sum, name_count) have fixed buckets:
// latencies in seconds, 0.00005 to 30 (metrics/histogram.hpp latency_us),
// sizes 1 to 50000 (metrics::sizes). A status label is the command_status
// as "0x" and 8 hex digits; beyond 32 distinct ones per series, "other".
//
// node
//   twinsms_node_info{node,role}                     gauge 1
// carrier links, summed over the links of one carrier profile (label carrier)
//   twinsms_carrier_submitted_total                  counter submit_sm sent
//   twinsms_carrier_accepted_total                   counter answered OK
//   twinsms_carrier_rejected_total                   counter answered with an error
//   twinsms_carrier_throttled_total                  counter answered ESME_RTHROTTLED
//   twinsms_carrier_transport_errors_total           counter lost with the connection / timed out
//   twinsms_carrier_binds_total                      counter successful binds
//   twinsms_carrier_bind_failures_total              counter failed binds
//   twinsms_carrier_fenced_total                     counter binds/submissions refused without the witness key
//   twinsms_carrier_delivers_total                   counter deliver_sm received (MO, receipts)
//   twinsms_carrier_bound                            gauge   1 when at least one link is bound
//   twinsms_carrier_incoming_pending                 gauge   deliver_sm waiting for their store commit
//   twinsms_carrier_incoming_window                  gauge   the most deliver_sm unanswered at once (current binds)
//   twinsms_carrier_links_bound                      gauge   bound links
//   twinsms_carrier_queued                           gauge   waiting for window room
//   twinsms_carrier_in_flight                        gauge   sent, not answered yet
//   twinsms_carrier_window                           gauge   windows of the bound links (use: in_flight / window)
//   twinsms_carrier_responses_total{carrier,status}  counter submit responses by command_status
//   twinsms_carrier_response_seconds                 histogram submit_sm sent -> its response
//   twinsms_carrier_receipts_total, _mo_total        counter receipts, MO received from the carrier
//   twinsms_carrier_tls_failures_total               counter failed TLS handshakes to the carrier
// clients, per client profile (label client: the profile's name), over
// SMPP, the HTTP send API and email alike
//   twinsms_client_submits_accepted_total            counter messages stored
//   twinsms_client_responses_total{client,status}    counter submits answered, by command_status
//                                                            (ESME_RTHROTTLED ones included)
//   twinsms_client_throttled_total                   counter refused for the client's tps
//   twinsms_client_submit_seconds                    histogram submit arrived -> answered after the commit
//   twinsms_client_http_send_seconds                 histogram send API request -> its answer (refusals too)
//   twinsms_client_receipts_delivered_total, _mo_delivered_total counter acknowledged by the client
//   twinsms_client_deliveries_pending                gauge   deliveries waiting in memory
//   twinsms_client_deliveries_in_flight              gauge   deliveries sent, not answered yet
//   twinsms_client_sessions                          gauge   bound SMPP sessions
//   twinsms_client_window, twinsms_client_in_flight  gauges  windows of its receiver binds, requests outstanding on them
//   twinsms_client_queued{client}                    gauge   its messages in the store waiting for a carrier or a retry
// intake (client submits)
//   twinsms_submits_accepted_total, twinsms_submits_refused_total,
//   twinsms_store_full_total, twinsms_store_errors_total          counters
//   twinsms_intake_backlogged_total, twinsms_dispatch_backlog      counter, gauge (delivery.max_backlog)
//   twinsms_intake_sender_refused_total                             counter (client senders:)
//   twinsms_intake_opted_out_total                                  counter (client opt_out:)
//   twinsms_intake_no_credit_total, twinsms_dispatch_refunds_total  counters (client credit:)
// dispatcher
//   twinsms_dispatch_submitted_total, _retries_total, _failovers_total,
//   _finished_total, _expired_total, _undeliverable_total, _receipts_total,
//   _unknown_receipts_total, _duplicate_receipts_total,
//   _receipts_before_response_total, _receipts_yielded_to_peer_total,
//   _held_total (quiet hours)                                          counters

//   _charset_refused_total, _split_messages_total, _split_parts_total  counters (carrier charset:)
//   twinsms_dispatch_in_memory, twinsms_dispatch_parked               gauges
//   twinsms_dispatch_commit_to_submit_seconds        histogram accepted (or scheduled time) -> first submit_sm to a link
// deliveries to clients (receipts, MO)
//   twinsms_deliveries_sent_total, _acknowledged_total, _client_errors_total,
//   _expired_total, _handed_to_peer_total, _from_peer_total,
//   _from_peer_refused_total, _duplicates_total                       counters
//   twinsms_deliveries_pending                                        gauge
//   twinsms_receipt_delivery_seconds                 histogram carrier receipt received -> client acknowledged it
// node inbound
//   twinsms_mo_received_total, twinsms_mo_unrouted_total,
//   twinsms_receipts_received_total, twinsms_receipts_forwarded_total,
//   twinsms_receipts_from_peer_total,
//   twinsms_opt_out_added_total, twinsms_opt_out_removed_total        counters
// store
//   twinsms_store_messages, _queued, _deliveries, _map_size_bytes,
//   _map_used_bytes                                                   gauges
//   twinsms_store_commits_total, _batches_total, _commit_failures_total,
//   _map_growths_total, _map_reserve_uses_total                       counters
//   twinsms_store_ops_total{table}                   counter LMDB puts and erases committed
//   twinsms_store_syncs_total, _sync_failures_total  counters the syncer's fdatasyncs
//   twinsms_store_commit_seconds                     histogram begin -> committed, fsync included
//   twinsms_store_commit_batches, _commit_records    histograms write batches, records per transaction
// TLS handshakes that failed
//   twinsms_smpp_tls_failures_total                  counter SMPP listen_tls listeners
//   twinsms_admin_tls_failures_total                 counter admin HTTPS listener (twinsmsd's /metrics)
//   twinsms_tls_certificate_expiry_timestamp_seconds{listener="smpp"|"admin"} gauge notAfter of the loaded certificate
// admin listener (twinsmsd's /metrics)
//   twinsms_admin_http_responses_total{code}         counter every response, by HTTP status code
// cluster (only with a cluster section)
//   twinsms_cluster_mode{mode}                       gauge 1 for the current mode, 0 for the others
//   twinsms_cluster_epoch                            gauge
//   twinsms_cluster_peer_alive                       gauge 1 when the peer's verdict is alive
//   twinsms_cluster_peer_link_up                     gauge 1 when the peer link is connected
//   twinsms_cluster_peer_keepalive_age_seconds       gauge since the peer was last heard (absent before)
//   twinsms_cluster_takeovers_total, _failbacks_total, _brain_splits_total,
//   _link_troubles_total, _fenced_total, _switchovers_total, _overflows_total counters
//   twinsms_cluster_overflow                         gauge 1 while overflow carriers are used
//   twinsms_witness_*, twinsms_cluster_takeovers_refused_total: node_metrics_witness.cpp
//   twinsms_replication_*, twinsms_replica_*: node_metrics_replication.cpp
//   twinsms_settings_in_sync, _shared_profiles, _drifting_profiles,
//   _conflicts, _edits_pending gauges; _edits_sent_total, _edits_applied_total,
//   _edits_refused_total, _refused_by_peer_total, _conflicts_total counters:
//   settings replication (node_metrics_settings.cpp)
// failed logins (every door): twinsms_auth_failures_total{door}, _refused_total{door,reason},
//   _blocks_total{kind}, twinsms_auth_tracked{table}: node_metrics_guard.cpp
// email to SMS (only with an smtp section)
//   twinsms_smtp_sessions_total, _sessions_refused_total (max_sessions),
//   _timeouts_total, _tls_failures_total                              counters
//   twinsms_smtp_mails_total, _sms_total (accepted and stored),
//   _mails_refused_total, _throttled_total, _store_errors_total       counters
//   twinsms_smtp_sessions                                             gauge   open connections
// alerts (only when alerting is configured; label channel="sms"|"email")
//   twinsms_alerts_raised_total                      counter
//   twinsms_alerts_sent_total{channel}               counter
//   twinsms_alerts_suppressed_total{channel}         counter de-dup or rate limit
//   twinsms_alerts_failures_total{channel}           counter
#include "app/metrics/node_metrics.hpp"

#include "app/front_doors/smtp_gateway.hpp"

#include <map>

#include "alert/alerter.hpp"
#include "app/node.hpp"
#include "app/metrics/node_metrics_parts.hpp"
#include "http/admin_api.hpp"

namespace twinsms::app {

namespace {

using u64 = std::uint64_t;

void one(metrics_writer& w, std::string_view name, std::string_view type, std::string_view help, u64 v) {
    w.family(name, type, help);
    w.sample(v);
}
void counter(metrics_writer& w, std::string_view name, std::string_view help, u64 v) {
    one(w, name, "counter", help, v);
}
void gauge(metrics_writer& w, std::string_view name, std::string_view help, u64 v) {
    one(w, name, "gauge", help, v);
}

void cluster_metrics(metrics_writer& w, const cluster_member& c) {
    const auto& st = c.state();
    w.family("twinsms_cluster_mode", "gauge", "1 for the node's current cluster mode, 0 for the others");
    const auto mode = st.mode();
    for (auto m : {cluster::node_mode::joining, cluster::node_mode::normal, cluster::node_mode::took_over,
                   cluster::node_mode::handing_back, cluster::node_mode::fenced, cluster::node_mode::standby})
        w.sample({{"mode", cluster::to_string(m)}}, static_cast<u64>(m == mode));
    gauge(w, "twinsms_cluster_epoch", "cluster epoch (grows with every takeover)", st.epoch());
    gauge(w, "twinsms_cluster_peer_alive", "1 when the peer's verdict is alive (every path up)",
          st.peer_verdict() == cluster::verdict::alive);
    const auto link = c.link();
    gauge(w, "twinsms_cluster_peer_link_up", "1 when the peer link is connected", link.connected);
    w.family("twinsms_cluster_peer_keepalive_age_seconds", "gauge", "seconds since the peer was last heard");
    if (link.heard_ago) w.sample({}, static_cast<double>(link.heard_ago->count()) / 1000.0);
    const auto& s = st.stats();
    counter(w, "twinsms_cluster_takeovers_total", "takeovers of the peer's profiles", s.takeovers);
    counter(w, "twinsms_cluster_failbacks_total", "failbacks (peer's profiles handed back)", s.failbacks);
    counter(w, "twinsms_cluster_brain_splits_total", "both nodes found serving the same profiles", s.brain_splits);
    counter(w, "twinsms_cluster_link_troubles_total", "peer paths down while another was up", s.link_troubles);
    counter(w, "twinsms_cluster_fenced_total", "times this node was fenced", s.fenced);
    counter(w, "twinsms_cluster_switchovers_total", "planned switchovers", s.switchovers);
    counter(w, "twinsms_cluster_overflows_total", "times overflow carriers were switched on", s.overflows);
    gauge(w, "twinsms_cluster_overflow", "1 while overflow carriers are used", st.serve().overflow);
    witness_metrics(w, c);
}

void alert_metrics(metrics_writer& w, const alert::alerter& a) {
    const auto c = a.counters();
    counter(w, "twinsms_alerts_raised_total", "alerts raised (cluster events)", c.raised);
    const auto per_channel = [&](std::string_view name, std::string_view help, u64 sms, u64 email) {
        w.family(name, "counter", help);
        w.sample({{"channel", "sms"}}, sms);
        w.sample({{"channel", "email"}}, email);
    };
    per_channel("twinsms_alerts_sent_total", "alerts sent", c.sms_sent, c.email_sent);
    per_channel("twinsms_alerts_suppressed_total", "alerts not sent: duplicate or rate limit", c.sms_suppressed,
                c.email_suppressed);
    per_channel("twinsms_alerts_failures_total", "alerts that failed to go out", c.sms_failures, c.email_failures);
}

} // namespace

namespace {
void smtp_metrics(metrics_writer& w, const smtp_gateway& g) {
    const auto& s = g.session_stats();
    const auto& m = g.stats();
    counter(w, "twinsms_smtp_sessions_total", "SMTP connections taken", s.sessions);
    counter(w, "twinsms_smtp_sessions_refused_total", "SMTP connections refused (max_sessions)", s.refused);
    counter(w, "twinsms_smtp_timeouts_total", "SMTP sessions closed by a timeout", s.timeouts);
    counter(w, "twinsms_smtp_tls_failures_total", "STARTTLS handshakes that failed", s.tls_failures);
    counter(w, "twinsms_smtp_mails_total", "mails accepted and stored as SMS", m.mails);
    counter(w, "twinsms_smtp_sms_total", "SMS stored from mails", m.sms);
    counter(w, "twinsms_smtp_mails_refused_total", "mails refused after their data", m.refused);
    counter(w, "twinsms_smtp_throttled_total", "mails refused by the account's tps", m.throttled);
    counter(w, "twinsms_smtp_store_errors_total", "mails the store did not take", m.store_errors);
    gauge(w, "twinsms_smtp_sessions", "open SMTP connections", g.sessions());
}
} // namespace

std::string render_metrics(node& n, const alert::alerter* alerts, const http::admin_http* admin) {
    metrics_writer w;
    const auto& p = n.profiles();
    w.family("twinsms_node_info", "gauge", "the node's id and configured role");
    w.sample({{"node", p.node.id}, {"role", p.node.role == config::node_role::primary ? "primary" : "secondary"}},
             u64{1});

    carrier_metrics(w, n);
    client_metrics(w, n);

    const auto& in = n.intake_stats().stats();
    counter(w, "twinsms_submits_accepted_total", "client submits accepted (stored)", in.accepted);
    counter(w, "twinsms_submits_refused_total", "client submits refused", in.refused);
    counter(w, "twinsms_store_full_total", "client submits refused because the store is full", in.store_full);
    counter(w, "twinsms_store_errors_total", "client submits refused because the store failed", in.store_errors);
    counter(w, "twinsms_intake_backlogged_total",
            "client submits refused throttled because the carriers were delivery.max_backlog messages behind", in.backlogged);
    counter(w, "twinsms_intake_sender_refused_total",
            "client submits refused ESME_RINVSRCADR: the sender is not among the account's senders", in.sender_refused);
    counter(w, "twinsms_intake_opted_out_total",
            "client submits refused ESME_RX_R_APPN: the handset is on the account's opt-out list", in.opted_out);
    counter(w, "twinsms_intake_no_credit_total",
            "client submits refused ESME_RSUBMITFAIL: the account's credit does not cover them", in.no_credit);
    gauge(w, "twinsms_dispatch_backlog", "messages due now waiting for room on a bound carrier link", n.engine().dispatch().backlog());

    const auto& d = n.dispatch();
    const auto& ds = d.stats();
    counter(w, "twinsms_dispatch_submitted_total", "messages handed to a carrier link", ds.submitted);
    counter(w, "twinsms_dispatch_retries_total", "messages scheduled for another attempt", ds.retries);
    counter(w, "twinsms_dispatch_held_total", "messages held in quiet hours until their window ends", ds.held);
    counter(w, "twinsms_dispatch_refunds_total", "failed messages no carrier took whose price went back to the credit",
            ds.refunds);
    counter(w, "twinsms_dispatch_failovers_total", "attempts moved to another carrier", ds.failovers);
    counter(w, "twinsms_dispatch_finished_total", "messages in a final state", ds.finished);
    counter(w, "twinsms_dispatch_expired_total", "messages whose validity ran out", ds.expired);
    counter(w, "twinsms_dispatch_undeliverable_total", "messages given up as undeliverable", ds.undeliverable);
    counter(w, "twinsms_dispatch_receipts_total", "carrier receipts matched to a message", ds.receipts);
    counter(w, "twinsms_dispatch_unknown_receipts_total", "carrier receipts for no known message", ds.unknown_receipts);
    counter(w, "twinsms_dispatch_duplicate_receipts_total", "carrier receipts seen before", ds.duplicate_receipts);
    counter(w, "twinsms_dispatch_receipts_before_response_total",
            "unknown receipts asked again while responses were due", ds.receipts_before_response);
    counter(w, "twinsms_dispatch_receipts_yielded_to_peer_total",
            "receipts ours only by another reading of the id, the peer's as given: handed to the peer", ds.guesses_yielded);
    counter(w, "twinsms_dispatch_charset_refused_total",
            "attempts whose text the carrier's charset could not take (next carrier tried)", ds.charset_refused);
    counter(w, "twinsms_dispatch_split_messages_total", "messages sent to their carrier in parts (carrier charset)",
            ds.split_messages);
    counter(w, "twinsms_dispatch_split_parts_total", "parts of the messages sent in parts", ds.split_parts);
    gauge(w, "twinsms_dispatch_in_memory", "messages in the dispatcher's working set", d.in_memory());
    gauge(w, "twinsms_dispatch_parked", "messages waiting for a usable carrier", d.parked());

    const auto& dl = n.deliveries();
    const auto& dls = dl.stats();
    counter(w, "twinsms_deliveries_sent_total", "deliver_sm sent to clients (receipts, MO)", dls.sent);
    counter(w, "twinsms_deliveries_acknowledged_total", "deliver_sm clients answered OK", dls.acknowledged);
    counter(w, "twinsms_deliveries_client_errors_total", "deliver_sm clients answered with an error", dls.client_errors);
    counter(w, "twinsms_deliveries_expired_total", "deliveries given up", dls.expired);
    gauge(w, "twinsms_deliveries_pending", "deliveries waiting for a client", dl.pending());
    const auto& ns = n.stats();
    counter(w, "twinsms_deliveries_handed_to_peer_total",
            "deliveries for clients the peer node serves now, committed there and erased here", dls.handed_over);
    counter(w, "twinsms_deliveries_from_peer_total", "deliveries the peer node handed to this one, committed here",
            ns.deliveries_from_peer);
    counter(w, "twinsms_deliveries_from_peer_refused_total",
            "deliveries the peer node offered for a client not served here either (it keeps them)",
            ns.deliveries_from_peer_refused);
    counter(w, "twinsms_deliveries_duplicates_total",
            "second receipts for one message (handed over twice, or repeated by a carrier after a resend), dropped",
            dls.duplicates + ns.deliveries_from_peer_duplicates);

    const auto& from_carriers = n.engine().stats();
    counter(w, "twinsms_mo_received_total", "MO messages received from carriers", from_carriers.mo_received);
    counter(w, "twinsms_mo_unrouted_total", "MO messages no MO route matched", from_carriers.mo_unrouted);
    counter(w, "twinsms_opt_out_added_total", "handsets put on a client's opt-out list by an MO keyword (STOP)",
            from_carriers.opt_outs);
    counter(w, "twinsms_opt_out_removed_total", "handsets taken off a client's opt-out list by an MO keyword (START)",
            from_carriers.opt_ins);
    counter(w, "twinsms_receipts_received_total", "receipts received from carriers", from_carriers.receipts_received);
    counter(w, "twinsms_receipts_forwarded_total", "receipts handed to the peer node", ns.receipts_forwarded);
    counter(w, "twinsms_receipts_from_peer_total", "receipts the peer node handed to this one", ns.receipts_from_peer);

    const auto st = n.message_store().get_stats();
    gauge(w, "twinsms_store_messages", "messages in the store", st.messages);
    gauge(w, "twinsms_store_queued", "messages queued for a carrier", st.queued);
    gauge(w, "twinsms_store_deliveries", "deliveries to clients in the store", st.deliveries);
    gauge(w, "twinsms_store_map_size_bytes", "size of the store's memory map", st.map_size);
    gauge(w, "twinsms_store_map_used_bytes", "bytes of the store's memory map in use", st.map_used);
    counter(w, "twinsms_store_commits_total", "store transactions committed", st.commits);
    counter(w, "twinsms_store_batches_total", "write batches applied", st.batches);
    counter(w, "twinsms_store_commit_failures_total", "store transactions that failed", st.commit_failures);
    counter(w, "twinsms_store_map_growths_total", "times the store's map was grown", st.map_growths);
    counter(w, "twinsms_store_map_reserve_uses_total",
            "commits of progress (no new message) that needed the reserve beyond the map limit", st.map_reserve_uses);
    counter(w, "twinsms_store_syncs_total", "fdatasyncs that made commits durable (each covers every commit since the last)",
            st.meta_syncs);
    counter(w, "twinsms_store_sync_failures_total", "fdatasyncs that failed (the writes they covered were reported failed)",
            st.sync_failures);
    w.family("twinsms_store_ops_total", "counter", "LMDB operations (puts and erases) committed, by table");
    for (std::size_t i = 0; i < st.ops.size(); ++i)
        w.sample({{"table", store::table_name(static_cast<store::table>(i))}}, st.ops[i]);
    w.family("twinsms_store_commit_seconds", "histogram", "store transactions, from begin to committed (fsync included), seconds");
    w.histogram({}, st.commit_us, micros_per_second);
    w.family("twinsms_store_commit_batches", "histogram", "write batches per store transaction");
    w.histogram({}, st.commit_batches);
    w.family("twinsms_store_commit_records", "histogram", "records written (puts and erases) per store transaction");
    w.histogram({}, st.commit_ops);

    counter(w, "twinsms_smpp_tls_failures_total", "TLS handshakes on the SMPP listen_tls listeners that failed",
            n.smpp_tls_failures());
    if (admin) counter(w, "twinsms_admin_tls_failures_total", "HTTPS handshakes on the admin listener that failed",
                       admin->tls_failures());
    if (const auto* r = admin ? admin->responses() : nullptr) {
        // All of them, also refusals before an account is known (bad JSON,
        // 401, 413), which the per-client counters cannot hold.
        w.family("twinsms_admin_http_responses_total", "counter",
                 "responses of the admin listener (admin API, send API, status page), by HTTP status code");
        for (const auto& e : by_status(*r)) w.sample({{"code", std::to_string(e.status)}}, e.count);
        if (r->other()) w.sample({{"code", "other"}}, r->other());
    }

    timing_metrics(w, n, admin);
    guard_metrics(w, n.login_guard());
    if (const auto* c = n.cluster()) cluster_metrics(w, *c);
    if (const auto* r = n.replication()) replication_metrics(w, *r, n.clock()());
    if (const auto* m = n.work_merge()) {
        counter(w, "twinsms_replication_peer_work_merges_total",
                "failbacks without a restart: the peer's run of our store merged into ours", m->state().merges);
        counter(w, "twinsms_replication_peer_work_merge_failures_total",
                "merges of the peer's run of our store that failed (asked again)", m->state().failures);
    }
    if (const auto* t = n.peer_store())
        gauge(w, "twinsms_replica_held", "1 while the peer's promoted replica waits for the peer to fetch it",
              t->holding() ? 1 : 0);
    if (const auto* s = n.profile_replication()) settings_metrics(w, *s);
    if (const auto* s = n.smtp()) smtp_metrics(w, *s);
    if (alerts) alert_metrics(w, *alerts);
    return w.take();
}

http::handler metrics_handler(node& n, const alert::alerter* alerts, std::string token, const http::admin_http* admin,
                              http::admin_backend* accounts) {
    return [&n, alerts, admin, accounts, token = std::move(token)](const http::request& req, const http::path_params&) {
        if (auto refused = http::check_admin_token(req, token, accounts)) return *refused;
        http::response r;
        r.content_type = std::string{metrics_content_type};
        r.body = render_metrics(n, alerts, admin);
        return r;
    };
}

} // namespace twinsms::app
