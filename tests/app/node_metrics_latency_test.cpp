// The message path's latency histograms after real traffic through a node
// in-process: submit to commit (twinsms_client_submit_seconds), commit to
// the first carrier submit, carrier receipt to the client's acknowledgement
// of its deliver_sm, the HTTP send API's request to answer, and the store's
// commit duration and batch sizes; and no certificate expiry on a node
// without TLS.
#define BOOST_TEST_MODULE node_metrics_latency
#include "app/node_harness.hpp"

#include <optional>

#include "app/exposition.hpp"
#include "app/front_doors/node_http.hpp"
#include "app/http_send.hpp"
#include "app/metrics/node_metrics.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct latency_fixture : node_fixture {
    sim::smsc_simulator& carrier;
    std::unique_ptr<app::node_http> http;

    latency_fixture() : carrier{add_carrier("sim")} {
        profiles.routes = {route_to("all", {"sim"})};
        profiles.clients[1].account.tps = 0.1; // beta: one SMS per 10 s, its second HTTP send is refused
        profiles.clients[1].account.burst = 1;
        start_node();
        wait_carriers_up();
        http = std::make_unique<app::node_http>(*node);
    }
    exposition scrape() {
        node->message_store().flush(); // commit figures hold still while rendering
        auto e = parse(app::render_metrics(*node, nullptr));
        BOOST_TEST(e.errors.empty(), errors_of(e));
        return e;
    }
    static double count(const exposition& e, std::string_view name, std::map<std::string, std::string> labels = {}) {
        const auto h = e.histogram(name, labels);
        BOOST_TEST_REQUIRE(h.has_value(), std::string{name});
        return h->count;
    }
    http::submit_result http_send(const std::string& system_id, const std::string& to) {
        return test::http_send(*this, *http, system_id, to);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(every_leg_of_the_message_path_is_timed, latency_fixture) {
    auto e = scrape(); // before any traffic: the families are there, empty
    for (const char* h : {"twinsms_dispatch_commit_to_submit_seconds", "twinsms_receipt_delivery_seconds"})
        BOOST_TEST(count(e, h) == 0, h);
    BOOST_TEST(count(e, "twinsms_client_http_send_seconds", {{"client", "acme"}}) == 0);
    BOOST_TEST(!e.find("twinsms_tls_certificate_expiry_timestamp_seconds", {{"listener", "smpp"}})); // no TLS here
    BOOST_TEST(!e.types.count("twinsms_tls_certificate_expiry_timestamp_seconds"));

    auto acme = client();
    for (int i = 0; i < 3; ++i) {
        auto a = request(*acme, make_submit("44770090040" + std::to_string(i), "timed", 1));
        BOOST_REQUIRE(a.status() == status::ok);
        wait_state(a.message_id(), store::msg_state::delivered);
    }
    const auto r = http_send("acme", "447700900410");
    BOOST_REQUIRE(!r.error);
    wait_state(r.ids.at(0).at(0), store::msg_state::delivered);
    BOOST_TEST(!http_send("beta", "447700900420").error);
    const auto refused = http_send("beta", "447700900421"); // a refusal is answered too: timed under beta
    BOOST_REQUIRE(refused.error.has_value());
    BOOST_TEST(refused.error->code == "throttled");
    // Every receipt acknowledged by acme's transceiver.
    run([&] { return node->deliveries().account("acme").receipts == 4u; });
    run([&] { return node->dispatch().stats().submitted == 5u; }); // beta's one too

    e = scrape();
    BOOST_TEST(count(e, "twinsms_client_submit_seconds", {{"client", "acme"}}) == 4); // submit to commit
    BOOST_TEST(count(e, "twinsms_dispatch_commit_to_submit_seconds") == 5);           // one first attempt each (beta's too)
    BOOST_TEST(count(e, "twinsms_receipt_delivery_seconds") == 4);                    // receipt to deliver_sm_resp
    BOOST_TEST(count(e, "twinsms_client_http_send_seconds", {{"client", "acme"}}) == 1);
    BOOST_TEST(count(e, "twinsms_client_http_send_seconds", {{"client", "beta"}}) == 2);
    // The receipts came 0 ms or more after their message: the carrier's
    // round trip, so the histogram's sum is below the test's run time.
    const auto rd = e.histogram("twinsms_receipt_delivery_seconds");
    BOOST_TEST(rd->sum >= 0);
    BOOST_TEST(rd->sum < 40);
    // The store's commits: duration and records per transaction.
    BOOST_TEST(count(e, "twinsms_store_commit_seconds") > 0);
    BOOST_TEST(count(e, "twinsms_store_commit_records") == count(e, "twinsms_store_commit_seconds"));
    BOOST_TEST(e.histogram("twinsms_store_commit_records")->sum >= 4); // at least the 4 messages' puts
}
