#pragma once
// A scriptable SMSC for the carrier client tests, made from our own session
// layer: an acceptor on 127.0.0.1 (OS-chosen port) and smsc-role sessions.
// It records what reaches it (connections, binds, submits, with times and
// the number of requests outstanding at each arrival) and answers as the
// test says: at once, after a delay, or never (held until release_all()).
#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smpp/session/responder.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::test {

namespace asio = boost::asio;
using namespace smpp;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;
using ms = std::chrono::milliseconds;

class test_smsc final : public session_handler {
public:
    struct bind_seen {
        bind_type type;
        std::string system_id, password;
        command_status answer;
        steady::time_point at;
    };
    struct submit_seen {
        std::string dest;
        steady::time_point at;
        std::size_t outstanding; // on this connection, this one included
    };

    // How to answer the n-th submit (0-based, over the SMSC's life):
    // a status, or nullopt to hold it until release_all().
    std::function<std::optional<command_status>(std::size_t n, const submit_seen&)> policy;
    std::function<command_status(const bind_seen&)> bind_policy; // default: accept
    ms answer_delay{0};                                          // for answers that are not held

    std::vector<steady::time_point> connects;
    std::vector<bind_seen> binds;
    std::vector<submit_seen> submits;
    std::vector<error_code> closes; // why each session ended
    std::size_t max_outstanding = 0;
    std::vector<std::shared_ptr<session>> sessions;
    session_config cfg;

    explicit test_smsc(asio::io_context& io) : io_{io}, acceptor_{io, {asio::ip::make_address("127.0.0.1"), 0}} {
        cfg.system_id = "test-smsc";
        asio::co_spawn(io_, accept_loop(), asio::detached);
    }
    ~test_smsc() override { shutdown(); }
    test_smsc(const test_smsc&) = delete;
    test_smsc& operator=(const test_smsc&) = delete;

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

    // The newest session that is bound, or nullptr.
    std::shared_ptr<session> bound_session() const {
        for (auto it = sessions.rbegin(); it != sessions.rend(); ++it)
            if (is_bound((*it)->state())) return *it;
        return nullptr;
    }
    std::size_t held() const { return held_.size(); }

    // Answers every held submit with `st`.
    void release_all(command_status st = status::ok) {
        auto h = std::move(held_);
        held_.clear();
        for (auto& r : h) answer(r, st);
    }
    // Drops every connection at once (no unbind), as a crashing SMSC would.
    void drop_all() {
        for (auto& s : sessions) s->close();
    }
    void shutdown() {
        error_code ignored;
        acceptor_.close(ignored);
        for (auto& t : timers_) t->cancel();
        for (auto& s : sessions) {
            s->set_handler(nullptr);
            s->close();
        }
        held_.clear();
    }

private:
    struct pending {
        responder r;
        session* s;
    };

    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return; // closed by shutdown(): `this` may be going away
            connects.push_back(steady::now());
            auto s = session::create(std::move(sock), role::smsc, cfg);
            s->set_handler(this);
            sessions.push_back(s);
            s->start();
        }
    }

    command_status on_bind(session&, bind_type t, const bind_params& p) override {
        bind_seen b{t, std::string{p.system_id}, std::string{p.password}, status::ok, steady::now()};
        b.answer = bind_policy ? bind_policy(b) : status::ok;
        binds.push_back(b);
        return b.answer;
    }

    void on_request(session& s, const pdu& req) override {
        if (req.id() != command_id::submit_sm) return s.respond_status(req, status::ok);
        const std::size_t n = submits.size();
        const std::size_t out = ++outstanding_[&s];
        max_outstanding = std::max(max_outstanding, out);
        submit_seen seen{std::string{req.as<submit_sm>()->destination_addr}, steady::now(), out};
        submits.push_back(seen);
        const auto st = policy ? policy(n, seen) : std::optional<command_status>{status::ok};
        pending p{responder{s, req}, &s};
        if (!st) {
            held_.push_back(std::move(p));
        } else if (answer_delay.count() == 0) {
            answer(p, *st);
        } else {
            auto t = std::make_shared<asio::steady_timer>(io_, answer_delay);
            timers_.push_back(t);
            t->async_wait([this, p, st, t](const error_code& ec) mutable {
                if (ec) return; // cancelled by shutdown(): `this` may be gone
                answer(p, *st);
                std::erase(timers_, t);
            });
        }
    }

    void on_closed(session& s, const error_code& why) override {
        closes.push_back(why);
        outstanding_.erase(&s);
        std::erase_if(held_, [&s](const pending& p) { return p.s == &s; });
    }

    void answer(pending& p, command_status st) {
        if (auto it = outstanding_.find(p.s); it != outstanding_.end() && it->second > 0) --it->second;
        const std::string id = st == status::ok ? "smsc-" + std::to_string(++ids_) : std::string{};
        p.r.respond(st, [&](pdu& r) {
            if (st == status::ok) r.as<submit_sm_resp>()->message_id = id;
        });
    }

    asio::io_context& io_;
    tcp::acceptor acceptor_;
    std::vector<pending> held_;
    std::vector<std::shared_ptr<asio::steady_timer>> timers_;
    std::map<session*, std::size_t> outstanding_;
    unsigned ids_ = 0;
};

} // namespace twinsms::test
