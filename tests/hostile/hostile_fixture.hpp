#pragma once
// twinsmsd set up for the hostile clients test: short bind, request and
// command timeouts (so slowloris ends in seconds), a 2 s keepalive, room
// for 10 000 idle binds, the admin listener (send API, /metrics) and SMTP.
// Accounts: demo (the well-behaved client), abuser (floods, never reads)
// and idle (the idle binds), each with a throughput allowance of its own.
#include <dirent.h>

#include <fstream>

#include "daemon/daemon_fixture.hpp"
#include "http/test_support.hpp"

namespace twinsms::test {

inline const std::string admin_token = "hostile-admin-token-0123456789";

inline std::uint64_t rss_kb(pid_t pid) {
    std::ifstream f{"/proc/" + std::to_string(pid) + "/status"};
    for (std::string line; std::getline(f, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6));
    return 0;
}
inline std::size_t fd_count(pid_t pid) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
    return n;
}
inline double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

struct hostile_daemon : daemon_fixture {
    smsc_simulator& carrier = add_demo_carrier();
    tcp::endpoint smpp, admin, smtp;

    hostile_daemon() {
        profiles.replace("node.yaml", "  client_sessions:\n    window: 100\n    enquire_link_interval: 30s\n",
                         "  client_sessions:\n    window: 100\n    enquire_link_interval: 2s\n"
                         "    enquire_link_misses: 2\n    bind_timeout: 2s\n"
                         "  limits: {max_connections: 12000}\n"
                         "  admin: {listen: 127.0.0.1:0, token: " + admin_token + ", request_timeout: 2s}\n"
                         "  smtp:\n    listen: [127.0.0.1:0]\n    domain: sms.example.com\n"
                         "    timeouts: {command: 2s, data: 5s}\n");
        profiles.write("clients/abuser.yaml", "client:\n  state: active\n  system_id: abuser\n  password: abuse1\n"
                                              "  binds: [transceiver]\n  tps: 50\n"
                                              "  smtp: {allowed_senders: [ops@abuser.example], source: ALERT}\n");
        profiles.write("clients/idle.yaml", "client:\n  state: active\n  system_id: idle\n  password: idle1\n"
                                            "  binds: [transceiver]\n  tps: 10\n");
        start_daemon();
        const auto lo = asio::ip::make_address("127.0.0.1");
        smpp = {lo, port()};
        admin = {lo, port_of("admin")};
        smtp = {lo, port_of("smtp")};
    }
    std::uint16_t port_of(std::string_view comp) {
        const auto l = wait_event(comp, "listening");
        const auto p = static_cast<std::uint16_t>(std::stoi(logfmt_value(l, "port").value_or("0")));
        BOOST_REQUIRE(p != 0);
        return p;
    }
    pid_t pid() { return daemon->proc().pid(); }
    // One metric sample's value from /metrics (-1 when absent).
    double metric(const std::string& sample) {
        raw_client c{admin.port()};
        const auto r = c.request("GET", "/metrics", {"Authorization: Bearer " + admin_token});
        BOOST_REQUIRE_EQUAL(r.status, 200u);
        const auto at = r.body.find("\n" + sample + " ");
        if (at == std::string::npos) return -1;
        return std::stod(r.body.substr(at + sample.size() + 2));
    }
};

// The well-behaved client: one submit at a time, `gap` apart, each timed.
struct prober {
    esme& e;
    asio::steady_timer timer;
    int left;
    std::vector<double> ms;
    int sent = 0, ok = 0, failed = 0;
    prober(esme& c, int n) : e{c}, timer{c.s->get_executor()}, left{n} {}
    bool done() const { return left == 0 && static_cast<int>(ms.size()) == sent; }
    void next() {
        if (left == 0) return;
        --left;
        ++sent;
        const auto t0 = std::chrono::steady_clock::now();
        e.s->send_request(make_submit("447700900002", "good"), [this, t0](const error_code& ec, const pdu* r) {
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
            (!ec && r && r->status == status::ok) ? ++ok : ++failed;
            timer.expires_after(10ms);
            timer.async_wait([this](const error_code&) { next(); });
        });
    }
};

} // namespace twinsms::test
