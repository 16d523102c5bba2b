#include "smtp/smtp_listener.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smpp/session/transport.hpp"
#include "util/log.hpp"

namespace twinsms::smtp {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;

namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// A short reply to a socket we are about to close, without waiting: if the
// peer does not read, it is lost, and that is fine. (Under TLS the bytes
// would have to be a TLS record: there the connection just closes.)
void say_and_close(tcp::socket& s, std::string_view text, bool plain = true) {
    boost::system::error_code ec;
    s.non_blocking(true, ec);
    if (!ec && plain) s.write_some(asio::buffer(text.data(), text.size()), ec);
    s.shutdown(tcp::socket::shutdown_both, ec);
    s.close(ec);
}
asio::ip::address remote_address(const tcp::socket& s) {
    boost::system::error_code ec;
    const auto ep = s.remote_endpoint(ec);
    return ec ? asio::ip::address{} : ep.address();
}
} // namespace

// One connection: the stream (TCP, or TLS after STARTTLS), its logic, the
// line buffer and the deadline that the watchdog enforces by cancelling the
// socket's operations.
struct smtp_listener::conn {
    std::unique_ptr<smpp::transport> t;
    session_logic logic;
    std::string peer;
    std::string in;          // bytes read, not yet a full line
    bool discarding = false; // inside an over-long line, dropping it up to its LF
    asio::steady_timer deadline;
    bool timed_out = false, stop_asked = false, done = false;
    std::optional<delivery_result> result;
    asio::steady_timer wake; // cancelled when `result` is in
    conn(tcp::socket s, std::shared_ptr<const rules> r)
        : logic{std::move(r), remote_address(s)}, deadline{s.get_executor()}, wake{s.get_executor()} {
        boost::system::error_code ec;
        const auto ep = s.remote_endpoint(ec);
        t = std::make_unique<smpp::transport>(std::move(s));
        peer = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
        deadline.expires_at(clock::time_point::max()); // a fresh timer counts as expired
    }

    enum class got { line, too_long, closed };
    // The next line (without CR LF) into `out`, at most `limit` octets.
    asio::awaitable<got> next_line(std::string& out, std::size_t limit, clock::time_point until) {
        char buf[4096];
        for (;;) {
            const auto nl = in.find('\n');
            if (discarding) {
                if (nl != std::string::npos) {
                    in.erase(0, nl + 1);
                    discarding = false;
                    co_return got::too_long;
                }
                in.clear();
            } else if (nl != std::string::npos) {
                out.assign(in, 0, nl);
                in.erase(0, nl + 1);
                if (!out.empty() && out.back() == '\r') out.pop_back();
                co_return out.size() > limit ? got::too_long : got::line;
            } else if (in.size() > limit + 1) {
                discarding = true; // keeps memory bounded whatever the client sends
                continue;
            }
            if (timed_out || stop_asked) co_return got::closed;
            deadline.expires_at(until);
            auto [ec, n] = co_await t->read_some(asio::buffer(buf));
            if (ec) co_return got::closed;
            in.append(buf, n);
        }
    }

    asio::awaitable<bool> write(const std::string& text, std::chrono::milliseconds limit) {
        if (text.empty()) co_return true;
        deadline.expires_after(limit);
        auto [ec, n] = co_await t->write(asio::buffer(text));
        co_return !ec;
    }
};

// Enforces the connection's deadline: when it passes, the socket's pending
// operation is cancelled and the session sees timed_out. Holds the
// connection, so it may outlive the session's coroutine by one wake-up.
asio::awaitable<void> smtp_listener::watchdog(std::shared_ptr<conn> c) {
    while (!c->done) {
        co_await c->deadline.async_wait(use_tuple);
        if (c->done) co_return;
        if (c->deadline.expiry() <= clock::now()) {
            c->timed_out = true;
            boost::system::error_code ec;
            c->t->socket().cancel(ec);
            co_return;
        }
    }
}

smtp_listener::smtp_listener(asio::any_io_executor ex, listener_config cfg, std::shared_ptr<const rules> r,
                             deliver_fn deliver)
    : executor_{ex}, cfg_{std::move(cfg)}, rules_{std::move(r)}, deliver_{std::move(deliver)}, drained_{ex} {}

smtp_listener::~smtp_listener() {
    for (auto& [p, c] : conns_) {
        boost::system::error_code ec;
        c->done = true;
        c->t->socket().close(ec);
        c->deadline.cancel();
        c->wake.cancel();
    }
}

void smtp_listener::start() {
    for (const auto& ep : cfg_.endpoints) {
        auto a = std::make_unique<tcp::acceptor>(executor_);
        a->open(ep.protocol());
        a->set_option(tcp::acceptor::reuse_address(true));
        a->bind(ep);
        a->listen();
        log::info("smtp", "listening").kv("address", a->local_endpoint().address().to_string())
            .kv("port", a->local_endpoint().port());
        acceptors_.push_back(std::move(a));
    }
    for (auto& a : acceptors_) asio::co_spawn(executor_, accept_loop(*a), asio::detached);
}

std::vector<tcp::endpoint> smtp_listener::local_endpoints() const {
    std::vector<tcp::endpoint> out;
    for (const auto& a : acceptors_) {
        boost::system::error_code ec;
        auto ep = a->local_endpoint(ec);
        if (!ec) out.push_back(ep);
    }
    return out;
}

