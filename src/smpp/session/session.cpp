#include <optional>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smpp/session/responses.hpp"
#include "smpp/session/session.hpp"
#include "util/log.hpp"

namespace twinsms::smpp {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
}

std::shared_ptr<session> session::create(tcp::socket socket, role r, session_config cfg) {
    return create(transport{std::move(socket)}, r, std::move(cfg));
}

std::shared_ptr<session> session::create(transport stream, role r, session_config cfg) {
    return std::shared_ptr<session>(new session(std::move(stream), r, std::move(cfg)));
}

session::session(transport stream, role r, session_config cfg)
    : executor_{stream.socket().get_executor()},
      io_{std::move(stream)},
      role_{r},
      cfg_{std::move(cfg)},
      framer_{cfg_.codec.max_pdu_size},
      write_signal_{executor_},
      tick_{executor_},
      window_signal_{executor_},
      written_signal_{executor_},
      window_{cfg_.window},
      keepalive_{cfg_.keepalive, clock::now()} {
    window_signal_.expires_at(clock::time_point::max());
    written_signal_.expires_at(clock::time_point::max());
    error_code ec;
    remote_ep_ = io_.socket().remote_endpoint(ec);
    remote_ = ec ? std::string{"?"} : remote_ep_.address().to_string() + ":" + std::to_string(remote_ep_.port());
    io_.socket().set_option(tcp::no_delay(true), ec);
}

session::~session() = default;

void session::start() {
    bind_deadline_ = clock::now() + cfg_.bind_timeout;
    auto self = shared_from_this();
    asio::co_spawn(executor_, [self] { return self->read_loop(); }, asio::detached);
    asio::co_spawn(executor_, [self] { return self->write_loop(); }, asio::detached);
    asio::co_spawn(executor_, [self] { return self->timer_loop(); }, asio::detached);
}

std::uint32_t session::next_sequence() noexcept {
    // SMPP 3.4 5.1.4: 0x00000001..0x7FFFFFFF, then wrap.
    seq_ = seq_ >= 0x7FFFFFFF ? 1 : seq_ + 1;
    return seq_;
}

void session::wake(asio::steady_timer& t) noexcept { t.cancel(); }

void session::send_request(const pdu& req, response_handler h) {
    const command_id id = req.id();
    if ((draining_ && id != command_id::unbind) || !may_send(role_, state_, id)) {
        const error_code ec = closed() ? error_code{session_error::closed} : error_code{session_error::not_bound};
        asio::post(executor_, [h = std::move(h), ec] { h(ec, nullptr); });
        return;
    }
    pdu p = req;
    p.sequence_number = next_sequence();
    if (id != command_id::enquire_link) keepalive_.on_activity(clock::now());
    if (window_.full() || !backlog_.empty()) {
        queued q{p.sequence_number, {}, std::move(h)};
        if (auto f = encode(p, q.bytes, codec_of(cfg_))) {
            log::warn("session", "encode_failed").kv("peer", cfg_.name).kv("error", f.describe());
            asio::post(executor_, [h = std::move(q.handler), f] { h(make_error_code(f.code), nullptr); });
            return;
        }
        backlog_.push_back(std::move(q));
        return;
    }
    const std::size_t before = out_.size();
    if (auto f = encode(p, out_, codec_of(cfg_))) {
        log::warn("session", "encode_failed").kv("peer", cfg_.name).kv("error", f.describe());
        asio::post(executor_, [h = std::move(h), f] { h(make_error_code(f.code), nullptr); });
        return;
    }
    const auto deadline = clock::now() + cfg_.response_timeout;
    const bool was_empty = window_.empty();
    window_.insert(p.sequence_number, deadline, std::move(h));
    ++stats_.tx_pdus;
    if (before == 0) wake(write_signal_);
    if (was_empty && tick_.expiry() > deadline) wake(tick_);
}

