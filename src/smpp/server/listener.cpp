#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smpp/server/listener.hpp"
#include "util/log.hpp"

namespace twinsms::smpp {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Requests that consume the account's throughput allowance.
bool is_submission(command_id id) noexcept {
    return id == command_id::submit_sm || id == command_id::data_sm || id == command_id::submit_multi;
}
} // namespace

client_listener::client_listener(asio::any_io_executor ex, listener_config cfg,
                                 std::shared_ptr<const account_table> accounts, request_fn on_request)
    : executor_{ex},
      cfg_{std::move(cfg)},
      accounts_{std::move(accounts)},
      on_request_{std::move(on_request)},
      acceptor_{ex},
      stopped_{ex},
      auth_{cfg_.guard ? authenticator{cfg_.guard} : authenticator{cfg_.guard_config}} {}

client_listener::~client_listener() {
    // Sessions may outlive us in pending coroutines; they must not call back.
    for (auto& [p, c] : clients_) {
        c.s->set_handler(nullptr);
        c.s->close();
    }
    close_handshakes();
}

void client_listener::close_handshakes() {
    error_code ignored;
    for (auto* slot : handshakes_)
        if (*slot) (*slot)->close(ignored); // the handshake then ends with an error
}

void client_listener::start() {
    acceptor_.open(cfg_.endpoint.protocol());
    acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
    acceptor_.bind(cfg_.endpoint);
    acceptor_.listen();
    log::info("listener", "listening").kv("address", local_endpoint().address().to_string())
        .kv("port", local_endpoint().port());
    asio::co_spawn(executor_, accept_loop(), asio::detached);
}

asio::ip::tcp::endpoint client_listener::local_endpoint() const { return acceptor_.local_endpoint(); }

asio::awaitable<void> client_listener::accept_loop() {
    // The listener may be destroyed without stop() while this coroutine is
    // suspended; it then resumes (accept aborted, or a completion already
    // queued) after `this` is gone. Check `alive` before touching members.
    const std::weak_ptr<void> alive = alive_;
    while (!stopping_) {
        auto [ec, sock] = co_await acceptor_.async_accept(use_tuple);
        if (alive.expired() || stopping_ || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // EMFILE and friends: keep listening, the condition may clear.
            log::warn("listener", "accept_failed").kv("error", ec.message());
            asio::steady_timer t{executor_, std::chrono::milliseconds(100)};
            co_await t.async_wait(use_tuple);
            if (alive.expired()) co_return;
            continue;
        }
        if (clients_.size() + handshakes_.size() >= cfg_.max_connections) {
            log::warn("listener", "connection_refused").kv("reason", "max_connections");
            continue; // socket closes as it goes out of scope
        }
        if (cfg_.tls) asio::co_spawn(executor_, secure_then_start(std::move(sock)), asio::detached);
        else start_session(transport{std::move(sock)});
    }
}

void client_listener::start_session(transport t) {
    auto s = session::create(std::move(t), role::smsc, cfg_.session);
    s->set_handler(this);
    clients_.emplace(s.get(), client{s, nullptr, nullptr, nullptr});
    s->start();
}

// Not in the accept loop: one slow or silent client must not hold the others.
asio::awaitable<void> client_listener::secure_then_start(asio::ip::tcp::socket sock) {
    const std::weak_ptr<void> alive = alive_; // as in accept_loop()
    error_code ec;
    const auto ep = sock.remote_endpoint(ec);
    const std::string remote = ec ? std::string{"?"} : ep.address().to_string() + ":" + std::to_string(ep.port());
    asio::ip::tcp::socket* slot = nullptr;
    handshakes_.insert(&slot);
    auto r = co_await accept_tls(std::move(sock), cfg_.tls, cfg_.handshake_timeout, &slot);
    if (alive.expired()) co_return;
    handshakes_.erase(&slot);
    if (stopping_) co_return;
    if (!r.stream) {
        // A plaintext SMPP client on this port fails here at once (its
        // bind is not a ClientHello), a silent one at handshake_timeout.
        ++tls_failures_;
        log::warn("listener", "tls_handshake_failed").kv("remote", remote).kv("error", r.error);
        co_return;
    }
    log::info("listener", "tls_established").kv("remote", remote).kv("tls", r.stream->tls_description())
        .kv("client_cert", r.stream->peer_subject());
    start_session(std::move(*r.stream));
}

unsigned client_listener::binds_of(const client_account& a) const {
    unsigned n = 0;
    for (const auto& [p, c] : clients_)
        if (c.account && c.account->system_id == a.system_id && !c.s->closed()) ++n;
    return n;
}

