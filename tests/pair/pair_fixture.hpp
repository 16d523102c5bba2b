#pragma once
// Two real twinsmsd processes as a pair (site1 primary, site2 secondary),
// generated from profiles/pair with free loopback ports, a carrier simulator
// in the test process (it outlives a node killed with SIGKILL and sees what
// either node sends), SMPP clients of ours, twinsmsctl, and the nodes'
// admin API.
//
// Everything runs on one io_context that wait() pumps in short slices while
// it drains both daemons' stderr (their logfmt log) and checks a condition;
// nothing synchronises by sleeping. Every daemon (and child) is SIGKILLed
// and reaped by the destructor whatever happened, and on a failed test the
// tail of each node's log is printed.
//
// The pieces live by role: pair_site.hpp (ports, files, a node and its log),
// tcp_proxy.hpp (the cuttable peer link), load_client.hpp (a client under load);
// this header holds the pair_fixture itself (both nodes, the simulator, the
// admin API, twinsmsctl, clients) and includes them all.
#include "pair/pair_site.hpp"
#include "pair/tcp_proxy.hpp"
#include "pair/load_client.hpp"
#include "tls/test_pki.hpp"

namespace twinsms::test {

struct pair_options {
    std::string interval = "250ms"; // cluster keepalive
    unsigned misses = 3;
    std::string hold = "2s"; // failback hold
    bool link_proxy = false; // site2's peer carrier goes through a proxy of ours
    std::string site2_alerts; // replaces site2's alerts: section ("" keeps the demo's)
    std::optional<std::pair<int, int>> overflow; // site2 cluster.overflow {high, low}, with an overflow carrier
    std::string retry = "{initial: 200ms, max: 1s}"; // delivery.retry on both
    bool replication = false; // node.replication: each node's store to the other
    std::string replication_mode = "sync";
    bool replication_tls = false; // replication.tls: mutual TLS, each node's certificate from one pair CA
    std::string sim_listen = "127.0.0.1"; // the carrier simulator's address (0.0.0.0 across network namespaces)
    // site1's receiver reaches site2's replication sender through a proxy of
    // ours (replication_proxy), and site2 keeps this many MB of changes.
    bool replication_proxy = false;
    unsigned site2_buffer_mb = 0; // 0: the default
};

struct pair_fixture {
    asio::io_context io;
    scratch_dir scratch;
    pair_options opt;
    std::unique_ptr<smsc_simulator> sim;      // the carrier
    std::unique_ptr<smsc_simulator> overflow_sim; // opt.overflow: site2's overflow carrier
    std::unique_ptr<tcp_proxy> proxy;          // opt.link_proxy
    std::unique_ptr<tcp_proxy> replication_proxy; // opt.replication_proxy: site1 -> site2's replication listener
    site s1, s2;
    std::uint16_t second_path_port = 0;
    std::vector<std::unique_ptr<child_process>> children; // killed at teardown

    explicit pair_fixture(pair_options o = {}) : opt{std::move(o)} {
        sim = make_sim();
        if (opt.overflow) overflow_sim = make_sim();
        s1.name = "site1";
        s2.name = "site2";
        s1.smpp_port = free_port();
        s2.smpp_port = free_port();
        s1.admin_port = free_port();
        s2.admin_port = free_port();
        second_path_port = free_port("127.0.0.2");
        if (opt.replication) s1.replication_port = free_port(), s2.replication_port = free_port();
        if (opt.link_proxy) proxy = std::make_unique<tcp_proxy>(io, s1.smpp_port);
        if (opt.replication_proxy) replication_proxy = std::make_unique<tcp_proxy>(io, s2.replication_port);
        write_profiles();
    }
    ~pair_fixture() {
        namespace ut = boost::unit_test;
        const bool failed = !ut::results_collector.results(ut::framework::current_test_case().p_id).passed();
        for (auto* s : {&s1, &s2}) {
            if (s->proc) {
                s->proc->kill();
                s->log.update(s->proc->proc().err());
                s->keep_log();
            }
            if (failed) {
                for (const auto& e : s->earlier) BOOST_TEST_MESSAGE(s->name << " (earlier run):" << e);
                BOOST_TEST_MESSAGE(s->name << " log tail:" << s->tail());
            }
        }
        for (auto& c : children) c->kill();
    }