asio::awaitable<void> smtp_listener::accept_loop(tcp::acceptor& a) {
    const std::weak_ptr<void> alive = alive_;
    while (!stopping_) {
        auto [ec, sock] = co_await a.async_accept(use_tuple);
        if (alive.expired() || stopping_ || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            log::warn("smtp", "accept_failed").kv("error", ec.message()); // EMFILE and the like may clear
            asio::steady_timer t{executor_, std::chrono::milliseconds(100)};
            co_await t.async_wait(use_tuple);
            if (alive.expired()) co_return;
            continue;
        }
        if (conns_.size() >= cfg_.max_sessions) {
            ++stats_.refused;
            log::warn("smtp", "connection_refused").kv("reason", "max_sessions");
            say_and_close(sock, "421 4.3.2 too many connections, try again later\r\n");
            continue;
        }
        ++stats_.sessions;
        auto c = std::make_shared<conn>(std::move(sock), rules_);
        conns_.emplace(c.get(), c);
        asio::co_spawn(executor_, watchdog(c), asio::detached);
        asio::co_spawn(executor_, serve(c), asio::detached);
    }
}

asio::awaitable<void> smtp_listener::serve(std::shared_ptr<conn> c) {
    const std::weak_ptr<void> alive = alive_;
    const auto command_timeout = cfg_.command_timeout, data_timeout = cfg_.data_timeout;
    const auto deliver = deliver_;
    log::debug("smtp", "session_started").kv("peer", c->peer);
    bool ok = co_await c->write(c->logic.greet().reply, command_timeout);
    std::optional<clock::time_point> data_until;
    std::string l;
    while (ok && !c->logic.closed()) {
        if (!c->logic.in_data()) data_until.reset();
        else if (!data_until) data_until = clock::now() + data_timeout;
        auto until = clock::now() + command_timeout;
        if (data_until) until = std::min(until, *data_until);
        const auto g = co_await c->next_line(l, c->logic.line_limit(), until);
        if (alive.expired()) co_return;
        step s;
        if (g == conn::got::closed) {
            if (c->timed_out) {
                log::info("smtp", "session_timeout").kv("peer", c->peer).kv("in_data", c->logic.in_data());
                say_and_close(c->t->socket(), c->logic.on_timeout().reply, !c->t->secure());
            } else if (c->stop_asked) {
                say_and_close(c->t->socket(), c->logic.on_shutdown().reply, !c->t->secure());
            }
            break;
        }
        s = g == conn::got::too_long ? c->logic.on_line_too_long() : c->logic.on_line(l);
        ok = co_await c->write(s.reply, command_timeout);
        if (s.deliver && ok) {
            c->result.reset();
            c->deadline.expires_at(clock::time_point::max()); // our own store commit: no client timeout
            deliver(*s.deliver, [c](delivery_result r) {
                c->result = std::move(r);
                c->wake.cancel();
            });
            if (!c->result) {
                c->wake.expires_at(clock::time_point::max());
                co_await c->wake.async_wait(use_tuple);
            }
            if (alive.expired()) co_return;
            if (!c->result) break; // the listener went away
            ++stats_.mails;
            s = c->logic.delivered(*c->result);
            ok = co_await c->write(s.reply, command_timeout);
        }
        if (s.start_tls && ok) {
            if (!co_await start_tls(c)) break;
            if (alive.expired()) co_return;
        }
        if (s.close || alive.expired()) break;
    }
    if (alive.expired()) co_return;
    if (c->timed_out) ++stats_.timeouts;
    c->done = true;
    c->deadline.cancel();
    boost::system::error_code ec;
    c->t->close();
    log::debug("smtp", "session_ended").kv("peer", c->peer);
    finished(c.get());
}

asio::awaitable<bool> smtp_listener::start_tls(std::shared_ptr<conn> c) {
    const std::weak_ptr<void> alive = alive_;
    // Whatever the client sent after STARTTLS in the clear is not to be
    // taken as said under TLS (RFC 3207 5, the CVE-2011-0411 injection).
    c->in.clear();
    c->discarding = false;
    c->deadline.expires_at(clock::time_point::max()); // the handshake has its own deadline
    auto ctx = cfg_.tls;
    if (!ctx) co_return false;
    auto r = co_await smpp::accept_tls(std::move(c->t->socket()), ctx, cfg_.handshake_timeout);
    if (alive.expired()) co_return false;
    if (!r.stream) {
        ++stats_.tls_failures;
        log::info("smtp", "tls_failed").kv("peer", c->peer).kv("error", r.error);
        co_return false;
    }
    c->t = std::move(r.stream);
    c->logic.tls_started();
    log::debug("smtp", "tls_started").kv("peer", c->peer).kv("tls", c->t->tls_description());
    co_return !c->stop_asked && !c->timed_out;
}

void smtp_listener::finished(conn* c) {
    conns_.erase(c);
    if (stopping_ && conns_.empty()) drained_.cancel();
}

asio::awaitable<void> smtp_listener::stop(std::chrono::milliseconds grace) {
    stopping_ = true;
    for (auto& a : acceptors_) {
        boost::system::error_code ec;
        a->close(ec);
    }
    for (auto& [p, c] : conns_) {
        c->stop_asked = true;
        // Sessions waiting for a line stop now; one whose mail is being
        // committed answers it first, then stops at its next read.
        boost::system::error_code ec;
        c->t->socket().cancel(ec);
    }
    if (!conns_.empty()) {
        drained_.expires_after(grace);
        co_await drained_.async_wait(use_tuple);
    }
    for (auto& [p, c] : conns_) c->t->close(); // past the grace
}

} // namespace twinsms::smtp
