#pragma once
// One twinsmsd process against carrier simulators that run in the test
// process (so they outlive a daemon killed with SIGKILL and see what a
// restarted one sends), with SMPP clients of ours bound to the daemon.
//
// One io_context runs the simulators and the clients; wait() pumps it in
// short slices and drains the daemon's pipes in between (a daemon whose
// stderr pipe is full would stop), until an observable condition holds.
// Every daemon is SIGKILLed and reaped by its destructor whatever happens.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>

#include "daemon/daemon_process.hpp"
#include "interop/interop_support.hpp"
#include "sim/sim_harness.hpp"

namespace twinsms::test {

using namespace std::chrono_literals;

struct daemon_fixture {
    asio::io_context io;
    scratch_dir scratch;
    profile_dir profiles{scratch.path};
    std::vector<std::unique_ptr<smsc_simulator>> sims;
    std::unique_ptr<daemon_process> daemon;
    std::vector<std::string> earlier_logs; // stderr of daemons already gone, for failure dumps

    daemon_fixture() {
        // Let the OS pick the client port: the daemon logs the one it got.
        profiles.set_listen_port(0);
    }
    ~daemon_fixture() {
        namespace ut = boost::unit_test;
        const bool failed = !ut::results_collector.results(ut::framework::current_test_case().p_id).passed();
        if (daemon) {
            daemon->kill();
            if (failed) earlier_logs.push_back(daemon->describe());
        }
        if (failed)
            for (const auto& l : earlier_logs) BOOST_TEST_MESSAGE("twinsmsd: " << l);
    }

    // A simulator taking the demo carrier's credentials.
    smsc_simulator& add_sim() {
        sim::smsc_config c;
        c.accounts = {{"carrier", "carrier1"}};
        c.link_faults = false;
        sims.push_back(std::make_unique<smsc_simulator>(io, c));
        sims.back()->start();
        return *sims.back();
    }
    // The demo carrier (carriers/sim.yaml) pointed at a new simulator.
    smsc_simulator& add_demo_carrier() {
        auto& s = add_sim();
        profiles.set_carrier_port(s.port());
        return s;
    }

    // Pumps the io_context and the daemon until `done()` or `limit`.
    template <class Pred> bool wait(Pred done, ms limit = 10s) {
        return pump_until(io, [&] {
            if (daemon) daemon->poll();
            return done();
        }, limit);
    }
    template <class Pred> void require(Pred done, const char* what, ms limit = 10s) {
        BOOST_REQUIRE_MESSAGE(wait(done, limit), "timed out waiting for: " << what);
    }

    // Starts twinsmsd --config on the profile folder and waits until it
    // listens and every carrier in `carriers` has a bound link.
    std::uint16_t start_daemon(const std::vector<std::string>& carriers = {"sim"}) {
        if (daemon) {
            earlier_logs.push_back(daemon->describe());
            daemon->kill();
        }
        daemon = std::make_unique<daemon_process>(std::vector<std::string>{"--config", profiles.path().string()});
        require([&] { return daemon->listen_port().has_value() || !daemon->running(); }, "twinsmsd listening");
        BOOST_REQUIRE_MESSAGE(daemon->running(), "twinsmsd exited: " << daemon->describe());
        for (const auto& c : carriers)
            require([&] { return daemon->carrier_binds(c) > 0; }, "carrier link bound");
        return *daemon->listen_port();
    }
    std::uint16_t port() const { return *daemon->listen_port(); }
    // A stderr event of the running daemon, waited for.
    std::string wait_event(std::string_view comp, std::string_view event, ms limit = 10s) {
        std::optional<std::string> line;
        BOOST_REQUIRE_MESSAGE(wait([&] { return (line = daemon->first_event(comp, event)).has_value(); }, limit),
                              "no comp=" << comp << " event=" << event << " in the daemon's log");
        return *line;
    }

    // An SMPP client of ours, connected to the daemon (not bound yet).
    std::unique_ptr<esme> connect(std::size_t window = 10) {
        tcp::socket sock{io};
        sock.connect(tcp::endpoint{asio::ip::make_address("127.0.0.1"), port()});
        auto e = std::make_unique<esme>();
        smpp::session_config cfg;
        cfg.window = window;
        e->s = session::create(std::move(sock), role::esme, cfg);
        e->s->set_handler(e.get());
        e->s->start();
        return e;
    }
    session::bind_result bind(esme& e, bind_type t, std::string_view sys, std::string_view pw) {
        std::optional<session::bind_result> r;
        bind_params bp;
        bp.system_id = sys;
        bp.password = pw;
        asio::co_spawn(io, e.s->bind(t, bp), [&r](std::exception_ptr, session::bind_result b) { r = b; });
        require([&] { return r.has_value(); }, "bind_resp");
        return *r;
    }
    // Bound with the demo account (or another), or the test stops.
    std::unique_ptr<esme> client(bind_type t = bind_type::transceiver, std::string_view sys = "demo",
                                 std::string_view pw = "demo123", std::size_t window = 10) {
        auto e = connect(window);
        auto r = bind(*e, t, sys, pw);
        BOOST_REQUIRE_MESSAGE(!r.ec, "bind failed: " << r.ec.message());
        BOOST_REQUIRE_EQUAL(r.status, status::ok);
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

    // SIGTERM, and the exit status within `limit` (killed if it takes longer).
    const child_process::exit_status& terminate(ms limit = 5s) {
        daemon->signal(SIGTERM);
        wait([&] { return !daemon->running(); }, limit);
        return daemon->proc().wait(0ms);
    }
};

// The receipt deliver_sm a client got naming `id` (receipted_message_id), if any.
inline const deliver_sm* receipt_for(const esme& e, std::string_view id) {
    for (const auto& p : e.delivered)
        if (auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04 &&
                                           smpp::receipted_message_id(d->tlvs).value_or("") == id)
            return d;
    return nullptr;
}

} // namespace twinsms::test
