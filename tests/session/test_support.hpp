#pragma once
// Shared pieces for the session integration tests: a recording handler,
// PDU builders, hand-made bytes and async helpers for raw-socket peers that
// read and decode what a session puts on the wire.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "session/loopback.hpp"
#include "session/printers.hpp"
#include "smpp/codec/codec.hpp"
#include "smpp/codec/owned.hpp"
#include "smpp/session/responses.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::test {

using smpp::command_id;
using smpp::owned_pdu;
using smpp::pdu;
using smpp::session;
using error_code = boost::system::error_code;
using ms = std::chrono::milliseconds;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

inline ms elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - since);
}

// Like run_until, but also counts the handlers the loop ran: a session that
// only waits runs a handful, one that spins on its timers runs thousands.
template <class Pred>
std::pair<bool, std::size_t> run_counting(asio::io_context& io, Pred done, ms limit = ms(10'000)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    std::size_t n = 0;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < until) {
        n += io.run_for(ms(5));
        io.restart();
    }
    return {done(), n};
}

// ---- PDUs -----------------------------------------------------------------

inline pdu submit(std::string_view dest = "123456") {
    pdu p{smpp::status::ok, 0, smpp::submit_sm{}};
    p.as<smpp::submit_sm>()->destination_addr = dest;
    p.as<smpp::submit_sm>()->short_message = "hello";
    return p;
}

inline pdu bind_trx(std::uint32_t seq, std::string_view password = "secret") {
    pdu p{smpp::status::ok, seq, smpp::bind_transceiver{}};
    p.as<smpp::bind_transceiver>()->system_id = "user";
    p.as<smpp::bind_transceiver>()->password = password;
    return p;
}

inline std::vector<std::uint8_t> encoded(const pdu& p) {
    std::vector<std::uint8_t> out;
    if (auto f = smpp::encode(p, out)) throw std::runtime_error("test encode failed: " + f.describe());
    return out;
}

// Hand-made PDU bytes: body() fields, then finish() prepends the header with
// command_length = 16 + body size (or a forced length).
class bytes {
public:
    bytes& u8(std::uint8_t v) { b_.push_back(v); return *this; }
    bytes& u16(std::uint16_t v) { return u8(v >> 8).u8(v & 0xFF); }
    bytes& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
    bytes& raw(std::string_view s) { b_.insert(b_.end(), s.begin(), s.end()); return *this; }
    bytes& cstr(std::string_view s) { return raw(s).u8(0); }
    std::vector<std::uint8_t> finish(std::uint32_t cmd, std::uint32_t seq, std::uint32_t st = 0) const {
        return finish_len(static_cast<std::uint32_t>(16 + b_.size()), cmd, seq, st);
    }
    std::vector<std::uint8_t> finish_len(std::uint32_t len, std::uint32_t cmd, std::uint32_t seq,
                                         std::uint32_t st = 0) const {
        bytes h;
        h.u32(len).u32(cmd).u32(st).u32(seq);
        h.b_.insert(h.b_.end(), b_.begin(), b_.end());
        return h.b_;
    }

private:
    std::vector<std::uint8_t> b_;
};

// The fields of a submit_sm up to (not including) destination_addr.
inline bytes submit_prefix() {
    bytes b;
    b.cstr("").u8(1).u8(1).cstr("12345").u8(1).u8(1);
    return b;
}
// The fields of a submit_sm after destination_addr, with a 5-byte message.
inline bytes& submit_suffix(bytes& b) {
    return b.u8(0).u8(0).u8(0).cstr("").cstr("").u8(0).u8(0).u8(0).u8(0).u8(5).raw("hello");
}

inline std::vector<std::uint8_t> cat(std::vector<std::uint8_t> a, const std::vector<std::uint8_t>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// ---- raw-socket peers ------------------------------------------------------

struct reply {
    error_code ec;
    smpp::header hdr{};
    owned_pdu pdu;
    command_id id() const { return static_cast<command_id>(hdr.command_id); }
};

// Reads one whole PDU (or the error that ended the stream) and decodes it.
inline asio::awaitable<reply> read_pdu(tcp::socket& s) {
    reply r;
    std::vector<std::uint8_t> buf(smpp::header_size);
    auto [ec, n] = co_await asio::async_read(s, asio::buffer(buf), use_tuple);
    if (ec) co_return reply{ec, {}, {}};
    r.hdr = smpp::read_header(buf);
    if (r.hdr.command_length < smpp::header_size || r.hdr.command_length > (1u << 20))
        co_return reply{asio::error::invalid_argument, r.hdr, {}};
    buf.resize(r.hdr.command_length);
    if (buf.size() > smpp::header_size) {
        auto [ec2, n2] = co_await asio::async_read(
            s, asio::buffer(buf.data() + smpp::header_size, buf.size() - smpp::header_size), use_tuple);
        if (ec2) co_return reply{ec2, r.hdr, {}};
    }
    r.pdu = owned_pdu{std::span<const std::uint8_t>{buf}};
    co_return r;
}

inline asio::awaitable<error_code> write_all(tcp::socket& s, std::vector<std::uint8_t> b) {
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(b), use_tuple);
    co_return ec;
}

