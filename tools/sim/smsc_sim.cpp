// smsc_simulator: lifecycle (listen, accept, stop, graceful shutdown) and
// the public methods, which forward to impl.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sim_impl.hpp"
#include "util/log.hpp"

namespace twinsms::sim {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string endpoint_text(const tcp::endpoint& ep) { return ep.address().to_string() + ":" + std::to_string(ep.port()); }
} // namespace

smsc_simulator::impl::impl(asio::any_io_executor e, smsc_config c)
    : ex{e}, cfg{std::move(c)}, acceptor{e}, inner{e}, link{std::make_shared<link_faults>()},
      ids{cfg.ids, cfg.id_prefix, cfg.id_start}, later{e} {
    for (const auto& a : cfg.accounts) passwords[a.system_id] = a.password;
    link->max_pdu_size = cfg.session.codec.max_pdu_size;
}

void smsc_simulator::impl::start() {
    if (running || stopped) return;
    acceptor.open(cfg.listen.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(cfg.listen);
    acceptor.listen();
    if (cfg.link_faults && !cfg.tls) {
        inner.open(tcp::v4());
        inner.bind(tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0});
        inner.listen();
    }
    running = true;
    log::info("sim", "listening").kv("addr", endpoint_text(acceptor.local_endpoint()))
        .kv("accounts", cfg.accept_any ? std::string{"any"} : std::to_string(passwords.size()))
        .kv("link_faults", cfg.link_faults && !cfg.tls ? "on" : "off").kv("tls", cfg.tls ? "on" : "off");
    auto self = shared_from_this();
    asio::co_spawn(ex, [self] { return self->accept_loop(); }, asio::detached);
}

asio::awaitable<void> smsc_simulator::impl::accept_loop() {
    auto self = shared_from_this();
    asio::steady_timer pause{ex};
    while (running) {
        auto [ec, sock] = co_await acceptor.async_accept(use_tuple);
        if (!running) co_return;
        if (ec) {
            if (ec == asio::error::operation_aborted) co_return;
            log::warn("sim", "accept_failed").kv("error", ec.message());
            pause.expires_after(milliseconds{50}); // EMFILE and friends: do not spin
            co_await pause.async_wait(use_tuple);
            continue;
        }
        adopt(std::move(sock));
    }
}

void smsc_simulator::impl::adopt(tcp::socket sock) {
    if (cfg.tls) {
        asio::co_spawn(ex, adopt_tls(std::move(sock)), asio::detached);
        return;
    }
    auto c = std::make_shared<connection>();
    boost::system::error_code ec;
    const auto ep = sock.remote_endpoint(ec);
    c->remote = ec ? std::string{"?"} : endpoint_text(ep);
    tcp::socket session_end{ex};
    if (cfg.link_faults) {
        tcp::socket relay_end{ex};
        if (!loopback_pair(inner, relay_end, session_end)) {
            log::error("sim", "relay_failed").kv("remote", c->remote);
            sock.close(ec);
            return;
        }
        c->relay = link_relay::create(std::move(sock), std::move(relay_end), link);
    } else {
        session_end = std::move(sock);
    }
    start_connection(smpp::transport{std::move(session_end)}, std::move(c));
}

asio::awaitable<void> smsc_simulator::impl::adopt_tls(tcp::socket sock) {
    auto self = shared_from_this();
    auto c = std::make_shared<connection>();
    boost::system::error_code ec;
    const auto ep = sock.remote_endpoint(ec);
    c->remote = ec ? std::string{"?"} : endpoint_text(ep);
    tcp::socket* slot = nullptr;
    handshakes.insert(&slot);
    auto r = co_await smpp::accept_tls(std::move(sock), cfg.tls, cfg.handshake_timeout, &slot);
    handshakes.erase(&slot);
    if (!running) co_return;
    if (!r.stream) {
        ++counters.tls_failures;
        log::warn("sim", "tls_handshake_failed").kv("remote", c->remote).kv("error", r.error);
        co_return;
    }
    start_connection(std::move(*r.stream), std::move(c));
}

void smsc_simulator::impl::start_connection(smpp::transport stream, std::shared_ptr<connection> c) {
    ++counters.connections;
    c->owner = this;
    c->id = ++next_conn_id;
    auto scfg = cfg.session;
    scfg.name = "sim#" + std::to_string(c->id) + "/" + c->remote;
    scfg.system_id = cfg.system_id;
    c->s = smpp::session::create(std::move(stream), smpp::role::smsc, std::move(scfg));
    c->s->set_handler(c.get());
    conns.push_back(c);
    log::debug("sim", "connected").kv("conn", c->id).kv("remote", c->remote);
    if (c->relay) c->relay->start();
    c->s->start();
}

void smsc_simulator::impl::forget(const connection& c) {
    // Not now: we are inside the session's close(), called through c.
    asio::post(ex, [w = weak_from_this(), id = c.id] {
        auto self = w.lock();
        if (!self) return;
        std::erase_if(self->conns, [id](const auto& p) { return p->id == id; });
    });
}

void smsc_simulator::impl::stop() {
    running = false;
    stopped = true;
    boost::system::error_code ec;
    acceptor.close(ec);
    inner.close(ec);
    for (auto* slot : handshakes)
        if (*slot) (*slot)->close(ec);
    auto all = std::move(conns);
    conns.clear();
    for (auto& c : all) {
        c->owner = nullptr;
        c->s->set_handler(nullptr);
        c->s->close();
        if (c->relay) c->relay->close();
    }
    later.clear();
    waiting.clear();
}

// ---- smsc_simulator -------------------------------------------------------

smsc_simulator::smsc_simulator(asio::any_io_executor ex, smsc_config cfg)
    : impl_{std::make_shared<impl>(std::move(ex), std::move(cfg))} {}