// Moves backlog entries into the window as responses free slots; their
// bytes are already encoded with their sequence numbers.
void session::pump_backlog() {
    while (!backlog_.empty() && !window_.full() && !closed()) {
        queued q = std::move(backlog_.front());
        backlog_.pop_front();
        const bool was_empty = window_.empty();
        const auto deadline = clock::now() + cfg_.response_timeout;
        window_.insert(q.seq, deadline, std::move(q.handler));
        if (out_.empty()) wake(write_signal_);
        out_.insert(out_.end(), q.bytes.begin(), q.bytes.end());
        ++stats_.tx_pdus;
        if (was_empty && tick_.expiry() > deadline) wake(tick_);
    }
    if (!window_.full() || window_.empty()) wake(window_signal_);
}

void session::enqueue(const pdu& p) {
    if (closed()) return;
    const bool was_empty = out_.empty();
    if (auto f = encode(p, out_, codec_of(cfg_))) {
        log::error("session", "encode_failed").kv("peer", cfg_.name).kv("error", f.describe());
        return;
    }
    ++stats_.tx_pdus;
    if (was_empty) wake(write_signal_);
}

void session::respond(const pdu& resp) {
    if (incoming_pending_ > 0 && --incoming_pending_ == 0 && draining_) wake(window_signal_); // unbind drain
    if (resp.id() != command_id::enquire_link_resp) keepalive_.on_activity(clock::now());
    enqueue(resp);
    linger_check();
}

void session::respond_status(const pdu& req, command_status st) { respond(make_response(req, st)); }

void session::send_nack(std::uint32_t seq, command_status st) {
    ++stats_.nacks_sent;
    enqueue(pdu{st, seq, generic_nack{}});
}

void session::send_probe() {
    if (window_.full() || draining_) return; // a full window proves nothing; death is judged by rx
    pdu p{status::ok, 0, enquire_link{}};
    send_request(p, [](const error_code&, const pdu*) {});
}

asio::awaitable<session::bind_result> session::bind(bind_type t, bind_params bp) {
    pdu req;
    auto fill = [&bp](auto& b) {
        b.system_id = bp.system_id;
        b.password = bp.password;
        b.system_type = bp.system_type;
        b.interface_version = bp.interface_version;
        b.addr_ton = bp.addr_ton;
        b.addr_npi = bp.addr_npi;
        b.address_range = bp.address_range;
    };
    switch (t) {
    case bind_type::transmitter: fill(req.body.emplace<bind_transmitter>()); break;
    case bind_type::receiver: fill(req.body.emplace<bind_receiver>()); break;
    case bind_type::transceiver: fill(req.body.emplace<bind_transceiver>()); break;
    }
    auto self = shared_from_this();
    auto [ec, resp] = co_await async_request(req, use_tuple);
    bind_result r;
    r.ec = ec;
    if (ec) co_return r;
    r.status = resp->status;
    std::visit(
        [&r](const auto& b) {
            if constexpr (requires { b.message_id; }) r.system_id = std::string{b.message_id};
        },
        resp->body);
    if (r.status == status::ok && resp->id() == response_of(bind_command(t)) && state_ == bind_state::open) {
        state_ = bound_state_for(t);
        log::info("session", "bound").kv("peer", cfg_.name).kv("remote", remote_).kv("as", to_string(t))
            .kv("smsc_system_id", r.system_id);
        if (handler_) handler_->on_bound(*this);
    } else if (r.status == status::ok) {
        r.status = status::bindfail; // answered with the wrong PDU type
    }
    co_return r;
}

asio::awaitable<void> session::wait_for_window() {
    auto self = shared_from_this();
    // No expires_at() here: re-arming would cancel the other waiters (see session.hpp).
    while (!closed() && window_full()) co_await window_signal_.async_wait(use_tuple);
}