// ---- session-side handler --------------------------------------------------

// Accepts binds with password "secret" (else ESME_RINVPASWD); answers
// requests at once with ESME_ROK, or holds them for answer_held().
struct recording_handler : smpp::session_handler {
    bool hold = false;
    std::string password = "secret";
    std::vector<owned_pdu> requests; // every request handed to on_request
    std::vector<owned_pdu> held;
    std::size_t max_held = 0;
    int bound = 0, closed = 0;
    error_code close_reason;

    smpp::command_status on_bind(session&, smpp::bind_type, const smpp::bind_params& p) override {
        return p.password == password ? smpp::status::ok : smpp::status::invpaswd;
    }
    void on_bound(session&) override { ++bound; }
    void on_request(session& s, const pdu& req) override {
        requests.emplace_back(req);
        if (!hold) return answer(s, req);
        held.emplace_back(req);
        max_held = std::max(max_held, held.size());
    }
    void on_closed(session&, const error_code& why) override {
        ++closed;
        close_reason = why;
    }
    static void answer(session& s, const pdu& req) {
        pdu r = smpp::make_response(req, smpp::status::ok);
        const std::string id = "id-" + std::to_string(req.sequence_number);
        if (auto* b = r.as<smpp::submit_sm_resp>()) b->message_id = id;
        s.respond(r);
    }
    void answer_held(session& s) {
        auto h = std::move(held);
        held.clear();
        for (auto& p : h) answer(s, *p);
    }
};

struct delayed_handler : recording_handler {
    asio::io_context& io;
    ms delay;
    std::size_t outstanding = 0, max_outstanding = 0, answered = 0;
    delayed_handler(asio::io_context& i, ms d) : io{i}, delay{d} {}
    void on_request(session& s, const pdu& req) override {
        requests.emplace_back(req);
        max_outstanding = std::max(max_outstanding, ++outstanding);
        auto t = std::make_shared<asio::steady_timer>(io, delay);
        t->async_wait([this, t, self = s.shared_from_this(), r = owned_pdu{req}](const error_code&) {
            --outstanding;
            ++answered;
            answer(*self, *r);
        });
    }
};

// ---- session pairs ---------------------------------------------------------

struct session_pair {
    std::shared_ptr<session> client; // esme
    std::shared_ptr<session> server; // smsc
};

inline session_pair make_pair(asio::io_context& io, smpp::session_handler* server_handler,
                              smpp::session_config client_cfg = {}, smpp::session_config server_cfg = {}) {
    auto [c, s] = socket_pair(io);
    if (client_cfg.name.empty()) client_cfg.name = "client";
    if (server_cfg.name.empty()) server_cfg.name = "server";
    session_pair p{session::create(std::move(c), smpp::role::esme, std::move(client_cfg)),
                   session::create(std::move(s), smpp::role::smsc, std::move(server_cfg))};
    p.server->set_handler(server_handler);
    p.server->start();
    p.client->start();
    return p;
}

// Binds `client` as a transceiver and runs the loop until the answer.
inline session::bind_result bind_now(asio::io_context& io, session& client, std::string_view password = "secret") {
    session::bind_result out;
    bool done = false;
    auto self = client.shared_from_this();
    asio::co_spawn(io, [&, self]() -> asio::awaitable<void> {
        smpp::bind_params bp;
        bp.system_id = "user";
        bp.password = password;
        out = co_await self->bind(smpp::bind_type::transceiver, bp);
        done = true;
    }, asio::detached);
    if (!run_until(io, [&] { return done; })) out.ec = asio::error::timed_out;
    return out;
}

// Closes what is still open and lets the coroutines finish before the test ends.
inline void shutdown(asio::io_context& io, std::initializer_list<std::shared_ptr<session>> sessions) {
    for (auto& s : sessions) s->close();
    drain_ready(io);
}

} // namespace twinsms::test
