// The per client and per carrier /metrics families after real traffic
// through a node in-process: accepted submits, answers by status (refusals,
// throttles), latency histograms counting each answered submit, receipts
// and MO the client acknowledged, deliveries waiting for a bind, window
// sizes, and the carrier's answers by status, whether the submits came
// over SMPP or the HTTP send API.
#define BOOST_TEST_MODULE node_metrics_traffic
#include "app/node_harness.hpp"

#include <optional>

#include "app/exposition.hpp"
#include "app/front_doors/node_http.hpp"
#include "app/http_send.hpp"
#include "app/metrics/node_metrics.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct traffic : node_fixture {
    sim::smsc_simulator& carrier;
    std::unique_ptr<app::node_http> http;

    traffic() : carrier{add_carrier("sim")} {
        profiles.clients[0].name = "acme-profile"; // system_id stays acme: the label is the profile's name
        profiles.clients[1].account.tps = 0.1;     // beta: one SMS per 10 s, per front door
        profiles.clients[1].account.burst = 1;
        profiles.routes = {route_to("all", {"sim"})};
        profiles.mo_routes = {mo_to_client("all-mo", "acme-profile")};
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
    static double value(const exposition& e, std::string_view name, std::map<std::string, std::string> labels) {
        const auto* s = e.find(name, labels);
        BOOST_TEST_REQUIRE(s != nullptr, std::string{name});
        return s->value;
    }
    http::submit_result http_send(const std::string& system_id, const std::string& to) {
        return test::http_send(*this, *http, system_id, to);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(per_client_and_per_carrier_figures_follow_the_traffic, traffic) {
    auto acme = client();
    for (int i = 0; i < 3; ++i) {
        auto a = request(*acme, make_submit("44770090010" + std::to_string(i), "ok", 1));
        BOOST_REQUIRE(a.status() == status::ok);
        wait_state(a.message_id(), store::msg_state::delivered);
    }
    auto bad_time = make_submit("447700900110", "when?", 1);
    bad_time.as<submit_sm>()->schedule_delivery_time = "not a time";
    BOOST_REQUIRE(request(*acme, bad_time).status() == status::invsched);
    carrier.fail_with(status::invdstadr); // a permanent refusal: no retry, a failure receipt from us
    auto refused = request(*acme, make_submit("447700900120", "nowhere", 1));
    BOOST_REQUIRE(refused.status() == status::ok);
    wait_state(refused.message_id(), store::msg_state::undeliverable);
    carrier.fail_off();
    carrier.send_mo("twinsms", "447700900999", "80080", "hello");
    const auto r = http_send("acme", "447700900130");
    BOOST_REQUIRE(!r.error);
    wait_state(r.ids.at(0).at(0), store::msg_state::delivered);
    run([&] { return node->deliveries().account("acme").receipts == 5u && node->deliveries().account("acme").mo == 1u; });

    // beta over SMPP and HTTP at 0.1 SMS/s: what the limit refused is counted, whatever the door.
    auto beta = client(bind_type::transceiver, "beta", "pw2");
    int beta_ok = 0, beta_throttled = 0;
    for (int i = 0; i < 3; ++i) {
        auto a = request(*beta, make_submit("44770090020" + std::to_string(i), "b", 0));
        if (a.status() == status::ok) ++beta_ok;
        else if (a.status() == status::throttled) ++beta_throttled;
        else BOOST_FAIL("unexpected status " << a.status());
    }
    for (int i = 0; i < 3; ++i) {
        const auto h = http_send("beta", "44770090030" + std::to_string(i));
        if (!h.error) ++beta_ok;
        else if (h.error->code == "throttled") ++beta_throttled;
        else BOOST_FAIL("unexpected error " << h.error->code);
    }
    BOOST_TEST(beta_throttled >= 4); // each door's second and third
    const auto receipts_from_sim = [&] {
        const auto& by = node->engine().stats().by_carrier;
        return by.count("sim") ? by.at("sim").receipts : 0u;
    };
    run([&] { return receipts_from_sim() == std::uint64_t(4 + beta_ok); }); // every accepted one but the refused

    const auto e = scrape();
    const std::map<std::string, std::string> a{{"client", "acme-profile"}}, b{{"client", "beta"}};
    const auto with = [](std::map<std::string, std::string> labels, const std::string& k, const std::string& v) {
        labels[k] = v;
        return labels;
    };
    BOOST_TEST(!e.find("twinsms_client_submits_accepted_total", {{"client", "acme"}})); // not the system_id
    BOOST_TEST(value(e, "twinsms_client_submits_accepted_total", a) == 5);                 // 4 SMPP, 1 HTTP
    BOOST_TEST(value(e, "twinsms_client_responses_total", with(a, "status", "0x00000000")) == 5);
    BOOST_TEST(value(e, "twinsms_client_responses_total", with(a, "status", "0x00000061")) == 1); // ESME_RINVSCHED
    BOOST_TEST(!e.find("twinsms_client_responses_total", with(a, "status", "0x00000058")));
    BOOST_TEST(value(e, "twinsms_client_throttled_total", a) == 0);
    BOOST_TEST(e.histogram("twinsms_client_submit_seconds", a)->count == 5); // every committed one, both doors
    BOOST_TEST(value(e, "twinsms_client_receipts_delivered_total", a) == 5);  // 4 carrier receipts, 1 our failure receipt
    BOOST_TEST(value(e, "twinsms_client_mo_delivered_total", a) == 1);
    BOOST_TEST(value(e, "twinsms_client_deliveries_pending", a) == 0);
    BOOST_TEST(value(e, "twinsms_client_deliveries_in_flight", a) == 0);

    BOOST_TEST(value(e, "twinsms_client_submits_accepted_total", b) == beta_ok);
    BOOST_TEST(value(e, "twinsms_client_throttled_total", b) == beta_throttled);
    BOOST_TEST(value(e, "twinsms_client_responses_total", with(b, "status", "0x00000058")) == beta_throttled);
    BOOST_TEST(value(e, "twinsms_client_responses_total", with(b, "status", "0x00000000")) == beta_ok);
    BOOST_TEST(e.histogram("twinsms_client_submit_seconds", b)->count == beta_ok); // throttled ones never reach the store

    const std::map<std::string, std::string> sim{{"carrier", "sim"}};
    BOOST_TEST(value(e, "twinsms_carrier_window", sim) == 20);
    BOOST_TEST(value(e, "twinsms_carrier_in_flight", sim) == 0);
    BOOST_TEST(value(e, "twinsms_carrier_responses_total", with(sim, "status", "0x00000000")) == 4 + beta_ok);
    BOOST_TEST(value(e, "twinsms_carrier_responses_total", with(sim, "status", "0x0000000b")) == 1); // ESME_RINVDSTADR
    BOOST_TEST(e.histogram("twinsms_carrier_response_seconds", sim)->count == 5 + beta_ok);
    BOOST_TEST(value(e, "twinsms_carrier_receipts_total", sim) == 4 + beta_ok);
    BOOST_TEST(value(e, "twinsms_carrier_mo_total", sim) == 1);
}

BOOST_FIXTURE_TEST_CASE(deliveries_wait_for_a_receiver_and_windows_are_the_receivers, traffic) {
    auto tx = client(bind_type::transmitter);
    auto s = request(*tx, make_submit("447700900140", "later", 1));
    BOOST_REQUIRE(s.status() == status::ok);
    wait_state(s.message_id(), store::msg_state::delivered);
    run([&] { return node->deliveries().account("acme").pending == 1u; });
    const std::map<std::string, std::string> a{{"client", "acme-profile"}};
    auto e = scrape();
    BOOST_TEST(value(e, "twinsms_client_deliveries_pending", a) == 1); // its receipt, no receiver bound
    BOOST_TEST(value(e, "twinsms_client_sessions", a) == 1);
    BOOST_TEST(value(e, "twinsms_client_window", a) == 0); // a transmitter gets no deliver_sm

    auto rx = client(bind_type::receiver);
    run([&] { return node->deliveries().account("acme").receipts == 1u; });
    e = scrape();
    BOOST_TEST(value(e, "twinsms_client_deliveries_pending", a) == 0);
    BOOST_TEST(value(e, "twinsms_client_receipts_delivered_total", a) == 1);
    BOOST_TEST(value(e, "twinsms_client_sessions", a) == 2);
    BOOST_TEST(value(e, "twinsms_client_window", a) == node->profiles().node.client_session.window);
    BOOST_TEST(value(e, "twinsms_client_in_flight", a) == 0);
}