    std::unique_ptr<smsc_simulator> make_sim() {
        sim::smsc_config c;
        c.accounts = {{"carrier", "carrier1"}};
        c.link_faults = false;
        c.listen = tcp::endpoint{asio::ip::make_address(opt.sim_listen), 0};
        auto s = std::make_unique<smsc_simulator>(io, c);
        s->start();
        return s;
    }

    void write_profiles() {
        const fs::path src = fs::path{TWINSMS_SOURCE_DIR} / "profiles" / "pair";
        for (auto* s : {&s1, &s2}) {
            s->dir = scratch.path / s->name;
            fs::copy(src / s->name, s->dir, fs::copy_options::recursive);
            const auto node = s->dir / "node.yaml";
            edit_file(node, "keepalive: {interval: 1s, misses: 3}",
                      "keepalive: {interval: " + opt.interval + ", misses: " + std::to_string(opt.misses) + "}");
            edit_file(node, "second_path: 127.0.0.2:2785", "second_path: 127.0.0.2:" + std::to_string(second_path_port));
            edit_file(node, "hold: 30s", "hold: " + opt.hold);
            edit_file(node, "  log_level: info", "  log_level: info\n  delivery:\n    retry: " + opt.retry);
            edit_file(s->dir / "carriers" / "sim.yaml", "port: 2776", "port: " + std::to_string(sim->port()));
        }
        edit_file(s1.dir / "node.yaml", "127.0.0.1:2775", "127.0.0.1:" + std::to_string(s1.smpp_port));
        edit_file(s1.dir / "node.yaml", "127.0.0.1:8081", "127.0.0.1:" + std::to_string(s1.admin_port));
        edit_file(s2.dir / "node.yaml", "127.0.0.1:2875", "127.0.0.1:" + std::to_string(s2.smpp_port));
        edit_file(s2.dir / "node.yaml", "127.0.0.1:8082", "127.0.0.1:" + std::to_string(s2.admin_port));
        edit_file(s2.dir / "carriers" / "site1.yaml", "port: 2775",
                  "port: " + std::to_string(proxy ? proxy->port() : s1.smpp_port));
        std::optional<test_ca> ca;
        if (opt.replication_tls) ca.emplace(scratch.path / "pki", "pair-ca");
        const auto tls_of = [&](const site& s) {
            if (!ca) return std::string{};
            const auto f = ca->issue(s.name); // names 127.0.0.1, the peer's address
            return "\n    tls: {certificate: " + f.cert + ", private_key: " + f.key + ", client_ca: " + ca->cert_file() +
                   ", ca_file: " + ca->cert_file() + "}";
        };
        if (opt.replication)
            for (auto [s, peer] : {std::pair{&s1, &s2}, std::pair{&s2, &s1}})
                edit_file(s->dir / "node.yaml", "  log_level: info",
                          "  replication:\n    mode: " + opt.replication_mode + "\n    listen: 127.0.0.1:" + std::to_string(s->replication_port) +
                              "\n    peer: 127.0.0.1:" +
                              std::to_string(s == &s1 && replication_proxy ? replication_proxy->port() : peer->replication_port) +
                              (s == &s2 && opt.site2_buffer_mb ? "\n    buffer_mb: " + std::to_string(opt.site2_buffer_mb) : std::string{}) +
                              tls_of(*s) + "\n    token: pair-replication-secret-0123\n  log_level: info");
        if (!opt.site2_alerts.empty())
            edit_file(s2.dir / "node.yaml", "  alerts:\n    sms: {to: [\"6590000001\"], from: twinsms}\n", opt.site2_alerts);
        if (opt.overflow) {
            edit_file(s2.dir / "node.yaml", "    failback:",
                      "    overflow: {high: " + std::to_string(opt.overflow->first) + ", low: " +
                          std::to_string(opt.overflow->second) + "}\n    failback:");
            write_file(s2.dir / "carriers" / "ovf.yaml",
                       "carrier:\n  state: passive\n  overflow: true\n  host: 127.0.0.1\n  port: " +
                           std::to_string(overflow_sim->port()) +
                           "\n  system_id: carrier\n  password: carrier1\n  window: 100\n"
                           "  enquire_link_interval: 5s\n  reconnect: {initial: 200ms, max: 2s}\n");
            edit_file(s2.dir / "routes.yaml", "carriers: [site1, sim]", "carriers: [site1, sim, ovf]");
        }
    }

