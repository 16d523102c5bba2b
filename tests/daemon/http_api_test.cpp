// twinsmsd as a process serving the client accounts' send API on its admin
// listener, from a profile folder: tokens and roles from the client
// profile, a message over POST /api/v1/messages to the carrier, read back
// with the read token, Kannel's sendsms form, and a SIGHUP that changes the
// tokens (the old one stops working, the new one works at once).
#define BOOST_TEST_MODULE daemon_http_api
#include "daemon/daemon_fixture.hpp"
#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

const std::string send_token = "demo-send-token-0123456789";
const std::string read_token = "demo-read-token-0123456789";
const std::string new_token = "demo-newer-token-0123456789";

std::string http_section(const std::string& send) {
    return "  tps: 1000\n  http:\n    tokens:\n      - {token: " + send + ", roles: [send]}\n      - {token: " + read_token +
           ", roles: [read]}\n    sendsms: true\n";
}

struct api_daemon : daemon_fixture {
    smsc_simulator& carrier = add_demo_carrier();
    std::uint16_t admin_port = 0;

    api_daemon() {
        profiles.replace("node.yaml", "  log_level: info\n",
                         "  admin: {listen: 127.0.0.1:0, token: daemon-admin-token-0123456789}\n  log_level: info\n");
        profiles.replace("clients/demo.yaml", "  tps: 1000\n", http_section(send_token));
        start_daemon();
        const auto l = wait_event("admin", "listening");
        admin_port = static_cast<std::uint16_t>(std::stoi(logfmt_value(l, "port").value_or("0")));
        BOOST_REQUIRE(admin_port != 0);
    }
    // One request on its own connection (the daemon is another process:
    // it answers while this thread waits).
    http_reply call(const std::string& method, const std::string& target, std::vector<std::string> headers = {},
                    std::string body = {}) {
        raw_client c{admin_port};
        return c.request(method, target, headers, body);
    }
    http_reply send(const std::string& token, const std::string& body) {
        return call("POST", "/api/v1/messages", {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(send_read_and_sendsms_on_the_daemon, api_daemon) {
    const auto r = send(send_token, R"({"to":"46701234567","text":"hello over http","from":"Shop"})");
    BOOST_TEST_REQUIRE(r.status == 202u, r.body);
    const std::string id{r.json().at("messages").at(0).at("message_ids").at(0).as_string()};
    require([&] { return carrier.messages().size() == 1u; }, "the message at the carrier");
    BOOST_TEST(carrier.messages().front().text == "hello over http");
    BOOST_TEST(carrier.messages().front().source == "Shop");

    // The receipt recorded, read back with the read token.
    require([&] { return carrier.counters().receipts_sent >= 1u; }, "the carrier's receipt");
    std::string state;
    require([&] {
        const auto g = call("GET", "/api/v1/messages/" + id, {"Authorization: Bearer " + read_token});
        state = g.status == 200u ? std::string{g.json().at("state").as_string()} : std::to_string(g.status);
        return state == "delivered";
    }, "the message delivered");
    BOOST_TEST(call("GET", "/api/v1/messages/" + id, {"Authorization: Bearer " + send_token}).status == 403u);
    BOOST_TEST(send(read_token, R"({"to":"46701234567","text":"x"})").error_code() == "forbidden");
    // The node's admin token is not an account's.
    BOOST_TEST(send("daemon-admin-token-0123456789", R"({"to":"46701234567","text":"x"})").status == 401u);

    const auto k = call("GET", "/cgi-bin/sendsms?username=demo&password=demo123&to=46701234568&text=kannel+style");
    BOOST_TEST_REQUIRE(k.status == 202u, k.body);
    BOOST_TEST(k.body == "0: Accepted for delivery");
    require([&] { return carrier.messages().size() == 2u; }, "the form's message at the carrier");
    BOOST_TEST(carrier.messages().back().text == "kannel style");
}

BOOST_FIXTURE_TEST_CASE(sighup_changes_the_tokens, api_daemon) {
    BOOST_TEST_REQUIRE(send(send_token, R"({"to":"46701234567","text":"before"})").status == 202u);
    profiles.replace("clients/demo.yaml", "{token: " + send_token + ",", "{token: " + new_token + ",");
    daemon->signal(SIGHUP);
    wait_event("twinsmsd", "reloaded");
    BOOST_TEST(daemon->events("twinsmsd", "reload_refused").empty());
    BOOST_TEST(send(send_token, R"({"to":"46701234567","text":"old token"})").error_code() == "invalid_token");
    BOOST_TEST(send(new_token, R"({"to":"46701234567","text":"after"})").status == 202u);
    require([&] { return carrier.messages().size() == 2u; }, "both messages at the carrier");
    BOOST_TEST(carrier.messages().back().text == "after");
}