command_status client_listener::on_bind(session& s, bind_type t, const bind_params& p) {
    auto it = clients_.find(&s);
    if (it == clients_.end()) return status::bindfail;
    const auto accounts = accounts_;
    const auto d = auth_.decide(*accounts, {t, p.system_id, p.password, s.remote_endpoint().address()},
                                [this](const client_account& a) { return binds_of(a); },
                                guard::clock::now());
    if (d.started != guard::verdict::allow)
        log::warn("listener", "auth_guard").kv("door", "smpp").kv("remote", s.remote()).kv("system_id", p.system_id)
            .kv("started", guard::verdict_name(d.started));
    if (d.status != status::ok) {
        log::warn("listener", "bind_rejected").kv("remote", s.remote()).kv("system_id", p.system_id)
            .kv("status", status_name(d.status)).kv("reason", d.reason);
        return d.status;
    }
    client& c = it->second;
    c.account = d.account;
    c.accounts_at_bind = accounts;
    const double burst = d.account->burst > 0 ? d.account->burst : d.account->tps;
    const auto now = token_bucket::clock::now();
    auto [b, fresh] = buckets_.try_emplace(d.account->system_id, d.account->tps, burst, now);
    if (!fresh) b->second.set_rate(d.account->tps, burst, now); // a reload may have changed the limit
    c.bucket = &b->second;
    if (on_bound_) on_bound_(s, *d.account);
    return status::ok;
}

void client_listener::on_request(session& s, const pdu& req) {
    auto it = clients_.find(&s);
    if (it == clients_.end() || it->second.account == nullptr) {
        s.respond_status(req, status::invbndsts);
        return;
    }
    client& c = it->second;
    // A cost above the bucket size could never pass; it takes the whole bucket.
    if (is_submission(req.id()) &&
        !c.bucket->try_take(token_bucket::clock::now(), cfg_.cost ? std::min(cfg_.cost(req), c.bucket->burst()) : 1.0)) {
        ++throttled_;
        s.respond_status(req, status::throttled);
        if (cfg_.on_throttled) cfg_.on_throttled(*c.account);
        return;
    }
    if (!on_request_) {
        s.respond_status(req, status::syserr);
        return;
    }
    on_request_(s, *c.account, req);
}

void client_listener::on_closed(session& s, const error_code&) {
    clients_.erase(&s);
    unbinding_.erase(&s);
    if (stopping_ && clients_.empty()) stopped_.cancel();
}

std::vector<std::shared_ptr<session>> client_listener::receivers_of(std::string_view system_id) const {
    std::vector<std::shared_ptr<session>> out;
    for (const auto& [p, c] : clients_) {
        if (!c.account || c.account->system_id != system_id) continue;
        const auto st = c.s->state();
        if (st == bind_state::bound_rx || st == bind_state::bound_trx) out.push_back(c.s);
    }
    return out;
}

std::vector<std::shared_ptr<session>> client_listener::sessions_of(std::string_view system_id) const {
    std::vector<std::shared_ptr<session>> out;
    for (const auto& [p, c] : clients_)
        if (c.account && c.account->system_id == system_id && is_bound(c.s->state())) out.push_back(c.s);
    return out;
}

std::size_t client_listener::unbind_inactive() {
    std::vector<std::shared_ptr<session>> gone;
    for (const auto& [p, c] : clients_) {
        if (!c.account) continue;
        const auto* now = accounts_->find(c.account->system_id);
        if (!now || !now->active) gone.push_back(c.s);
    }
    // unbind() of a session already unbinding returns at once; a snapshot
    // because a session that closes inline erases itself from clients_.
    for (auto& s : gone)
        if (!unbinding_.contains(s.get())) {
            unbinding_.insert(s.get());
            asio::co_spawn(executor_, s->unbind(), asio::detached);
        }
    return gone.size();
}

asio::awaitable<void> client_listener::stop() {
    stopping_ = true;
    error_code ignored;
    acceptor_.close(ignored);
    close_handshakes();
    // Unbind every client at once; each drains its own window first.
    // Over a snapshot: co_spawn dispatches, so unbind() runs inline up to its
    // first suspension, and a session that never bound closes right there,
    // erasing itself from clients_ (on_closed) under a live iterator.
    std::vector<std::shared_ptr<session>> all;
    all.reserve(clients_.size());
    for (auto& [p, c] : clients_) all.push_back(c.s);
    for (auto& s : all) asio::co_spawn(executor_, s->unbind(), asio::detached);
    if (clients_.empty()) co_return;
    stopped_.expires_after(cfg_.session.unbind_timeout + cfg_.session.response_timeout);
    co_await stopped_.async_wait(use_tuple);
    for (auto& [p, c] : std::map<session*, client>{clients_}) c.s->close();
}

} // namespace twinsms::smpp
