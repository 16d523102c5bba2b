// The HTTP/1.1 server on Boost.Beast: the only file of the node that
// includes Beast's streams and parser (see server.hpp for why; the framing
// that needs no stream is in wire.cpp).
//
// One coroutine per connection, all on the caller's executor (the node's
// single thread), so the connection list and the router need no locks.
#include <array>
#include <list>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "http/server.hpp"
#include "http/wire.hpp"
#include "util/log.hpp"

namespace twinsms::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct connection {
    explicit connection(tcp::socket s) : stream{std::move(s)} {}
    connection(tcp::socket s, asio::ssl::context& ctx)
        : stream{s.get_executor()}, tls{std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(s), ctx)} {}
    beast::tcp_stream stream; // plain HTTP (unused under TLS)
    std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
    std::string remote;
    asio::ip::address remote_address;
    bool writing = false; // a response is on its way: stop() lets it finish
    // The TCP stream (timeouts, the socket), under TLS too.
    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : stream; }
};

std::string to_string(const tcp::endpoint& e) {
    return e.address().to_string() + ":" + std::to_string(e.port());
}

bool iequals(std::string_view a, std::string_view b) noexcept { return beast::iequals(a, b); }

// After an error answer the client may still be sending (a body over the
// limit): closing with unread data makes the kernel send RST, and the client
// can lose our answer. So: no more writes, read and drop what comes for a
// moment, then close.
asio::awaitable<void> linger(connection& c) {
    error_code ignored;
    // Under TLS too: what comes is dropped unread, raw.
    c.lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    c.lowest().expires_after(std::chrono::seconds(1));
    std::array<char, 4096> sink;
    for (std::size_t total = 0; total < 1024 * 1024;) {
        auto [ec, n] = co_await c.lowest().async_read_some(asio::buffer(sink), use_tuple);
        if (ec) break;
        total += n;
    }
}

} // namespace

struct server::impl {
    impl(asio::any_io_executor ex, server_config c) : executor{ex}, cfg{std::move(c)}, acceptor{ex}, drained{ex} {}

    asio::any_io_executor executor;
    server_config cfg;
    router routes;
    tcp::acceptor acceptor;
    asio::steady_timer drained; // stop() waits on it; the last connection to go cancels it
    std::list<std::shared_ptr<connection>> connections;
    bool stopping = false;
    std::uint64_t tls_failures = 0;
    metrics::status_counts responses;

    static asio::awaitable<void> accept_loop(std::shared_ptr<impl> self);
    static asio::awaitable<void> serve(std::shared_ptr<impl> self, std::shared_ptr<connection> c);
    // The request/response loop over the plain or the TLS stream.
    template <class Stream>
    static asio::awaitable<bool> exchange(std::shared_ptr<impl> self, std::shared_ptr<connection> c, Stream& stream);
    void refuse(tcp::socket s);
    void close_all(bool even_writing);
    void erase(const std::shared_ptr<connection>& c) {
        connections.remove(c);
        if (stopping && connections.empty()) drained.cancel();
    }
};

server::server(asio::any_io_executor ex, server_config cfg) : impl_{std::make_shared<impl>(ex, std::move(cfg))} {}

server::~server() {
    // Coroutines may still hold impl_ and resume later (with an error, or a
    // read already completed): they see `stopping` and leave without calling
    // a handler, whose captures (the node) may be gone by then.
    impl_->stopping = true;
    impl_->routes = router{};
    error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->close_all(true);
}

router& server::routes() noexcept { return impl_->routes; }
std::size_t server::connection_count() const noexcept { return impl_->connections.size(); }
std::uint64_t server::tls_failures() const noexcept { return impl_->tls_failures; }
const std::shared_ptr<asio::ssl::context>& server::tls_context() const noexcept { return impl_->cfg.tls; }
const metrics::status_counts& server::responses() const noexcept { return impl_->responses; }
tcp::endpoint server::local_endpoint() const { return impl_->acceptor.local_endpoint(); }

void server::start() {
    auto& a = impl_->acceptor;
    a.open(impl_->cfg.endpoint.protocol());
    a.set_option(tcp::acceptor::reuse_address(true));
    a.bind(impl_->cfg.endpoint);
    a.listen();
    log::info(impl_->cfg.log_component, "listening").kv("address", a.local_endpoint().address().to_string())
        .kv("port", a.local_endpoint().port());
    asio::co_spawn(impl_->executor, impl::accept_loop(impl_), asio::detached);
}

asio::awaitable<void> server::stop() {
    auto self = impl_;
    self->stopping = true;
    error_code ignored;
    self->acceptor.close(ignored);
    self->close_all(false);
    if (self->connections.empty()) co_return;
    self->drained.expires_after(self->cfg.stop_grace);
    co_await self->drained.async_wait(use_tuple);
    if (self->connections.empty()) co_return;
    // Grace is over for slow readers; their coroutines now finish at once.
    self->close_all(true);
    self->drained.expires_at(asio::steady_timer::time_point::max());
    co_await self->drained.async_wait(use_tuple);
}

void server::impl::close_all(bool even_writing) {
    error_code ignored;
    for (auto& c : connections)
        if (even_writing || !c->writing) c->lowest().socket().close(ignored);
}

