#pragma once
// Test harness for the carrier simulator: an io_context, a simulator on an
// ephemeral port and esme-role sessions connected to it, with helpers that
// run the io_context until an answer is in (no sleeps).
#include <boost/test/unit_test.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>

#include "session/loopback.hpp"
#include "smpp/session/responses.hpp"
#include "smsc_sim.hpp"

namespace twinsms::test {

using namespace twinsms::smpp;
using sim::smsc_simulator;
using std::chrono::milliseconds;

// An ESME: records every deliver_sm and answers it with the next status of
// `answers` (ESME_ROK once they run out).
struct esme : session_handler {
    std::shared_ptr<session> s;
    std::vector<owned_pdu> delivered;
    std::vector<command_status> answers;
    bool closed = false;
    error_code why;

    ~esme() override {
        if (s) {
            s->set_handler(nullptr);
            s->close();
        }
    }
    void on_request(session& ss, const pdu& req) override {
        delivered.emplace_back(req);
        command_status st = status::ok;
        if (!answers.empty()) {
            st = answers.front();
            answers.erase(answers.begin());
        }
        ss.respond(make_response(req, st));
    }
    void on_closed(session&, const error_code& ec) override {
        closed = true;
        why = ec;
    }
    const deliver_sm& dsm(std::size_t i) const { return *delivered.at(i)->as<deliver_sm>(); }
};

struct answer {
    error_code ec;
    owned_pdu resp;
    command_status status() const { return resp->status; }
    std::string message_id() const {
        std::string id;
        std::visit(
            [&id](const auto& b) {
                if constexpr (requires { b.message_id; }) id = std::string{b.message_id};
            },
            resp->body);
        return id;
    }
};

inline pdu make_submit(std::string_view dst, std::string_view text, std::uint8_t rd = 0,
                       std::string_view src = "447700900123") {
    pdu p{status::ok, 0, submit_sm{}};
    auto& b = *p.as<submit_sm>();
    b.source_addr_ton = 1;
    b.source_addr_npi = 1;
    b.source_addr = src;
    b.dest_addr_ton = 1;
    b.dest_addr_npi = 1;
    b.destination_addr = dst;
    b.short_message = text;
    b.registered_delivery = rd;
    return p;
}

// An esme-role session connected to `ep` (a simulator, or a twinsms node).
inline std::unique_ptr<esme> connect_esme(asio::io_context& io, const tcp::endpoint& ep, session_config cfg = {}) {
    tcp::socket sock{io};
    sock.connect(ep);
    auto e = std::make_unique<esme>();
    e->s = session::create(std::move(sock), role::esme, std::move(cfg));
    e->s->set_handler(e.get());
    e->s->start();
    return e;
}

// Binds `e`; returns the SMSC's status (transport errors fail the test).
inline command_status bind_esme(asio::io_context& io, esme& e, bind_type t, std::string_view sys, std::string_view pw) {
    std::optional<session::bind_result> r;
    bind_params bp;
    bp.system_id = sys;
    bp.password = pw;
    asio::co_spawn(io, e.s->bind(t, bp), [&r](std::exception_ptr, session::bind_result b) { r = b; });
    BOOST_REQUIRE(run_until(io, [&] { return r.has_value(); }));
    BOOST_REQUIRE(!r->ec);
    return r->status;
}

// Sends `p` and runs `io` until its answer (or error) is in.
inline answer request_answer(asio::io_context& io, esme& e, const pdu& p) {
    std::optional<answer> a;
    e.s->send_request(p, [&a](const error_code& ec, const pdu* resp) {
        a = answer{ec, resp ? owned_pdu{*resp} : owned_pdu{}};
    });
    BOOST_REQUIRE(run_until(io, [&] { return a.has_value(); }));
    return std::move(*a);
}

struct sim_fixture {
    asio::io_context io;
    std::unique_ptr<smsc_simulator> sim;

    static sim::smsc_config default_config() {
        sim::smsc_config c;
        c.accounts = {{"acme", "secret"}, {"other", "pw2"}};
        return c;
    }
    sim_fixture() { make(default_config()); }
    void make(sim::smsc_config c) {
        sim.reset();
        sim = std::make_unique<smsc_simulator>(io, std::move(c));
        sim->start();
    }

    template <class Pred> void run(Pred p, milliseconds limit = std::chrono::seconds(10)) {
        BOOST_REQUIRE(run_until(io, p, limit));
    }

    std::unique_ptr<esme> connect(session_config cfg = {}) {
        return connect_esme(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), sim->port()}, std::move(cfg));
    }

    command_status bind(esme& e, bind_type t, std::string_view sys, std::string_view pw) {
        return bind_esme(io, e, t, sys, pw);
    }

    std::unique_ptr<esme> bound(bind_type t = bind_type::transceiver, std::string_view sys = "acme",
                                std::string_view pw = "secret", session_config cfg = {}) {
        auto e = connect(std::move(cfg));
        BOOST_REQUIRE_EQUAL(bind(*e, t, sys, pw), status::ok);
        return e;
    }

    answer request(esme& e, const pdu& p) { return request_answer(io, e, p); }
};

} // namespace twinsms::test