    // Pumps the io_context and both daemons until `done()` or `limit`.
    bool wait(const std::function<bool()>& done, ms limit = 10s) {
        return pump_until(io, [&] {
            poll();
            return done();
        }, limit);
    }
    void require(const std::function<bool()>& done, const std::string& what, ms limit = 10s) {
        BOOST_REQUIRE_MESSAGE(wait(done, limit), "timed out (" << limit.count() << " ms) waiting for: " << what);
    }
    void poll() {
        for (auto* s : {&s1, &s2})
            if (s->proc) {
                s->proc->poll();
                s->log.update(s->proc->proc().err());
            }
    }

    // Starts a node (killing a previous run of it) and waits until it listens.
    void start(site& s) {
        if (s.proc) {
            s.proc->kill();
            s.log.update(s.proc->proc().err());
            s.earlier.push_back(s.tail(40));
            s.keep_log();
        }
        s.log = {};
        s.proc = std::make_unique<daemon_process>(std::vector<std::string>{"--config", s.dir.string()}, s.wrap);
        require([&] { return s.has("node", "listening") || !s.running(); }, s.name + " listening");
        BOOST_REQUIRE_MESSAGE(s.running(), s.name << " exited: " << s.proc->describe());
    }
    // SIGTERM and wait for the exit (the store and its replica closed).
    void stop(site& s) {
        s.proc->proc().signal(SIGTERM);
        s.proc->proc().wait(std::chrono::seconds(15));
        s.log.update(s.proc->proc().err());
    }
    void kill9(site& s) {
        s.proc->kill(); // SIGKILL to the group, reaped at once
        s.log.update(s.proc->proc().err());
    }
    // Both nodes, until each reports mode normal with the link up.
    void start_pair() {
        start(s1);
        start(s2);
        await_mode(s1, "normal", 15s);
        await_mode(s2, "normal", 15s);
        require([&] { return s1.has("carrier", "bound", {{"carrier", "sim"}}); }, "site1 bound the carrier");
        require([&] { return s2.has("carrier", "bound", {{"carrier", "site1"}}); }, "site2's peer link bound");
    }
    // The latest transition of `s` (this run) went to `mode`.
    std::string mode_of(const site& s) const {
        auto t = s.events("cluster", "transition");
        return t.empty() ? "joining" : logfmt_value(t.back(), "to").value_or("");
    }
    void await_mode(site& s, const std::string& mode, ms limit = 10s) {
        require([&] { return mode_of(s) == mode; }, s.name + " in mode " + mode, limit);
    }

    // ---- admin API ----
    std::optional<http_reply> admin(site& s, const std::string& method, const std::string& target, ms limit = 5s) {
        auto done = std::make_shared<std::optional<http_reply>>();
        asio::co_spawn(io, [this, host = s.host, port = s.admin_port, method, target, done]() -> asio::awaitable<void> {
            constexpr auto t = asio::as_tuple(asio::use_awaitable);
            http_reply r;
            tcp::socket sock{io};
            auto [cec] = co_await sock.async_connect({asio::ip::make_address(host), port}, t);
            if (cec) {
                r.error = cec.message();
                *done = r;
                co_return;
            }
            const std::string req = method + " " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                                    admin_token + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(req), t);
            std::string in;
            auto [rec, rn] = co_await asio::async_read(sock, asio::dynamic_buffer(in), t);
            (void)wn, (void)rn;
            if (!wec && in.rfind("HTTP/", 0) == 0) {
                r.ok = true;
                r.status = std::atoi(in.c_str() + in.find(' ') + 1);
                const auto body = in.find("\r\n\r\n");
                r.body = body == std::string::npos ? std::string{} : in.substr(body + 4);
            } else {
                r.error = "bad exchange";
            }
            *done = r;
        }, asio::detached);
        wait([&] { return done->has_value(); }, limit);
        return *done;
    }
    // The node's status document (the test stops if there is none).
    json::object status(site& s) {
        auto r = admin(s, "GET", "/api/v1/status");
        BOOST_REQUIRE_MESSAGE(r && r->ok && r->status == 200, s.name << ": no status (" << (r ? r->error : "timeout") << ")");
        return json::parse(r->body).as_object();
    }
    std::optional<json::object> try_status(site& s) {
        auto r = admin(s, "GET", "/api/v1/status", 2s);
        if (!r || !r->ok || r->status != 200) return std::nullopt;
        return json::parse(r->body).as_object();
    }
    static std::string at(const json::object& o, std::string_view a, std::string_view b) {
        const auto* x = o.if_contains(a);
        if (!x || !x->is_object()) return {};
        const auto* y = x->as_object().if_contains(b);
        if (!y) return {};
        return y->is_string() ? std::string{y->as_string()} : json::serialize(*y);
    }
    // Whether the status says carrier link `carrier` is bound.
    static bool link_bound(const json::object& st, std::string_view carrier) {
        for (const auto& l : st.at("links").as_array())
            if (l.as_object().at("carrier").as_string() == carrier && l.as_object().at("bound").as_bool()) return true;
        return false;
    }
    bool await_status(site& s, const std::function<bool(const json::object&)>& pred, ms limit = 10s) {
        // The admin API has no push: asked every 50 ms until `pred` holds, at most `limit`.
        auto next = steady::time_point{};
        return wait([&] {
            if (steady::now() < next) return false;
            next = steady::now() + 50ms;
            const auto st = try_status(s);
            return st && pred(*st);
        }, limit);
    }

