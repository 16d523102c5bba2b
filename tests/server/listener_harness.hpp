#pragma once
// Harness for the client_listener integration tests: a listener on
// 127.0.0.1 (OS-chosen port) with a request_fn that answers submit_sm with
// "<system_id>-<n>" ids and query_sm with ESME_ROK, and real esme-role
// sessions that connect to it and bind.
#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "session/loopback.hpp"
#include "smpp/server/listener.hpp"
#include "smpp/session/responder.hpp"
#include "smpp/session/responses.hpp"

namespace twinsms::smpp {
// For Boost.Test messages.
inline std::ostream& boost_test_print_type(std::ostream& os, bind_state s) { return os << to_string(s); }
} // namespace twinsms::smpp

namespace twinsms::test {

using namespace smpp;
using ms = std::chrono::milliseconds;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// The ESME side: records deliver_sm it gets and how its session ended.
struct client_probe : session_handler {
    std::vector<std::string> delivered;
    bool closed = false;
    error_code why;
    void on_request(session& s, const pdu& req) override {
        if (const auto* d = req.as<deliver_sm>()) delivered.emplace_back(d->short_message);
        s.respond_status(req, status::ok);
    }
    void on_closed(session&, const error_code& e) override {
        closed = true;
        why = e;
    }
};

struct client {
    std::shared_ptr<session> s;
    std::unique_ptr<client_probe> probe = std::make_unique<client_probe>();
    asio::ip::tcp::endpoint local;
    session::bind_result result;

    client() = default;
    client(client&&) = default;
    client& operator=(client&&) = default;
    ~client() {
        // The session may outlive us in its coroutines: no calls into a dead probe.
        if (s) {
            s->set_handler(nullptr);
            s->close();
        }
    }
    bool bound() const { return s && is_bound(s->state()); }
};

inline client_account account(std::string id, std::string pw) {
    client_account a;
    a.system_id = std::move(id);
    a.password = std::move(pw);
    return a;
}

inline bind_params credentials(std::string_view id, std::string_view pw) {
    bind_params p;
    p.system_id = id;
    p.password = pw;
    return p;
}

inline pdu submit_pdu(std::string_view dest = "4915112345678") {
    pdu p{status::ok, 0, submit_sm{}};
    p.as<submit_sm>()->destination_addr = dest;
    p.as<submit_sm>()->short_message = "hello";
    return p;
}

class listener_harness {
public:
    asio::io_context io;
    std::vector<client_account> accounts;
    listener_config cfg;
    session_config client_cfg;
    std::unique_ptr<client_listener> listener;
    std::vector<std::string> requests_from; // account of each request the application saw
    std::vector<const client_account*> bound_accounts;
    bool hold = false;            // keep requests unanswered, in `held`
    std::vector<responder> held;  // as an application waiting for its store

    listener_harness() {
        cfg.endpoint = {asio::ip::make_address("127.0.0.1"), 0};
        cfg.session.system_id = "twinsms-test";
        cfg.session.unbind_timeout = ms{2000};
        cfg.session.response_timeout = ms{5000};
        client_cfg.response_timeout = ms{5000};
    }

    ~listener_harness() {
        if (listener) listener.reset(); // closes what is left, without callbacks
        io.restart();
        io.poll();
    }

    void start() {
        listener = std::make_unique<client_listener>(
            io.get_executor(), cfg, std::make_shared<const account_table>(accounts),
            [this](session& s, const client_account& a, const pdu& req) { on_request(s, a, req); });
        listener->on_bound_session([this](session&, const client_account& a) { bound_accounts.push_back(&a); });
        listener->start();
    }

    // Runs `f` (returning awaitable<void>) to completion on the io_context.
    template <class F> void run(F f, ms limit = ms{10'000}) {
        bool done = false;
        asio::co_spawn(io, std::move(f), [&](std::exception_ptr e) {
            done = true;
            if (e) std::rethrow_exception(e);
        });
        BOOST_REQUIRE_MESSAGE(run_until(io, [&] { return done; }, limit), "coroutine did not finish in time");
    }

    void wait(ms d) {
        run([&]() -> asio::awaitable<void> {
            asio::steady_timer t{io, d};
            co_await t.async_wait(use_tuple);
        });
    }

    // Connects a new esme-role session and binds it; the result is in .result.
    client bind(bind_type t, std::string_view id, std::string_view pw) {
        client c;
        asio::ip::tcp::socket sock{io};
        sock.connect(listener->local_endpoint());
        c.local = sock.local_endpoint();
        c.s = session::create(std::move(sock), role::esme, client_cfg);
        c.s->set_handler(c.probe.get());
        c.s->start();
        run([&]() -> asio::awaitable<void> { c.result = co_await c.s->bind(t, credentials(id, pw)); });
        return c;
    }

    // Sends `n` requests back to back (all written before any answer is
    // read) and returns the answers' statuses in send order.
    std::vector<command_status> send_n(client& c, int n, const pdu& req = submit_pdu()) {
        std::vector<command_status> st(n, 0xFFFFFFFF);
        int answered = 0;
        for (int i = 0; i < n; ++i)
            c.s->send_request(req, [&st, &answered, i](const error_code& ec, const pdu* r) {
                st[i] = ec ? 0xEEEEEEEE : r->status;
                ++answered;
            });
        BOOST_REQUIRE(run_until(io, [&] { return answered == n; }));
        return st;
    }

    static int count(const std::vector<command_status>& v, command_status s) {
        return static_cast<int>(std::count(v.begin(), v.end(), s));
    }

private:
    void on_request(session& s, const client_account& a, const pdu& req) {
        requests_from.push_back(a.system_id);
        if (hold) return held.push_back(responder{s, req});
        if (req.id() != command_id::submit_sm) return s.respond_status(req, status::ok);
        pdu r = make_response(req, status::ok);
        const std::string id = a.system_id + "-" + std::to_string(requests_from.size());
        r.as<submit_sm_resp>()->message_id = id;
        s.respond(r);
    }
};

} // namespace twinsms::test
