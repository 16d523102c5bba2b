// GET /metrics' renderer: the Prometheus text format 0.0.4 checked line by
// line with a strict parser (app/exposition.hpp: comments, names, labels and
// their escaping, a TYPE for every sample, whole histograms), against a node
// in-process after some traffic.
#define BOOST_TEST_MODULE node_metrics
#include "app/node_harness.hpp"

#include <array>
#include <map>

#include "alert/alerter.hpp"
#include "app/exposition.hpp"
#include "app/metrics/node_metrics.hpp"
#include "http/server.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
struct node_with_carrier : node_fixture {
    node_with_carrier() {
        add_carrier("sim");
        profiles.routes = {route_to("all", {"sim"})};
        start_node();
        wait_carriers_up();
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
    BOOST_TEST(app::escape_label_value("plain") == "plain");
    BOOST_TEST(app::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");

    app::metrics_writer w;
    w.family("twinsms_test_total", "counter", "help with \\ and\nnewline");
    w.sample({{"carrier", "we\"ird\\na\nme"}, {"x", ""}}, std::uint64_t{7});
    w.family("twinsms_test_seconds", "gauge", "a gauge");
    w.sample({}, 1.25);
    const auto text = w.text();
    BOOST_TEST(text.find("# HELP twinsms_test_total help with \\\\ and\\nnewline\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_total{carrier=\"we\\\"ird\\\\na\\nme\",x=\"\"} 7\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_seconds 1.25\n") != std::string::npos, text);
    const auto e = parse(text);
    BOOST_TEST(e.errors.empty(), errors_of(e));
    const auto* s = e.find("twinsms_test_total", {{"carrier", "we\"ird\\na\nme"}, {"x", ""}});
    BOOST_REQUIRE(s);
    BOOST_TEST(s->value == 7);
}

BOOST_AUTO_TEST_CASE(histograms_are_cumulative_buckets_up_to_inf_then_sum_and_count) {
    static constexpr std::array<std::uint64_t, 3> bounds{50, 1'000, 2'500'000};
    metrics::histogram h{bounds};
    for (std::uint64_t v : {10, 50, 51, 900, 3'000'000}) h.observe(v);
    app::metrics_writer w;
    w.family("twinsms_test_seconds", "histogram", "a latency");
    w.histogram({{"carrier", "sim"}}, h.snapshot(), 1'000'000);
    w.family("twinsms_test_size", "histogram", "a size");
    w.histogram({}, h.snapshot());
    const auto text = w.text();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(text.find("# TYPE twinsms_test_seconds histogram\n"
                         "twinsms_test_seconds_bucket{carrier=\"sim\",le=\"0.00005\"} 2\n"
                         "twinsms_test_seconds_bucket{carrier=\"sim\",le=\"0.001\"} 4\n"
                         "twinsms_test_seconds_bucket{carrier=\"sim\",le=\"2.5\"} 4\n"
                         "twinsms_test_seconds_bucket{carrier=\"sim\",le=\"+Inf\"} 5\n"
                         "twinsms_test_seconds_sum{carrier=\"sim\"} 3.001011\n"
                         "twinsms_test_seconds_count{carrier=\"sim\"} 5\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_size_bucket{le=\"50\"} 2\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_size_sum 3001011\n") != std::string::npos, text);
    const auto e = parse(text);
    BOOST_TEST(e.errors.empty(), errors_of(e));
    const auto s = e.histogram("twinsms_test_seconds", {{"carrier", "sim"}});
    BOOST_REQUIRE(s.has_value());
    BOOST_TEST(s->count == 5);
    BOOST_TEST(s->buckets.size() == 4u);
}

BOOST_AUTO_TEST_CASE(the_parser_refuses_what_is_not_the_format) {
    BOOST_TEST(!parse("# TYPE a counter\na{b=\"c} 1\n").errors.empty());     // unterminated value
    BOOST_TEST(!parse("# TYPE a counter\na{b=\"\\x\"} 1\n").errors.empty()); // unknown escape
    BOOST_TEST(!parse("a 1\n").errors.empty());                              // no TYPE
    BOOST_TEST(!parse("# TYPE 1a counter\n1a 1\n").errors.empty());          // bad name
    BOOST_TEST(!parse("# TYPE a counter\na one\n").errors.empty());          // bad value
    BOOST_TEST(parse("# TYPE a:b gauge\na:b{c=\"d\"} -1.5\n").errors.empty());
    BOOST_TEST(!parse("# TYPE a gauge\n# TYPE b gauge\na 1\nb 1\na{x=\"1\"} 1\n").errors.empty()); // not together
    const std::string h = "# TYPE h histogram\n";
    BOOST_TEST(parse(h + "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n").errors.empty());
    BOOST_TEST(!parse(h + "h_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n").errors.empty()); // not cumulative
    BOOST_TEST(!parse(h + "h_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n").errors.empty());
    BOOST_TEST(!parse(h + "h_bucket{le=\"1\"} 1\nh_sum 3\nh_count 1\n").errors.empty());                    // no +Inf
    BOOST_TEST(!parse(h + "h_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 3\n").errors.empty());                 // count differs
    BOOST_TEST(!parse(h + "h_bucket{le=\"+Inf\"} 2\nh_count 2\n").errors.empty());                           // no sum
    BOOST_TEST(!parse(h + "h_bucket 2\nh_sum 3\nh_count 2\n").errors.empty());                                 // bucket without le
    BOOST_TEST(!parse(h + "h 2\n").errors.empty());                                                             // bare name
}

BOOST_FIXTURE_TEST_CASE(a_node_after_traffic, node_with_carrier) {
    auto c = client();
    constexpr int n = 5;
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        auto a = request(*c, make_submit("467000000" + std::to_string(i), "m" + std::to_string(i), 0));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    for (const auto& id : ids) wait_state(id, store::msg_state::delivered);

    node->message_store().flush(); // the commit figures below hold still
    asio::io_context alert_io;
    alert::alerter alerts{alert_io.get_executor(), config::alert_settings{}, "test", {}};
    const auto text = app::render_metrics(*node, &alerts);
    BOOST_TEST_MESSAGE(text);
    const auto e = parse(text);
    BOOST_TEST(e.errors.empty(), errors_of(e));
    for (const auto& s : e.samples) BOOST_TEST(s.name.rfind("twinsms_", 0) == 0u, s.name);
    for (const auto& [name, type] : e.types) {
        if (type == "counter") BOOST_TEST((name.size() > 6 && name.substr(name.size() - 6) == "_total"), name);
        if (type == "histogram") BOOST_TEST(!name.ends_with("_total"), name);
    }

    auto value = [&](std::string_view name, std::map<std::string, std::string> labels = {}) {
        const auto* s = e.find(name, labels);
        BOOST_TEST_REQUIRE(s != nullptr, std::string{name});
        return s->value;
    };
    BOOST_TEST(value("twinsms_node_info", {{"node", "test"}, {"role", "primary"}}) == 1);
    BOOST_TEST(value("twinsms_carrier_submitted_total", {{"carrier", "sim"}}) == n);
    BOOST_TEST(value("twinsms_carrier_accepted_total", {{"carrier", "sim"}}) == n);
    BOOST_TEST(value("twinsms_carrier_bound", {{"carrier", "sim"}}) == 1);
    BOOST_TEST(value("twinsms_carrier_binds_total", {{"carrier", "sim"}}) >= 1);
    BOOST_TEST(value("twinsms_carrier_in_flight", {{"carrier", "sim"}}) == 0);
    BOOST_TEST(value("twinsms_submits_accepted_total") == n);
    BOOST_TEST(value("twinsms_submits_refused_total") == 0);
    BOOST_TEST(value("twinsms_dispatch_submitted_total") == n);
    BOOST_TEST(value("twinsms_dispatch_finished_total") == n);
    BOOST_TEST(value("twinsms_store_messages") >= n);
    BOOST_TEST(value("twinsms_store_map_size_bytes") > 0);
    BOOST_TEST(value("twinsms_store_commits_total") > 0);
    // Issue 5's families, with plausible values after n submits.
    BOOST_TEST(value("twinsms_carrier_responses_total", {{"carrier", "sim"}, {"status", "0x00000000"}}) == n);
    BOOST_TEST(value("twinsms_carrier_window", {{"carrier", "sim"}}) == 20); // node_harness' carrier window
    BOOST_TEST(value("twinsms_carrier_receipts_total", {{"carrier", "sim"}}) == n);
    BOOST_TEST(value("twinsms_carrier_mo_total", {{"carrier", "sim"}}) == 0);
    BOOST_TEST(value("twinsms_carrier_tls_failures_total", {{"carrier", "sim"}}) == 0);
    const auto carrier_latency = e.histogram("twinsms_carrier_response_seconds", {{"carrier", "sim"}});
    BOOST_REQUIRE(carrier_latency.has_value());
    BOOST_TEST(carrier_latency->count == n);
    BOOST_TEST(carrier_latency->sum > 0);
    BOOST_TEST(carrier_latency->sum < n * 10.0); // seconds, not microseconds
    BOOST_TEST(value("twinsms_client_submits_accepted_total", {{"client", "acme"}}) == n);
    BOOST_TEST(value("twinsms_client_responses_total", {{"client", "acme"}, {"status", "0x00000000"}}) == n);
    BOOST_TEST(value("twinsms_client_throttled_total", {{"client", "acme"}}) == 0);
    BOOST_TEST(value("twinsms_client_sessions", {{"client", "acme"}}) == 1);
    BOOST_TEST(value("twinsms_client_window", {{"client", "acme"}}) > 0); // a transceiver bind
    BOOST_TEST(value("twinsms_client_in_flight", {{"client", "acme"}}) == 0);
    const auto submit_latency = e.histogram("twinsms_client_submit_seconds", {{"client", "acme"}});
    BOOST_REQUIRE(submit_latency.has_value());
    BOOST_TEST(submit_latency->count == n);
    BOOST_TEST(submit_latency->sum > 0); // a durable commit each
    // A client profile with no traffic has its series, at 0.
    BOOST_TEST(value("twinsms_client_submits_accepted_total", {{"client", "beta"}}) == 0);
    BOOST_TEST(value("twinsms_client_sessions", {{"client", "beta"}}) == 0);
    BOOST_TEST(e.histogram("twinsms_client_submit_seconds", {{"client", "beta"}})->count == 0);
    const auto commits = value("twinsms_store_commits_total");
    const auto batches = e.histogram("twinsms_store_commit_batches");
    BOOST_REQUIRE(batches.has_value());
    BOOST_TEST(batches->count == commits);
    BOOST_TEST(batches->sum == value("twinsms_store_batches_total"));
    BOOST_TEST(e.histogram("twinsms_store_commit_records")->count == commits);
    BOOST_TEST(e.histogram("twinsms_store_commit_records")->sum >= batches->sum);
    BOOST_TEST(e.histogram("twinsms_store_commit_seconds")->count == commits);
    BOOST_TEST(value("twinsms_smpp_tls_failures_total") == 0);
    BOOST_TEST(!e.types.count("twinsms_admin_tls_failures_total")); // no admin listener given
    BOOST_TEST(e.types.at("twinsms_store_commits_total") == "counter");
    BOOST_TEST(e.types.at("twinsms_dispatch_parked") == "gauge");
    // No cluster section: no cluster metrics.
    BOOST_TEST(!e.types.count("twinsms_cluster_mode"));
    BOOST_TEST(value("twinsms_alerts_raised_total") == 0);
    BOOST_TEST(value("twinsms_alerts_sent_total", {{"channel", "sms"}}) == 0);
    BOOST_TEST(value("twinsms_alerts_failures_total", {{"channel", "email"}}) == 0);
    // Without an alerter, no alert metrics.
    BOOST_TEST(!parse(app::render_metrics(*node, nullptr)).types.count("twinsms_alerts_raised_total"));
}

BOOST_FIXTURE_TEST_CASE(the_handler_wants_the_admin_token, node_with_carrier) {
    auto h = app::metrics_handler(*node, nullptr, "secret-token");
    http::request req;
    req.method = "GET";
    req.target = req.path = "/metrics";
    BOOST_TEST(h(req, {}).status == 401u);
    req.headers = {{"authorization", "Bearer wrong"}};
    BOOST_TEST(h(req, {}).status == 403u);
    req.headers = {{"authorization", "Bearer secret-token"}};
    const auto r = h(req, {});
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0u, r.content_type);
    BOOST_TEST(parse(r.body).errors.empty(), errors_of(parse(r.body)));
}
