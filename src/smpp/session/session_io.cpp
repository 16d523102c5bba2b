// The session's three coroutines and its inbound PDU dispatch.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smpp/session/responses.hpp"
#include "smpp/session/session.hpp"
#include "util/log.hpp"

namespace twinsms::smpp {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Whether a request that failed to decode is answered with its own response
// type rather than generic_nack: known requests whose failure is a bad field
// value, not a bad length (the spec's generic_nack case).
bool answers_in_own_response(const codec_failure& f, command_id cmd, command_status st) noexcept {
    return f.code != codec_error::unknown_command_id && !is_response(cmd) && cmd != command_id::outbind &&
           cmd != command_id::alert_notification && st != status::invcmdlen;
}

template <class Bind> bind_params params_of(const Bind& b) {
    return {b.system_id, b.password, b.system_type, b.interface_version, b.addr_ton, b.addr_npi, b.address_range};
}
} // namespace

asio::awaitable<void> session::read_loop() {
    auto self = shared_from_this();
    while (!closed()) {
        // Backpressure: a peer that does not read its responses stops being
        // read. The writer wakes us after each write (no polling, and not on
        // window_signal_, whose waiters must not be cancelled by re-arming).
        while (!closed() && out_.size() + writing_.size() > cfg_.write_high_water)
            co_await written_signal_.async_wait(use_tuple);
        auto buf = framer_.prepare();
        auto [ec, n] = co_await io_.read_some(asio::buffer(buf.data(), buf.size()));
        if (closed()) co_return;
        if (ec) {
            // After an unbind exchange the peer's close is the normal end.
            close(lingering_                        ? error_code{session_error::unbound}
                  : transport::closed_by_peer(ec) ? error_code{session_error::peer_closed}
                                                  : ec);
            co_return;
        }
        framer_.commit(n);
        keepalive_.on_receive(clock::now());
        for (;;) {
            auto r = framer_.next();
            if (r.st == framer::status::need_more) break;
            if (r.st == framer::status::bad_length) {
                // The stream cannot be re-synchronised: nack what we can and close.
                ++stats_.decode_errors;
                log::warn("session", "bad_command_length").kv("peer", cfg_.name).kv("remote", remote_)
                    .kv("command_length", r.hdr.command_length).kv("max", cfg_.codec.max_pdu_size);
                send_nack(r.hdr.sequence_number, status::invcmdlen);
                close_after_flush(session_error::bad_framing);
                co_return;
            }
            on_frame(r.bytes, r.hdr);
            if (closed() || flush_then_close_) co_return;
        }
    }
}

asio::awaitable<void> session::write_loop() {
    auto self = shared_from_this();
    while (!closed()) {
        if (out_.empty()) {
            if (flush_then_close_) {
                close(close_reason_);
                co_return;
            }
            write_signal_.expires_at(clock::time_point::max());
            co_await write_signal_.async_wait(use_tuple);
            continue;
        }
        // Everything queued since the last write goes out in one syscall.
        std::swap(out_, writing_);
        ++stats_.writes;
        auto [ec, n] = co_await io_.write(asio::buffer(writing_));
        writing_.clear();
        wake(written_signal_);
        if (ec) {
            close(closed() ? close_reason_ : error_code{session_error::io_error});
            co_return;
        }
    }
}

asio::awaitable<void> session::timer_loop() {
    auto self = shared_from_this();
    while (!closed()) {
        auto wake_at = keepalive_.next_wake();
        if (auto d = window_.next_deadline()) wake_at = std::min(wake_at, *d);
        if (role_ == role::smsc && state_ == bind_state::open) wake_at = std::min(wake_at, bind_deadline_);
        if (lingering_) wake_at = std::min(wake_at, linger_deadline_);
        tick_.expires_at(wake_at);
        co_await tick_.async_wait(use_tuple);
        if (closed()) co_return;
        const auto now = clock::now();
        const auto expired = window_.expire(now, [this](std::uint32_t seq, response_handler&& h) {
            ++stats_.timeouts;
            log::warn("session", "response_timeout").kv("peer", cfg_.name).kv("seq", seq);
            h(session_error::response_timeout, nullptr);
        });
        if (expired) pump_backlog();
        if (closed()) co_return;
        if (lingering_ && now >= linger_deadline_) close_after_flush(session_error::unbound);
        linger_check();
        if (role_ == role::smsc && state_ == bind_state::open && now >= bind_deadline_) {
            close(session_error::bind_timeout);
            co_return;
        }
        switch (keepalive_.poll(now)) {
        case keepalive::action::none: break;
        case keepalive::action::send_probe: send_probe(); break;
        case keepalive::action::dead:
            log::warn("session", "peer_dead").kv("peer", cfg_.name).kv("remote", remote_);
            close(session_error::peer_dead);
            co_return;
        case keepalive::action::inactive:
            log::info("session", "inactive").kv("peer", cfg_.name).kv("remote", remote_);
            if (is_bound(state_)) {
                asio::co_spawn(executor_, unbind(), asio::detached);
            } else {
                close(session_error::inactivity_timeout);
            }
            keepalive_.on_activity(now); // the unbind itself is now the activity
            break;
        }
    }
}

