#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smpp/carrier/carrier_client.hpp"
#include "util/log.hpp"

namespace twinsms::smpp {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
using clock = std::chrono::steady_clock;
} // namespace

carrier_client::carrier_client(asio::any_io_executor ex, carrier_config cfg, carrier_handler* handler)
    : executor_{ex},
      cfg_{std::move(cfg)},
      handler_{handler},
      queue_signal_{ex},
      link_closed_{ex},
      retry_timer_{ex},
      bucket_{cfg_.tps, std::max(1.0, cfg_.tps / 10), clock::now()}, // burst of 100 ms worth keeps pacing smooth
      backoff_{cfg_.reconnect} {
    if (cfg_.session.name.empty()) cfg_.session.name = cfg_.name;
}

carrier_client::~carrier_client() {
    if (session_) {
        session_->set_handler(nullptr);
        session_->close();
    }
}

void carrier_client::start() {
    asio::co_spawn(executor_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

void carrier_client::submit(owned_pdu req, done_fn done) {
    if (stopping_) {
        asio::post(executor_, [done = std::move(done)] { done({session_error::closed, status::syserr, {}}); });
        return;
    }
    queue_.push_back({next_order_++, std::move(req), std::move(done)});
    queue_signal_.cancel();
}

asio::awaitable<void> carrier_client::run() {
    auto self = shared_from_this();
    while (!stopping_) {
        auto s = co_await connect_and_bind();
        if (stopping_) {
            if (s) co_await s->unbind();
            break;
        }
        if (s) {
            backoff_.reset();
            session_ = s;
            incoming_high_water_ = 0;
            if (handler_) handler_->on_link_up(*this);
            asio::co_spawn(executor_, send_loop(s), asio::detached);
            while (!s->closed()) {
                link_closed_.expires_at(clock::time_point::max());
                co_await link_closed_.async_wait(use_tuple);
            }
            session_.reset();
            queue_signal_.cancel();
            if (handler_) handler_->on_link_down(*this, s->close_reason());
            if (stopping_) break;
        }
        {
            // Also after a lost link: a carrier that accepts binds and drops
            // them at once must not be hammered.
            const auto delay = backoff_.next(std::uniform_real_distribution<>(0.0, 1.0)(rng_));
            log::info("carrier", "reconnect_scheduled").kv("carrier", cfg_.name).kv("delay_ms", delay.count())
                .kv("attempt", backoff_.attempts());
            retry_timer_.expires_after(delay);
            co_await retry_timer_.async_wait(use_tuple);
        }
    }
    // Whatever never reached the carrier is handed back, not silently dropped.
    auto rest = std::move(queue_);
    queue_.clear();
    for (auto& it : rest) it.done({session_error::closed, status::syserr, {}});
}

asio::awaitable<std::shared_ptr<session>> carrier_client::connect_and_bind() {
    asio::ip::tcp::resolver resolver{executor_};
    auto [rec, endpoints] = co_await resolver.async_resolve(cfg_.host, std::to_string(cfg_.port), use_tuple);
    if (stopping_) co_return nullptr; // stop() came during the resolve: do not start a connect
    if (rec) {
        last_error_ = "cannot resolve " + cfg_.host + ": " + rec.message();
        log::warn("carrier", "resolve_failed").kv("carrier", cfg_.name).kv("host", cfg_.host).kv("error", rec.message());
        co_return nullptr;
    }
    asio::ip::tcp::socket sock{executor_};
    // Bound the connect: a blackholed SMSC must not stall reconnects for minutes.
    asio::steady_timer guard{executor_, cfg_.connect_timeout};
    guard.async_wait([&sock](const error_code& ec) {
        if (!ec) sock.close();
    });
    connecting_ = &sock;
    auto [cec, ep] = co_await asio::async_connect(sock, endpoints, use_tuple);
    connecting_ = nullptr;
    guard.cancel();
    if (cec || !sock.is_open()) {
        last_error_ = "connect: " + (cec ? cec.message() : std::string{"connect timeout"});
        log::warn("carrier", "connect_failed").kv("carrier", cfg_.name).kv("host", cfg_.host).kv("port", cfg_.port)
            .kv("error", cec ? cec.message() : "connect timeout");
        co_return nullptr;
    }
    std::optional<transport> stream;
    if (cfg_.tls.enabled) stream = co_await secure(std::move(sock));
    else stream.emplace(std::move(sock));
    if (!stream || stopping_) co_return nullptr;
    auto s = session::create(std::move(*stream), role::esme, cfg_.session);
    s->set_handler(this);
    s->start();
    if (fenced("bind")) {
        s->set_handler(nullptr);
        s->close();
        co_return nullptr;
    }
    binding_ = s;
    auto r = co_await s->bind(cfg_.bind, {cfg_.system_id, cfg_.password, cfg_.system_type, cfg_.interface_version,
                                          cfg_.addr_ton, cfg_.addr_npi, cfg_.address_range});
    binding_.reset();
    if (r.ec || r.status != status::ok) {
        ++stats_.bind_failures;
        last_error_ = "bind: " + (r.ec ? r.ec.message() : status_name(r.status));
        log::warn("carrier", "bind_failed").kv("carrier", cfg_.name).kv("system_id", cfg_.system_id)
            .kv("status", r.ec ? r.ec.message() : status_name(r.status));
        s->set_handler(nullptr);
        s->close();
        co_return nullptr;
    }
    ++stats_.binds;
    last_error_.clear();
    log::info("carrier", "bound").kv("carrier", cfg_.name).kv("as", to_string(cfg_.bind)).kv("smsc", r.system_id);
    co_return s;
}

asio::awaitable<std::optional<transport>> carrier_client::secure(asio::ip::tcp::socket sock) {
    std::shared_ptr<asio::ssl::context> ctx;
    try {
        // Built per connection: a renewed CA or client certificate is used
        // from the next reconnect on, without a reload.
        ctx = tls::client_context(cfg_.tls);
    } catch (const tls::setup_error& e) {
        ++stats_.tls_failures;
        last_error_ = e.what();
        log::error("carrier", "tls_setup_failed").kv("carrier", cfg_.name).kv("error", e.what());
        co_return std::nullopt;
    }
    const std::string& name = cfg_.tls.server_name.empty() ? cfg_.host : cfg_.tls.server_name;
    auto r = co_await connect_tls(std::move(sock), std::move(ctx), name, cfg_.tls.verify_peer,
                                  cfg_.tls.handshake_timeout, &connecting_);
    if (stopping_) co_return std::nullopt;
    if (!r.stream) {
        ++stats_.tls_failures;
        last_error_ = "TLS handshake with " + name + ": " + r.error;
        log::warn("carrier", "tls_handshake_failed").kv("carrier", cfg_.name).kv("host", cfg_.host)
            .kv("port", cfg_.port).kv("server_name", name).kv("verify_peer", cfg_.tls.verify_peer ? "true" : "false")
            .kv("error", r.error);
        co_return std::nullopt;
    }
    log::info("carrier", "tls_established").kv("carrier", cfg_.name).kv("server_name", name)
        .kv("tls", r.stream->tls_description()).kv("server_cert", r.stream->peer_subject());
    co_return std::move(*r.stream);
}

asio::awaitable<void> carrier_client::send_loop(std::shared_ptr<session> s) {
    auto self = shared_from_this();
    const bool can_submit = cfg_.bind != bind_type::receiver;
    while (!s->closed() && !stopping_) {
        const auto now = clock::now();
        if (!can_submit || queue_.empty() || now < paused_until_) {
            queue_signal_.expires_at(queue_.empty() || !can_submit ? clock::time_point::max() : paused_until_);
            co_await queue_signal_.async_wait(use_tuple);
            continue;
        }
        if (s->window_full()) {
            co_await s->wait_for_window();
            continue;
        }
        if (auto wait = bucket_.wait_for(now); wait > clock::duration::zero()) {
            queue_signal_.expires_after(wait);
            co_await queue_signal_.async_wait(use_tuple);
            continue;
        }
        if (fenced("submit")) {
            s->close(); // on_closed wakes run(), which reconnects only once the fence opens
            break;
        }
        bucket_.try_take(now);
        auto shared = std::make_shared<item>(std::move(queue_.front()));
        queue_.pop_front();
        shared->sent = now;
        ++stats_.submitted;
        s->send_request(*shared->req, [this, self, shared](const error_code& ec, const pdu* resp) {
            on_response(std::move(*shared), ec, resp);
        });
    }
}

void carrier_client::on_response(item it, const error_code& ec, const pdu* resp) {
    if (ec) {
        ++stats_.transport_errors;
        it.done({ec, status::syserr, {}});
        return;
    }
    latency_.observe_since(it.sent);
    stats_.responses.add(resp->status);
    if (resp->status == status::throttled) {
        // Pause everything, not just this message, and resend it ahead of
        // anything queued after it.
        ++stats_.throttled;
        paused_until_ = clock::now() + cfg_.throttle_pause;
        log::info("carrier", "throttled").kv("carrier", cfg_.name).kv("pause_ms", cfg_.throttle_pause.count());
        requeue(std::move(it));
        return;
    }
    submit_outcome out{{}, resp->status, {}};
    if (const auto* r = resp->as<submit_sm_resp>()) out.message_id = std::string{r->message_id};
    else if (const auto* d = resp->as<data_sm_resp>()) out.message_id = std::string{d->message_id};
    if (resp->status == status::ok) ++stats_.accepted;
    else ++stats_.rejected;
    it.done(out);
}

void carrier_client::requeue(item it) {
    auto pos = std::lower_bound(queue_.begin(), queue_.end(), it.order,
                                [](const item& q, std::uint64_t order) { return q.order < order; });
    queue_.insert(pos, std::move(it));
    queue_signal_.cancel();
}

void carrier_client::on_request(session& s, const pdu& req) {
    ++stats_.delivers;
    incoming_high_water_ = std::max(incoming_high_water_, s.incoming_pending());
    if (!handler_) {
        s.respond_status(req, status::syserr);
        return;
    }
    handler_->on_deliver(*this, req, responder{s, req});
}

bool carrier_client::fenced(std::string_view what) {
    if (!fence_ || fence_()) return false;
    ++stats_.fenced;
    last_error_ = "fenced: this node may not use the carrier now (witness key not held)";
    log::warn("carrier", "fenced").kv("carrier", cfg_.name).kv("refused", what)
        .kv("why", "the witness key is not ours under a valid lease; the link closes instead");
    return true;
}

void carrier_client::on_closed(session&, const error_code& why) {
    log::warn("carrier", "link_down").kv("carrier", cfg_.name).kv("reason", why.message());
    link_closed_.cancel();
    queue_signal_.cancel();
}

asio::awaitable<void> carrier_client::stop() {
    auto self = shared_from_this();
    stopping_ = true;
    retry_timer_.cancel();
    queue_signal_.cancel();
    // A connect or bind in progress would otherwise hold run(), and with it
    // the queued messages it hands back, until connect_timeout or the bind's
    // response_timeout (an SMSC that accepts TCP but never answers the bind).
    if (connecting_) {
        error_code ignored;
        connecting_->close(ignored); // async_connect then ends with operation_aborted
    }
    if (binding_) binding_->close();
    if (session_) co_await session_->unbind();
    link_closed_.cancel();
}

} // namespace twinsms::smpp
