// A node delivering a client's MO and receipts to its webhook: a real HTTP
// receiver (our own server) on loopback, the carrier simulator, the node
// in-process, one io_context.
#define BOOST_TEST_MODULE webhook_flow
#include "app/node_harness.hpp"

#include <deque>

#include <boost/json/parse.hpp>

#include "http/server.hpp"
#include "webhook/payload.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace json = boost::json;

namespace {
constexpr std::string_view secret = "webhook-secret-0123456789";

// Records every POST and answers with the next scripted status (200 once
// the script is used up).
struct receiver {
    http::server server;
    std::vector<http::request> got;
    std::deque<unsigned> script;

    explicit receiver(asio::io_context& io) : server{io.get_executor(), {}} {
        server.routes().add("POST", "/hook", [this](const http::request& r, const http::path_params&) {
            got.push_back(r);
            http::response resp;
            resp.status = 200;
            if (!script.empty()) {
                resp.status = script.front();
                script.pop_front();
            }
            resp.body = "{}";
            return resp;
        });
        server.start();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server.local_endpoint().port()) + "/hook"; }
    json::object body(std::size_t i) const { return json::parse(got.at(i).body).as_object(); }
};

struct webhook_node : node_fixture {
    sim::smsc_simulator& carrier;
    receiver hook{io};
    webhook_node(bool mo = true) : carrier{add_carrier("sim")} {
        profiles.routes = {route_to("all", {"sim"})};
        config::mo_rule rule;
        rule.name = "all-mo";
        rule.client = "acme";
        profiles.mo_routes = {rule};
        config::webhook_settings w;
        w.url = hook.url();
        w.secret = std::string{secret};
        w.retry_initial = std::chrono::milliseconds(50);
        w.retry_max = std::chrono::milliseconds(200);
        w.mo = mo;
        profiles.clients.at(0).webhook = w;
        start_node();
        wait_carriers_up();
    }
    std::size_t stored_deliveries() { return node->message_store().deliveries_for("acme", 100).size(); }
};

struct receipts_only : webhook_node {
    receipts_only() : webhook_node(false) {}
};
} // namespace

BOOST_FIXTURE_TEST_CASE(receipts_and_mo_are_posted_signed_and_then_forgotten, webhook_node) {
    auto c = client(bind_type::transmitter);
    auto a = request(*c, make_submit("447700900001", "hello", 1));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return hook.got.size() == 1u; });
    const auto& r = hook.got[0];
    BOOST_TEST(r.header("content-type") == "application/json");
    const auto ts = std::string{r.header("x-twinsms-timestamp")};
    BOOST_TEST(r.header("x-twinsms-signature") == webhook::signature(secret, ts, r.body));
    auto receipt = hook.body(0);
    BOOST_TEST(receipt.at("type").as_string() == "receipt");
    BOOST_TEST(receipt.at("message_id").as_string() == a.message_id());
    BOOST_TEST(receipt.at("state").as_string() == "DELIVRD");
    BOOST_TEST(receipt.at("from").as_string() == "447700900001");
    BOOST_TEST(r.header("x-twinsms-delivery") == receipt.at("delivery_id").as_string());

    carrier.send_mo("twinsms", "447700900999", "80080", "STOP all");
    run([&] { return hook.got.size() == 2u; });
    auto mo = hook.body(1);
    BOOST_TEST(mo.at("type").as_string() == "mo");
    BOOST_TEST(mo.at("text").as_string() == "STOP all");
    BOOST_TEST(mo.at("from").as_string() == "447700900999");
    run([&] { return carrier.counters().mo_sent == 1u; }); // acknowledged to the carrier after the commit
    run([&] { return stored_deliveries() == 0u; });         // erased once the receiver said 2xx
    BOOST_TEST(node->deliveries().stats().acknowledged == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_failing_receiver_gets_the_same_delivery_again_with_backoff, webhook_node) {
    hook.script = {503, 500};
    carrier.send_mo("twinsms", "447700900998", "80080", "retry me");
    run([&] { return hook.got.size() == 3u; });
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(hook.body(i).at("text").as_string() == "retry me");
        BOOST_TEST(hook.got[i].header("x-twinsms-delivery") == hook.got[0].header("x-twinsms-delivery"));
        BOOST_TEST(hook.body(i).at("attempt").as_int64() == static_cast<std::int64_t>(i + 1));
    }
    run([&] { return stored_deliveries() == 0u; });
    BOOST_TEST(node->deliveries().stats().client_errors == 2u);
    BOOST_TEST(node->deliveries().stats().acknowledged == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_4xx_refuses_the_delivery_for_good, webhook_node) {
    hook.script = {400};
    carrier.send_mo("twinsms", "447700900997", "80080", "refused");
    run([&] { return node->deliveries().stats().undeliverable == 1u; });
    BOOST_TEST(hook.got.size() == 1u);
    run([&] { return stored_deliveries() == 0u; });
    // The next one goes out normally.
    carrier.send_mo("twinsms", "447700900997", "80080", "next");
    run([&] { return hook.got.size() == 2u; });
    BOOST_TEST(hook.body(1).at("text").as_string() == "next");
}

BOOST_FIXTURE_TEST_CASE(a_dead_receiver_keeps_deliveries_stored, webhook_node) {
    // Close the receiver: connections are refused from now on.
    bool stopped = false;
    asio::co_spawn(io, hook.server.stop(), [&](std::exception_ptr) { stopped = true; });
    run([&] { return stopped; });
    carrier.send_mo("twinsms", "447700900996", "80080", "kept");
    run([&] { return node->deliveries().stats().client_errors >= 2u; });
    BOOST_TEST(stored_deliveries() == 1u);
    BOOST_TEST(node->deliveries().stats().acknowledged == 0u);
}

BOOST_FIXTURE_TEST_CASE(mo_goes_to_the_smpp_bind_when_the_webhook_takes_receipts_only, receipts_only) {
    auto rx = client(bind_type::receiver);
    carrier.send_mo("twinsms", "447700900995", "80080", "over smpp");
    run([&] { return rx->delivered.size() == 1u; });
    BOOST_TEST(std::string{rx->dsm(0).short_message} == "over smpp");
    BOOST_TEST(hook.got.empty());
}