void session::on_frame(std::span<const std::uint8_t> frame, const header& h) {
    ++stats_.rx_pdus;
    pdu p;
    const auto cmd = static_cast<command_id>(h.command_id);
    if (auto f = decode(frame, p, codec_of(cfg_))) {
        ++stats_.decode_errors;
        log::warn("session", "decode_failed").kv("peer", cfg_.name).kv("remote", remote_).kv("seq", h.sequence_number)
            .kv("error", f.describe());
        if (f.code != codec_error::unknown_command_id && is_response(cmd)) {
            // A malformed answer still ends its request, with the reason.
            if (auto pending = window_.take(h.sequence_number)) (*pending)(make_error_code(f.code), nullptr);
            pump_backlog();
            linger_check();
        } else if (const auto st = suggested_status(f); answers_in_own_response(f, cmd, st)) {
            // SMPP 3.4 4.3: generic_nack is for a bad command_length or an
            // unknown command_id. A bad field of a known request belongs in
            // that request's own response, which strict peers (Net::SMPP)
            // wait for by type; the bind-state verdict comes first.
            const auto verdict = check_incoming(role_, state_, cmd);
            enqueue(make_response(cmd, h.sequence_number, verdict != status::ok ? verdict : st));
        } else {
            send_nack(h.sequence_number, st);
        }
        return;
    }
    if (is_response(cmd)) return on_response(p);

    if (cmd != command_id::enquire_link) keepalive_.on_activity(clock::now());
    if (const auto st = check_incoming(role_, state_, cmd); st != status::ok) {
        log::info("session", "refused").kv("peer", cfg_.name).kv("command", to_string(cmd))
            .kv("state", to_string(state_)).kv("status", status_name(st));
        enqueue(make_response(p, st));
        return;
    }
    switch (cmd) {
    case command_id::enquire_link: enqueue(make_response(p, status::ok)); return;
    case command_id::unbind:
        enqueue(make_response(p, status::ok));
        linger_then_close();
        return;
    case command_id::bind_transmitter:
    case command_id::bind_receiver:
    case command_id::bind_transceiver: return on_bind_request(p);
    default: break;
    }
    if (handler_ == nullptr) {
        enqueue(make_response(p, status::syserr));
        return;
    }
    if (incoming_pending_ >= cfg_.max_incoming_pending) {
        // Flood: the peer ignores our pace. Refuse rather than queue without bound.
        ++stats_.throttled_incoming;
        enqueue(make_response(p, status::throttled));
        return;
    }
    ++incoming_pending_;
    handler_->on_request(*this, p);
}

void session::on_response(const pdu& p) {
    auto pending = window_.take(p.sequence_number);
    if (!pending) {
        log::debug("session", "unexpected_response").kv("peer", cfg_.name).kv("command", to_string(p.id()))
            .kv("seq", p.sequence_number);
        return;
    }
    if (p.id() != command_id::enquire_link_resp) keepalive_.on_activity(clock::now());
    (*pending)({}, &p);
    pump_backlog();
    linger_check();
}

void session::on_bind_request(const pdu& p) {
    bind_type t = bind_type::transceiver;
    bind_params bp;
    if (auto* b = p.as<bind_transmitter>()) t = bind_type::transmitter, bp = params_of(*b);
    else if (auto* b = p.as<bind_receiver>()) t = bind_type::receiver, bp = params_of(*b);
    else if (auto* b = p.as<bind_transceiver>()) bp = params_of(*b);
    const command_status st = handler_ ? handler_->on_bind(*this, t, bp) : status::bindfail;
    pdu resp = make_response(p, st);
    if (st == status::ok) {
        std::visit(
            [this](auto& b) {
                if constexpr (requires { b.message_id; b.tlvs; }) {
                    b.message_id = cfg_.system_id;
                    b.tlvs.push_back(tlv::u8(tag::sc_interface_version, 0x34));
                }
            },
            resp.body);
    }
    enqueue(resp);
    if (st != status::ok) {
        log::info("session", "bind_refused").kv("peer", cfg_.name).kv("remote", remote_)
            .kv("system_id", bp.system_id).kv("as", to_string(t)).kv("status", status_name(st));
        return;
    }
    state_ = bound_state_for(t);
    log::info("session", "bound").kv("peer", cfg_.name).kv("remote", remote_).kv("system_id", bp.system_id)
        .kv("as", to_string(t)).kv("interface_version", int{bp.interface_version});
    if (handler_) handler_->on_bound(*this);
}

} // namespace twinsms::smpp