// Over the limit: a canned 503 written without waiting (it fits any socket
// buffer), so refusing costs no coroutine and no memory that lingers.
void server::impl::refuse(tcp::socket s) {
    log::warn(cfg.log_component, "connection_refused").kv("reason", "max_connections")
        .kv("limit", connections.size());
    if (cfg.tls) return; // a plaintext answer means nothing to a TLS client: just close
    const auto body = json_error(503, "too_many_connections", "too many connections; retry later").body;
    const std::string text = "HTTP/1.1 503 Service Unavailable\r\nServer: twinsms\r\nContent-Type: application/json\r\n"
                             "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    error_code ignored;
    s.non_blocking(true, ignored);
    asio::write(s, asio::buffer(text), ignored);
    s.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> server::impl::accept_loop(std::shared_ptr<impl> self) {
    while (!self->stopping) {
        auto [ec, sock] = co_await self->acceptor.async_accept(use_tuple);
        if (self->stopping || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // EMFILE and friends: keep listening, the condition may clear.
            log::warn(self->cfg.log_component, "accept_failed").kv("error", ec.message());
            asio::steady_timer t{self->executor, std::chrono::milliseconds(100)};
            co_await t.async_wait(use_tuple);
            continue;
        }
        if (self->connections.size() >= self->cfg.max_connections) {
            self->refuse(std::move(sock));
            continue;
        }
        auto c = self->cfg.tls ? std::make_shared<connection>(std::move(sock), *self->cfg.tls)
                               : std::make_shared<connection>(std::move(sock));
        error_code rec;
        // Small responses, often two in a row on a keep-alive connection:
        // Nagle plus the client's delayed ACK would hold the second 40 ms.
        c->lowest().socket().set_option(tcp::no_delay(true), rec);
        if (auto ep = c->lowest().socket().remote_endpoint(rec); !rec) {
            c->remote = to_string(ep);
            c->remote_address = ep.address();
        }
        self->connections.push_back(c);
        asio::co_spawn(self->executor, serve(self, c), asio::detached);
    }
}

asio::awaitable<void> server::impl::serve(std::shared_ptr<impl> self, std::shared_ptr<connection> c) {
    if (!c->tls) {
        co_await exchange(self, c, c->stream);
    } else {
        // Bounded like a request read: a client that never says hello
        // (or speaks plain HTTP here) does not keep its slot.
        c->lowest().expires_after(self->cfg.handshake_timeout);
        auto [ec] = co_await c->tls->async_handshake(asio::ssl::stream_base::server, use_tuple);
        if (ec) {
            if (!self->stopping) {
                ++self->tls_failures;
                log::warn(self->cfg.log_component, "tls_handshake_failed").kv("remote", c->remote).kv("error", ec.message());
            }
        } else if (co_await exchange(self, c, *c->tls) && !self->stopping) {
            // A clean end: close_notify, so the client knows the response was whole.
            c->lowest().expires_after(std::chrono::seconds(1));
            co_await c->tls->async_shutdown(use_tuple);
        }
    }
    error_code ignored;
    c->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    c->lowest().socket().close(ignored);
    self->erase(c);
}

// True when the connection ended cleanly (our answer written, no error).
template <class Stream>
asio::awaitable<bool> server::impl::exchange(std::shared_ptr<impl> self, std::shared_ptr<connection> c, Stream& stream) {
    const auto& cfg = self->cfg;
    beast::flat_buffer buffer; // survives requests: a pipelined next request may already be in it
    while (!self->stopping) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(cfg.max_header_bytes));
        parser.body_limit(cfg.max_body_bytes);
        c->lowest().expires_after(cfg.read_timeout);
        auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, use_tuple);
        if (!ec && !parser.is_done()) {
            // curl and others wait for this before sending a body over 1 KiB.
            const unsigned version = parser.get().version();
            if (iequals(parser.get()[bhttp::field::expect], "100-continue")) {
                bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, version};
                std::tie(ec, n) = co_await bhttp::async_write(stream, go_on, use_tuple);
            } else if (buffer.size() > 0) {
                // A small body mostly came with the header: parse it here
                // rather than through another composed read.
                parser.eager(true);
                buffer.consume(parser.put(buffer.data(), ec));
                if (ec == bhttp::error::need_more) ec = {};
            }
            if (!ec && !parser.is_done()) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        }
        if (self->stopping || (ec && !is_protocol_error(ec))) break;

        response res;
        unsigned version = 11;
        bool keep_alive = false;
        if (ec) {
            res = protocol_error(ec);
            log::debug(cfg.log_component, "bad_request").kv("remote", c->remote).kv("error", ec.message());
        } else {
            auto m = parser.release();
            version = m.version();
            keep_alive = m.keep_alive();
            const auto req = to_request(std::move(m), c->remote, c->remote_address);
            // A handler may answer later (the send API, after the store's
            // commit): meanwhile stop() gives it the grace of a response.
            c->writing = true;
            res = co_await self->routes.dispatch_async(req);
            c->writing = false;
            log::debug(cfg.log_component, "request").kv("remote", c->remote).kv("method", req.method)
                .kv("path", req.path).kv("status", res.status);
        }
        const bool again = keep_alive && !self->stopping;
        self->responses.add(res.status);
        const auto head = response_head(res, version, again);
        const bool bodiless = res.status / 100 == 1 || res.status == 204 || res.status == 304;
        const std::array<asio::const_buffer, 2> out{asio::buffer(head),
                                                    bodiless ? asio::const_buffer{} : asio::buffer(res.body)};
        c->writing = true;
        c->lowest().expires_after(cfg.read_timeout);
        auto [wec, wn] = co_await asio::async_write(stream, out, use_tuple);
        c->writing = false;
        if (!wec && ec && !self->stopping) co_await linger(*c);
        if (wec || !again) co_return !wec && !ec;
    }
    co_return false;
}

} // namespace twinsms::http
