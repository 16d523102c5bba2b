#pragma once
// The HTTP send API on a whole node in-process, for tests/app/node_http*:
// the node of node_harness.hpp with a carrier simulator ("sim", route
// "uk" for 44...), accounts with API tokens (acme: a send token and a read
// token, sendsms on; beta: an admin token at 1 SMS/s, burst 2; gamma:
// passive), and the admin listener with the send routes on 127.0.0.1:0.
// Requests go over a real socket from another thread while the test
// thread runs the node.
#include "app/node_harness.hpp"

#include <algorithm>
#include <future>

#include "app/front_doors/node_admin.hpp"
#include "app/front_doors/node_http.hpp"
#include "http/test_support.hpp"
#include "route/parts.hpp"

namespace twinsms::test {

inline config::http_token api_token(std::string t, bool send, bool read) {
    config::http_token k;
    k.token = std::move(t);
    k.send = send;
    k.read = read;
    return k;
}

inline const std::string send_token = "acme-send-token-0123456789";
inline const std::string read_token = "acme-read-token-0123456789";
inline const std::string beta_token = "beta-admin-token-0123456789";
inline const std::string gamma_token = "gamma-token-0123456789";

struct http_node : node_fixture {
    sim::smsc_simulator& carrier;
    std::unique_ptr<app::node_admin> admin_backend;
    std::unique_ptr<app::node_http> api;
    std::unique_ptr<http::admin_http> admin;
    std::uint16_t port = 0;

    // start false: the profiles are set and nothing runs yet; a fixture
    // derived from this one changes them, then calls start_http().
    explicit http_node(bool start = true) : carrier{add_carrier("sim")} {
        profiles.routes = {route_to("uk", {"sim"}, config::route_strategy::failover, {"44"})};
        auto& acme = profiles.clients[0];
        acme.http.tokens = {api_token(send_token, true, false), api_token(read_token, false, true)};
        acme.http.sendsms = true;
        auto& beta = profiles.clients[1];
        auto admin_role = api_token(beta_token, true, true);
        admin_role.admin = true;
        beta.http.tokens = {admin_role};
        beta.account.tps = 1; // SMS per second, burst 2
        beta.account.burst = 2;
        auto gamma = client_profile("gamma", "pw3");
        gamma.state = config::profile_state::passive;
        gamma.account.active = false;
        gamma.http.tokens = {api_token(gamma_token, true, true)};
        profiles.clients.push_back(gamma);
        profiles.node.admin.listen = tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0};
        profiles.node.admin.token = "node-admin-token-0123456789";
        if (start) start_http();
    }
    ~http_node() {
        if (!admin) return;
        bool done = false;
        asio::co_spawn(io, admin->stop(), [&](std::exception_ptr) { done = true; });
        run_until(io, [&] { return done; });
        admin.reset();
    }

    // The node (once its carrier is bound, unless told not to wait), then
    // the admin listener with the send routes.
    void start_http(bool wait_carriers = true) {
        start_node();
        if (wait_carriers) wait_carriers_up();
        admin_backend = std::make_unique<app::node_admin>(*node, nullptr);
        api = std::make_unique<app::node_http>(*node);
        admin = std::make_unique<http::admin_http>(io.get_executor(), profiles.node.admin, *admin_backend);
        http::add_send_routes(admin->routes(), *api);
        admin->start();
        port = admin->local_endpoint().port();
    }

    // One request on its own connection from another thread, while this
    // thread runs the node.
    http_reply call(const std::string& method, const std::string& target, std::vector<std::string> headers = {},
                    std::string body = {}) {
        auto f = std::async(std::launch::async, [=, this] {
            raw_client c{port};
            return c.request(method, target, headers, body);
        });
        run([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
        return f.get();
    }
    http_reply post(const std::string& tok, const std::string& body) {
        return call("POST", "/api/v1/messages", {"Authorization: Bearer " + tok, "Content-Type: application/json"}, body);
    }
    http_reply get(const std::string& tok, const std::string& target) {
        return call("GET", target, {"Authorization: Bearer " + tok});
    }

    // The simulator's messages for `to`, in part order.
    std::vector<sim::received_message> at_carrier(const std::string& to) {
        std::vector<sim::received_message> out;
        for (const auto& m : carrier.messages())
            if (m.destination == to) out.push_back(m);
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            const auto pa = route::udh_part(a.short_message), pb = route::udh_part(b.short_message);
            return (pa ? pa->seq : 0) < (pb ? pb->seq : 0);
        });
        return out;
    }
    void wait_at_carrier(std::size_t n) {
        run([&] { return carrier.messages().size() >= n; });
    }
};

// The ids of destination `dest` in a 202 answer, one per part.
inline std::vector<std::string> ids_of(const boost::json::value& v, std::size_t dest) {
    std::vector<std::string> out;
    for (const auto& id : v.at("messages").at(dest).at("message_ids").as_array()) out.emplace_back(id.as_string());
    return out;
}

} // namespace twinsms::test