asio::awaitable<void> session::unbind() {
    auto self = shared_from_this();
    if (closed()) co_return;
    if (!is_bound(state_)) {
        close(session_error::unbound);
        co_return;
    }
    draining_ = true; // no new requests from here on
    const auto give_up = clock::now() + cfg_.unbind_timeout;
    // Let outstanding requests finish first so their responses are not lost.
    // The deadline has its own timer that wakes window_signal_: arming the
    // shared signal with it would cancel concurrent wait_for_window callers,
    // which re-arm it in turn, and the two would spin.
    asio::steady_timer deadline{executor_, give_up};
    deadline.async_wait([this, self](const error_code& ec) {
        if (!ec) wake(window_signal_);
    });
    // Requests the peer sent us that are still being worked on are waited
    // for too: their answers must go out before our unbind, or the peer,
    // which stops reading once it answers the unbind, loses them.
    while (!closed() && (!window_.empty() || !backlog_.empty() || incoming_pending_ > 0) && clock::now() < give_up)
        co_await window_signal_.async_wait(use_tuple);
    deadline.cancel();
    if (closed()) co_return;
    // Then wait for unbind_resp, also bounded by unbind_timeout as the config
    // documents (it used to wait the whole response_timeout, 30s by default,
    // for a peer that ignores unbind). The answer may come after this frame is
    // gone (close() fails it), hence the shared flag.
    auto answer = std::make_shared<std::optional<error_code>>();
    send_request(pdu{status::ok, 0, smpp::unbind{}}, [this, self, answer](const error_code& ec, const pdu*) {
        *answer = ec;
        if (ec) close_after_flush(session_error::unbound);
        else linger_then_close();
        wake(window_signal_);
    });
    asio::steady_timer resp_deadline{executor_, clock::now() + cfg_.unbind_timeout};
    resp_deadline.async_wait([this, self](const error_code& ec) {
        if (!ec) wake(window_signal_);
    });
    while (!closed() && !*answer && clock::now() < resp_deadline.expiry())
        co_await window_signal_.async_wait(use_tuple);
    resp_deadline.cancel();
    log::info("session", "unbound").kv("peer", cfg_.name).kv("remote", remote_)
        .kv("resp", !*answer ? std::string{"timeout"} : **answer ? (*answer)->message() : std::string{"ok"});
    if (!lingering_) close_after_flush(session_error::unbound);
    // Callers treat a finished unbind() as a finished session.
    while (!closed() && !flush_then_close_) co_await window_signal_.async_wait(use_tuple);
}

// SMPP 3.4 2.3 says nothing of requests crossing the unbind on the wire,
// but they exist: a submit the peer sent just before it saw our unbind,
// or one of ours it read just before its own. Closing at unbind_resp loses
// their answers (a client then resubmits a message we accepted), so the
// socket stays open, refusing new requests, until both windows are empty.
void session::linger_then_close() {
    if (closed() || flush_then_close_) return;
    draining_ = true;
    if (is_bound(state_)) state_ = bind_state::unbound;
    // Not yet sent: the peer never saw these, so they fail here, unsent.
    auto backlog = std::move(backlog_);
    backlog_.clear();
    for (auto& q : backlog) q.handler(session_error::not_bound, nullptr);
    if (!lingering_) {
        lingering_ = true;
        linger_deadline_ = clock::now() + cfg_.unbind_timeout;
        wake(tick_);
    }
    linger_check();
}

void session::linger_check() {
    if (lingering_ && window_.empty() && incoming_pending_ == 0) close_after_flush(session_error::unbound);
}

void session::close_after_flush(const error_code& why) {
    if (closed()) return;
    draining_ = true;
    lingering_ = false; // done (or given up): the timer loop must not spin on its deadline
    if (is_bound(state_) || state_ == bind_state::open) state_ = bind_state::unbound;
    close_reason_ = why;
    flush_then_close_ = true;
    wake(write_signal_);
}

void session::close(const error_code& why) {
    if (closed()) return;
    state_ = bind_state::closed;
    close_reason_ = why;
    io_.close();
    wake(write_signal_);
    wake(tick_);
    wake(window_signal_);
    wake(written_signal_);
    // Every outstanding request fails now, with the reason, in send order.
    window_.drain([&why](std::uint32_t, response_handler&& h) { h(why, nullptr); });
    auto backlog = std::move(backlog_);
    backlog_.clear();
    for (auto& q : backlog) q.handler(why, nullptr);
    log::info("session", "closed").kv("peer", cfg_.name).kv("remote", remote_).kv("reason", why.message());
    if (handler_) handler_->on_closed(*this, why);
}

} // namespace twinsms::smpp