smsc_simulator::~smsc_simulator() { impl_->stop(); }

void smsc_simulator::start() { impl_->start(); }
tcp::endpoint smsc_simulator::local_endpoint() const {
    boost::system::error_code ec;
    return impl_->acceptor.local_endpoint(ec);
}
unsigned short smsc_simulator::port() const { return local_endpoint().port(); }
std::size_t smsc_simulator::handshakes_in_progress() const { return impl_->handshakes.size(); }
void smsc_simulator::stop() { impl_->stop(); }

asio::awaitable<void> smsc_simulator::shutdown(milliseconds limit) {
    auto im = impl_;
    im->running = false;
    boost::system::error_code ec;
    im->acceptor.close(ec);
    for (auto& c : im->conns) {
        if (c->s->closed()) continue;
        if (smpp::is_bound(c->s->state())) asio::co_spawn(im->ex, c->s->unbind(), asio::detached);
        else c->s->close();
    }
    asio::steady_timer t{im->ex};
    const auto give_up = std::chrono::steady_clock::now() + limit;
    auto open = [&] {
        return std::any_of(im->conns.begin(), im->conns.end(), [](const auto& c) { return !c->s->closed(); });
    };
    while (open() && std::chrono::steady_clock::now() < give_up) {
        t.expires_after(milliseconds{10});
        co_await t.async_wait(use_tuple);
    }
    log::info("sim", "shutdown").kv("unclean", open() ? "yes" : "no");
    im->stop();
}

void smsc_simulator::add_account(std::string system_id, std::string password) {
    impl_->passwords[std::move(system_id)] = std::move(password);
}
void smsc_simulator::set_accept_any(bool on) { impl_->cfg.accept_any = on; }

const std::deque<received_message>& smsc_simulator::messages() const { return impl_->records; }
const std::vector<bind_record>& smsc_simulator::bind_log() const { return impl_->binds; }
void smsc_simulator::clear_messages() { impl_->records.clear(); }
const sim_counters& smsc_simulator::counters() const {
    impl_->counters.enquire_links_ignored = impl_->link->enquire_links_swallowed;
    return impl_->counters;
}
void smsc_simulator::on_message(std::function<void(const received_message&)> f) { impl_->on_message = std::move(f); }

std::size_t smsc_simulator::bound_sessions(std::string_view account) const {
    return std::count_if(impl_->conns.begin(), impl_->conns.end(), [&](const auto& c) {
        return c->bound && !c->s->closed() && (account.empty() || c->account == account);
    });
}
std::size_t smsc_simulator::receivers(std::string_view account) const {
    return std::count_if(impl_->conns.begin(), impl_->conns.end(), [&](const auto& c) {
        return c->can_receive() && (account.empty() || c->account == account);
    });
}
std::size_t smsc_simulator::pending_deliveries() const { return impl_->deliveries_outstanding; }

void smsc_simulator::set_receipt_delay(milliseconds d) { impl_->cfg.receipt_delay = d; }
void smsc_simulator::set_receipt_outcome(receipt_outcome o) { impl_->cfg.receipt_default = o; }
void smsc_simulator::set_receipt_rule(std::string prefix, receipt_outcome o) {
    auto& rules = impl_->cfg.receipt_rules;
    for (auto& r : rules)
        if (r.prefix == prefix) {
            r.outcome = o;
            return;
        }
    rules.push_back({std::move(prefix), o});
}
void smsc_simulator::clear_receipt_rules() { impl_->cfg.receipt_rules.clear(); }

void smsc_simulator::throttle_every(unsigned n) {
    impl_->throttle_every = n;
    impl_->throttle_count = 0;
}
void smsc_simulator::throttle_for(milliseconds d) { impl_->throttle_until = delay_queue::clock::now() + d; }
void smsc_simulator::throttle_off() {
    impl_->throttle_every = 0;
    impl_->throttle_until = {};
}
void smsc_simulator::fail_with(command_status st, unsigned every) {
    impl_->fail_status = st;
    impl_->fail_every = every == 0 ? 1 : every;
    impl_->fail_count = 0;
}
void smsc_simulator::fail_off() { impl_->fail_status.reset(); }
void smsc_simulator::set_drop(bool on) { impl_->drop = on; }
bool smsc_simulator::set_answer_enquire_link(bool on) {
    impl_->link->answer_enquire_link = on;
    return impl_->cfg.link_faults || on;
}
void smsc_simulator::close_all() {
    log::info("sim", "close_all").kv("connections", impl_->conns.size());
    auto all = impl_->conns; // close() re-enters through on_closed
    for (auto& c : all) {
        c->s->close();
        if (c->relay) c->relay->close();
    }
}
void smsc_simulator::refuse_binds(command_status st) { impl_->refuse = st; }
void smsc_simulator::accept_binds() { impl_->refuse.reset(); }
void smsc_simulator::set_response_delay(milliseconds d) { impl_->response_delay = d; }
void smsc_simulator::reset_faults() {
    throttle_off();
    fail_off();
    set_drop(false);
    set_answer_enquire_link(true);
    accept_binds();
    set_response_delay(milliseconds{0});
}

smsc_simulator::fault_state smsc_simulator::faults() const {
    fault_state f;
    f.throttle_every = impl_->throttle_every;
    f.throttling_now = delay_queue::clock::now() < impl_->throttle_until;
    f.fail_status = impl_->fail_status;
    f.fail_every = impl_->fail_every;
    f.drop = impl_->drop;
    f.answer_enquire_link = impl_->link->answer_enquire_link;
    f.refuse_binds = impl_->refuse;
    f.response_delay = impl_->response_delay;
    return f;
}
const smsc_config& smsc_simulator::config() const { return impl_->cfg; }

} // namespace twinsms::sim
