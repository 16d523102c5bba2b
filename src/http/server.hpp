#pragma once
// A small HTTP/1.1 server for the node's own endpoints (admin API, later the
// send API, /metrics, a status page), on the node's io_context thread.
//
// Plain structs cross this header, never Beast types: every translation unit
// that includes Beast costs ~15 s and 800 MB to compile, so Beast stays in
// server.cpp alone. Handlers run on the node's thread; most answer at once
// from memory, an async one (router::add_async) replies when it can.
//
// Errors are JSON with stable snake_case codes, also those the server makes
// itself:  {"error":{"code":"not_found","message":"no such path: /x"}}
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "metrics/status_counts.hpp"
#include "tls/context.hpp"

namespace twinsms::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct request {
    std::string method; // as sent: "GET", "POST", ...
    std::string target; // "/api/v1/status?verbose=1"
    std::string path;   // target without the query
    std::string query;  // after '?', undecoded
    std::vector<std::pair<std::string, std::string>> headers; // names lower-cased, in arrival order
    std::string body;
    std::string remote; // "127.0.0.1:54321", for logs
    asio::ip::address remote_address; // the peer, for accounts' allowed_sources

    // The first header of that name (case-insensitive), empty if absent.
    std::string_view header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

struct response {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // extra ones: Allow, WWW-Authenticate, ...
};

// {name} segments of the matched pattern, percent-decoded.
using path_params = std::map<std::string, std::string, std::less<>>;
using handler = std::function<response(const request&, const path_params&)>;
// A handler that answers later (the send API answers after the store's
// commit): it calls `reply` once, now or later, on the server's executor.
// If every copy of `reply` is dropped unanswered the client gets a 500.
using reply_fn = std::function<void(response)>;
using async_handler = std::function<void(const request&, const path_params&, reply_fn reply)>;

// A JSON error response: {"error":{"code":code,"message":message}}.
response json_error(unsigned status, std::string_view code, std::string_view message);
// A JSON response from already serialized JSON text.
response json_response(unsigned status, std::string body);

// (method, pattern) -> handler. Patterns are absolute paths whose segments
// are literals or {name} (one whole non-empty segment). The first route
// added that matches wins, so literals can shadow a {name} when added first.
class router {
public:
    void add(std::string method, std::string_view pattern, handler h);
    void add_async(std::string method, std::string_view pattern, async_handler h);

    // 404 not_found for an unknown path, 405 method_not_allowed (with Allow)
    // for a known path and another method, 500 internal_error if the handler
    // throws (a bug, but one request must not take the node down).
    // dispatch() answers an async route only if it replies at once (else 500).
    response dispatch(const request& req) const;
    asio::awaitable<response> dispatch_async(const request& req) const;

private:
    struct route {
        std::string method;
        std::vector<std::string> segments; // "{name}" kept as written
        handler h;
        async_handler ah; // instead of h
    };
    struct match_result;
    match_result match(const request& req) const;
    std::vector<route> routes_;
};

struct server_config {
    tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 0};
    std::size_t max_header_bytes = 8 * 1024;  // request line + headers; more: 431
    std::size_t max_body_bytes = 64 * 1024;   // more: 413
    // From the start of waiting for a request (so also an idle keep-alive
    // connection) until it is read in full; then the connection is closed.
    // The same limit bounds writing a response to a slow reader.
    std::chrono::milliseconds read_timeout{15'000};
    std::size_t max_connections = 64; // more are answered 503 and closed
    // How long stop() lets responses being written finish before closing them.
    std::chrono::milliseconds stop_grace{2'000};
    std::string log_component = "http"; // comp= in the log lines
    // HTTPS: every connection handshakes first, within handshake_timeout.
    std::shared_ptr<asio::ssl::context> tls;
    std::chrono::milliseconds handshake_timeout{10'000};
};

class server {
public:
    server(asio::any_io_executor ex, server_config cfg);
    // Closes everything without waiting; prefer co_await stop().
    ~server();
    server(const server&) = delete;
    server& operator=(const server&) = delete;

    // Add routes before or after start(); only from the executor's thread.
    router& routes() noexcept;

    // Binds and listens; throws boost::system::system_error if the address
    // is unusable.
    void start();
    tcp::endpoint local_endpoint() const;
    // Closes the acceptor and every idle or reading connection at once; a
    // response being written gets stop_grace to finish. Returns when every
    // connection is gone.
    asio::awaitable<void> stop();

    std::size_t connection_count() const noexcept;
    // HTTPS handshakes that failed (or timed out) since start.
    std::uint64_t tls_failures() const noexcept;
    // The HTTPS context (null when plain), for its certificate's expiry.
    const std::shared_ptr<asio::ssl::context>& tls_context() const noexcept;
    // Every response sent, by HTTP status code (refusals before any handler
    // too: malformed requests, 401s, 413s), for /metrics.
    const metrics::status_counts& responses() const noexcept;

private:
    struct impl;
    std::shared_ptr<impl> impl_; // shared with the connection coroutines
};

} // namespace twinsms::http