    // ---- twinsmsctl ----
    struct ctl_result {
        int code = -1;
        std::string out, err;
    };
    ctl_result ctl(site& s, std::vector<std::string> args, const std::string& token = admin_token) {
        std::vector<std::string> argv{TWINSMSCTL_EXE, "--node", "http://" + s.host + ":" + std::to_string(s.admin_port),
                                      "--token", token};
        argv.insert(argv.end(), args.begin(), args.end());
        close_on_exec_all();
        child_process p{argv};
        require([&] { return p.poll(); }, "twinsmsctl finished", 15s);
        return {p.status().code, p.out(), p.err()};
    }

    // ---- SMPP clients ----
    std::unique_ptr<esme> connect(std::uint16_t port, const std::string& host = "127.0.0.1") {
        return connect_esme(io, tcp::endpoint{asio::ip::make_address(host), port});
    }
    // The bind's status, or nullopt on a transport error.
    std::optional<command_status> try_bind(esme& e, std::string_view sys, std::string_view pw,
                                           bind_type t = bind_type::transceiver) {
        std::optional<session::bind_result> r;
        bind_params bp;
        bp.system_id = sys;
        bp.password = pw;
        asio::co_spawn(io, e.s->bind(t, bp), [&r](std::exception_ptr, session::bind_result b) { r = b; });
        require([&] { return r.has_value(); }, "bind_resp");
        if (r->ec) return std::nullopt;
        return r->status;
    }
    std::unique_ptr<esme> client(site& s, std::string_view sys, std::string_view pw) {
        auto e = connect(s.smpp_port, s.host);
        auto st = try_bind(*e, sys, pw);
        BOOST_REQUIRE_MESSAGE(st && *st == status::ok, std::string{sys} << " could not bind to " << s.name);
        return e;
    }
    answer request(esme& e, const pdu& p) {
        std::optional<answer> a;
        e.s->send_request(p, [&a](const error_code& ec, const pdu* resp) {
            a = answer{ec, resp ? owned_pdu{*resp} : owned_pdu{}};
        });
        require([&] { return a.has_value(); }, "response");
        return std::move(*a);
    }

    // A simulator stdin command (the same interpreter twinsms-smsc-sim reads its stdin with).
    std::string sim_command(smsc_simulator& s, std::string_view line) {
        const auto r = sim::run_command(s, line);
        BOOST_REQUIRE_MESSAGE(r.ok, "simulator command '" << line << "': " << r.text);
        return r.text;
    }
    // Texts the simulator received.
    static std::multiset<std::string> texts(const smsc_simulator& s) {
        std::multiset<std::string> out;
        for (const auto& m : s.messages()) out.insert(m.text);
        return out;
    }
};

// The receipt deliver_sm a client got naming `id`, if any.
inline const deliver_sm* receipt_for(const esme& e, std::string_view id) {
    for (const auto& p : e.delivered)
        if (auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04 &&
                                           smpp::receipted_message_id(d->tlvs).value_or("") == id)
            return d;
    return nullptr;
}
// MO deliver_sm (not receipts) a client got.
inline std::vector<const deliver_sm*> mo_of(const esme& e) {
    std::vector<const deliver_sm*> out;
    for (const auto& p : e.delivered)
        if (auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) != 0x04) out.push_back(d);
    return out;
}

} // namespace twinsms::test
