// twinsmsd's one credential guard (node.auth_guard): failed binds on one
// SMPP listener block the address on the node's other listener and at its
// admin API; an unknown system_id is answered like a wrong password (the log
// tells them apart); the figures are on /metrics.
#define BOOST_TEST_MODULE hostile_login_guard
#include "hostile/abusers_smpp.hpp"
#include "hostile/hostile_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace twinsms::test::hostile;

namespace {

struct guarded_daemon : daemon_fixture {
    smsc_simulator& carrier = add_demo_carrier();
    std::vector<tcp::endpoint> listeners;
    std::uint16_t admin_port = 0;

    guarded_daemon() {
        // Two listeners (127.0.0.1 and 127.0.0.2), and a guard that blocks after 3.
        profiles.replace("node.yaml", "  listen: [127.0.0.1:0]\n",
                         "  listen: [127.0.0.1:0, 127.0.0.2:0]\n"
                         "  auth_guard: {max_failures: 3, window: 1m, block_for: 5m, account_max_failures: 50}\n"
                         "  admin: {listen: 127.0.0.1:0, token: " + admin_token + "}\n");
        start_daemon();
        require([&] { return daemon->events("node", "listening").size() == 2; }, "both listeners");
        for (const auto& l : daemon->events("node", "listening"))
            listeners.emplace_back(asio::ip::make_address(*logfmt_value(l, "address")),
                                   static_cast<std::uint16_t>(std::stoi(*logfmt_value(l, "port"))));
        const auto l = wait_event("admin", "listening");
        admin_port = static_cast<std::uint16_t>(std::stoi(logfmt_value(l, "port").value_or("0")));
    }
    // A bind from `from` to `to`: its bind_resp status.
    std::uint32_t bind_status(const char* from, tcp::endpoint to, std::string sys, std::string pw) {
        std::optional<std::optional<std::uint32_t>> r;
        asio::co_spawn(io, [](asio::ip::address from, tcp::endpoint to, std::string sys, std::string pw)
                               -> asio::awaitable<std::optional<std::uint32_t>> {
            tcp::socket s{co_await asio::this_coro::executor};
            co_return co_await raw_bind(s, from, to, sys, pw);
        }(asio::ip::make_address(from), to, sys, pw), [&r](std::exception_ptr, std::optional<std::uint32_t> st) { r = st; });
        require([&] { return r.has_value(); }, "bind_resp");
        BOOST_REQUIRE_MESSAGE(r->has_value(), "no bind_resp");
        return **r;
    }
    unsigned admin_status(const char* from) {
        raw_client c{admin_port, std::nullopt, from};
        return c.request("GET", "/api/v1/status", {"Authorization: Bearer " + admin_token}).status;
    }
    double metric(const std::string& sample) {
        raw_client c{admin_port};
        const auto r = c.request("GET", "/metrics", {"Authorization: Bearer " + admin_token});
        const auto at = r.body.find("\n" + sample + " ");
        return at == std::string::npos ? -1 : std::stod(r.body.substr(at + sample.size() + 2));
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_listeners_and_doors_of_a_node_share_one_guard, guarded_daemon) {
    BOOST_TEST_REQUIRE(listeners.size() == 2u);
    BOOST_TEST(listeners[1].address().to_string() == "127.0.0.2");
    // Unknown system_id and wrong password: one answer, ESME_RINVPASWD.
    BOOST_TEST(bind_status("127.0.0.60", listeners[0], "nosuchid", "demo123") == 0x0Eu);
    BOOST_TEST(bind_status("127.0.0.60", listeners[0], "demo", "wrong") == 0x0Eu);
    require([&] { return daemon->events("listener", "bind_rejected").size() == 2; }, "the log lines");
    const auto rejected = daemon->events("listener", "bind_rejected");
    BOOST_TEST(logfmt_value(rejected[0], "reason").value_or("") == "unknown system_id");
    BOOST_TEST(logfmt_value(rejected[1], "reason").value_or("") == "wrong password");
    // The third failure, on the other listener, blocks the address everywhere.
    BOOST_TEST(bind_status("127.0.0.60", listeners[1], "demo", "wrong2") == 0x0Eu);
    wait_event("listener", "auth_guard");
    BOOST_TEST(bind_status("127.0.0.60", listeners[0], "demo", "demo123") == 0x0Du);
    BOOST_TEST(bind_status("127.0.0.60", listeners[1], "demo", "demo123") == 0x0Du);
    BOOST_TEST(admin_status("127.0.0.60") == 429u);
    // Everyone else is served.
    BOOST_TEST(bind_status("127.0.0.61", listeners[1], "demo", "demo123") == 0u);
    BOOST_TEST(admin_status("127.0.0.61") == 200u);
    BOOST_TEST(metric("twinsms_auth_failures_total{door=\"smpp\"}") == 3);
    BOOST_TEST(metric("twinsms_auth_refused_total{door=\"smpp\",reason=\"address_blocked\"}") == 2);
    BOOST_TEST(metric("twinsms_auth_refused_total{door=\"admin\",reason=\"address_blocked\"}") == 1);
    BOOST_TEST(metric("twinsms_auth_blocks_total{kind=\"address\"}") == 1);
}
