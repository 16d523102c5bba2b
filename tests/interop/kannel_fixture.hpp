#pragma once
// Kannel (Debian package kannel) as an ESME of the gateway under test:
//
//   smsbox --HTTP sendsms--> bearerbox --SMPP trx--> gateway --SMPP--> carrier simulator
//   dlr-url / sms-service get-url <--HTTP-- smsbox <-- receipts and MO ----'
//
// The carrier simulator runs in-process on the test's io_context so the
// test can read exactly what reached the carrier; the gateway, bearerbox
// and smsbox are child processes. Everything listens on 127.0.0.1 (free
// ports), every file Kannel writes lives in a temporary directory (kept,
// and named in the log, when the test fails), and every wait is bounded.
// The destructor stops what was started, in order and each within a limit,
// then kills what is left; a failing constructor kills at once (the
// child_process members die with it).
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/test/unit_test.hpp>

#include "interop/gateway_under_test.hpp"
#include "interop/http_loopback.hpp"
#include "interop/interop_support.hpp"
#include "smsc_sim.hpp"
#include "util/log.hpp"

namespace twinsms::test {

// An executable from PATH or from the sbin directories Debian installs
// Kannel's daemons in (not on a normal user's PATH); "" when missing.
inline std::string find_daemon(const std::string& name) {
    std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
    dirs += ":/usr/sbin:/usr/local/sbin:/sbin";
    std::stringstream ss{dirs};
    for (std::string d; std::getline(ss, d, ':');) {
        if (d.empty()) continue;
        const auto p = std::filesystem::path{d} / name;
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return {};
}

// tools/interop/kannel/kannel.conf.in with every @KEY@ replaced; throws
// when the template is missing or names a key we did not fill in.
inline std::string render_kannel_conf(const std::map<std::string, std::string>& vars) {
    const auto path = interop_dir() / "kannel" / "kannel.conf.in";
    std::ifstream in{path};
    if (!in) throw std::runtime_error("cannot read " + path.string());
    std::string text{std::istreambuf_iterator<char>{in}, {}};
    for (const auto& [k, v] : vars)
        for (auto at = text.find("@" + k + "@"); at != std::string::npos; at = text.find("@" + k + "@", at))
            text.replace(at, k.size() + 2, v), at += v.size();
    if (const auto at = text.find('@'); at != std::string::npos)
        throw std::runtime_error("kannel.conf.in: unfilled field near '" + text.substr(at, 30) + "'");
    return text;
}

class kannel_fixture {
public:
    static constexpr std::string_view client_id = "kannel", client_pw = "kannelpw";
    static constexpr std::string_view carrier_id = "carrier", carrier_pw = "carrier1";
    static constexpr std::string_view admin_pw = "adminpw", send_user = "tester", send_pw = "testpw";

    boost::asio::io_context io;
    std::filesystem::path dir;
    std::unique_ptr<sim::smsc_simulator> carrier;
    std::unique_ptr<http_recorder> web; // dlr-url and sms-service get-url land here
    std::unique_ptr<child_process> gateway, bearerbox, smsbox;
    std::uint16_t gateway_port = 0, admin_port = 0, smsbox_port = 0, sendsms_port = 0;

    // The YAML lines are added to the gateway's client and carrier profiles.
    explicit kannel_fixture(const std::string& client_yaml = {}, const std::string& carrier_yaml = {}) {
        const std::string bb = find_daemon("bearerbox"), sb = find_daemon("smsbox");
        BOOST_REQUIRE_MESSAGE(!bb.empty() && !sb.empty(),
                              "Kannel is not installed: bearerbox/smsbox not found in PATH or /usr/sbin "
                              "(Debian package kannel; run tools/install-deps)");
        log::set_level(log::level::warn); // the in-process simulator's logs
        char tmpl[] = "/tmp/twinsms-kannel.XXXXXX";
        BOOST_REQUIRE(::mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        std::filesystem::create_directories(dir / "store");

        sim::smsc_config sc;
        sc.accounts = {{std::string{carrier_id}, std::string{carrier_pw}}};
        sc.receipt_delay = std::chrono::milliseconds(100);
        carrier = std::make_unique<sim::smsc_simulator>(io, sc);
        carrier->start();
        web = std::make_unique<http_recorder>(io);

        gateway_spec g;
        g.port = gateway_port = free_port();
        g.carrier_port = carrier->port();
        g.client = {std::string{client_id}, std::string{client_pw}};
        g.carrier = {std::string{carrier_id}, std::string{carrier_pw}};
        g.dir = dir;
        g.client_yaml = client_yaml;
        g.carrier_yaml = carrier_yaml;
        gateway = start_gateway(g);
        // Kannel's first submit must find the gateway bound to its carrier.
        // A gateway that exited (refused its profiles, port taken) fails
        // at once instead of after the limit.
        wait_for([&] { return gateway->exited() ||
                              (loopback_listening(gateway_port) && carrier->bound_sessions(carrier_id) > 0); },
                 std::chrono::seconds(15));
        BOOST_REQUIRE_MESSAGE(!gateway->exited() && carrier->bound_sessions(carrier_id) > 0,
                              "gateway not listening and bound to the carrier (profiles in "
                                  << (dir / "twinsmsd") << "): " << gateway->describe());

        admin_port = free_port();
        smsbox_port = free_port();
        sendsms_port = free_port();
        const auto conf = dir / "kannel.conf";
        std::ofstream{conf} << render_kannel_conf({
            {"DIR", dir.string()}, {"ADMIN_PORT", std::to_string(admin_port)},
            {"ADMIN_PASSWORD", std::string{admin_pw}}, {"SMSBOX_PORT", std::to_string(smsbox_port)},
            {"SENDSMS_PORT", std::to_string(sendsms_port)}, {"GATEWAY_PORT", std::to_string(gateway_port)},
            {"SYSTEM_ID", std::string{client_id}}, {"PASSWORD", std::string{client_pw}},
            {"SENDSMS_USER", std::string{send_user}}, {"SENDSMS_PASSWORD", std::string{send_pw}},
            {"MO_URL", web->base_url() + "/mo?from=%p&to=%P&text=%a"},
        });
        // -v 2: warnings and worse on stderr (kept in memory for failure
        // messages); the debug log goes to the files in `dir`.
        bearerbox = std::make_unique<child_process>(std::vector<std::string>{bb, "-v", "2", conf.string()});
        BOOST_REQUIRE_MESSAGE(wait_for([&] { return port_in_listen_state(smsbox_port); }, std::chrono::seconds(15)),
                              "bearerbox did not open its smsbox port (logs in " << dir << "): "
                                                                                  << bearerbox->describe());
        smsbox = std::make_unique<child_process>(std::vector<std::string>{sb, "-v", "2", conf.string()});
        BOOST_REQUIRE_MESSAGE(wait_for([&] { return port_in_listen_state(sendsms_port); }, std::chrono::seconds(15)),
                              "smsbox did not open its sendsms port (logs in " << dir << "): "
                                                                                << smsbox->describe());
    }

    ~kannel_fixture() {
        namespace ut = boost::unit_test;
        const bool passed = ut::results_collector.results(ut::framework::current_test_case().p_id).passed();
        // smsbox leaves when bearerbox does; bearerbox unbinds from the
        // gateway on SIGTERM (about 3 s).
        for (auto* p : {smsbox.get(), bearerbox.get()})
            if (p) p->signal(SIGTERM);
        stop_within(bearerbox, std::chrono::seconds(15));
        stop_within(smsbox, std::chrono::seconds(5));
        if (gateway) gateway->signal(SIGTERM);
        stop_within(gateway, std::chrono::seconds(10));
        bool sim_down = false;
        boost::asio::co_spawn(io, carrier->shutdown(std::chrono::milliseconds(2000)),
                       [&](std::exception_ptr) { sim_down = true; });
        pump_until(io, [&] { return sim_down; }, std::chrono::seconds(5));
        web.reset();
        carrier.reset();
        io.restart();
        io.poll();
        if (!passed) {
            for (auto* p : {gateway.get(), bearerbox.get(), smsbox.get()})
                if (p) BOOST_TEST_MESSAGE(p->describe());
            BOOST_TEST_MESSAGE("Kannel's config and logs kept in " << dir.string());
        } else {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }

    // Pumps the io_context (carrier simulator, HTTP) and drains the
    // children's pipes until `pred` holds or `limit` passes.
    template <class Pred> bool wait_for(Pred pred, std::chrono::milliseconds limit) {
        return pump_until(io, [&] {
            for (auto* p : {gateway.get(), bearerbox.get(), smsbox.get()})
                if (p) p->poll();
            return pred();
        }, limit);
    }

    // GET on a loopback port; a reply with ok=false on transport errors or
    // when nothing came within `limit`.
    http_reply get(std::uint16_t port, std::string target, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
        auto done = std::make_shared<std::optional<http_reply>>();
        http_get(io, port, std::move(target), done);
        if (!wait_for([&] { return done->has_value(); }, limit)) return {false, 0, {}, "no answer in time"};
        return **done;
    }

    std::string admin_status() {
        return get(admin_port, "/status.txt?password=" + std::string{admin_pw}, std::chrono::seconds(2)).body;
    }

    // bearerbox lists each SMSC connection on its status page; ours reads
    // "SMPP:127.0.0.1:PORT/PORT:kannel: (online 3s, ..." once bound.
    bool wait_smsc_online(std::chrono::milliseconds limit = std::chrono::seconds(20)) {
        const std::string conn = "SMPP:127.0.0.1:" + std::to_string(gateway_port) + "/";
        // The status page has no push: asked every 100 ms until online, at most `limit`.
        auto next = std::chrono::steady_clock::time_point{};
        return wait_for([&] {
            if (std::chrono::steady_clock::now() < next) return false;
            next = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
            const std::string s = admin_status();
            const auto at = s.find(conn);
            return at != std::string::npos && s.find("(online", at) < s.find('\n', at);
        }, limit);
    }

    // smsbox's sendsms: "0: Accepted for delivery" (HTTP 202) when queued.
    http_reply sendsms(const std::string& from, const std::string& to, const std::string& text, int dlr_mask,
                       const std::string& dlr_url) {
        std::string t = "/cgi-bin/sendsms?username=" + url_encode(send_user) + "&password=" + url_encode(send_pw) +
                        "&from=" + url_encode(from) + "&to=" + url_encode(to) + "&text=" + url_encode(text);
        if (dlr_mask) t += "&dlr-mask=" + std::to_string(dlr_mask) + "&dlr-url=" + url_encode(dlr_url);
        return get(sendsms_port, std::move(t));
    }

    // The requests Kannel made to our HTTP listener under `path` ("/dlr").
    std::vector<std::string> web_calls(std::string_view path) const {
        std::vector<std::string> out;
        for (const auto& t : web->targets())
            if (t.starts_with(std::string{path} + "?") || t == path) out.push_back(t);
        return out;
    }

private:
    void stop_within(std::unique_ptr<child_process>& p, std::chrono::milliseconds limit) {
        if (!p) return;
        if (!wait_for([&] { return p->exited(); }, limit)) {
            BOOST_TEST_MESSAGE("killing after " << limit.count() << " ms: " << p->describe());
            p->kill();
        }
    }
};

} // namespace twinsms::test
