// The admin API request on Beast, run to completion on a private
// io_context: a command-line tool makes one request and exits, so a
// coroutine on a local loop is the simplest way to get one deadline over
// resolve, connect, write and read (Beast's synchronous calls have none).
#include "http_client.hpp"

#include <cctype>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace twinsms::ctl {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::string describe(std::chrono::milliseconds d) {
    if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

// "Connection refused" -> "connection refused": it reads as part of our sentence.
std::string reason(const boost::system::error_code& ec) {
    auto m = ec.message();
    if (!m.empty()) m[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(m[0])));
    return m;
}

// OpenSSL's reason, with the certificate verdict when that was it.
std::string tls_reason(const boost::system::error_code& ec, SSL* h) {
    std::string m = reason(ec);
    if (const long v = SSL_get_verify_result(h); v != X509_V_OK) m += ": " + std::string{X509_verify_cert_error_string(v)};
    return m;
}

template <class Stream>
asio::awaitable<void> talk(Stream& stream, bhttp::request<bhttp::string_body>& req, std::chrono::milliseconds timeout,
                           http_result& out) {
    boost::system::error_code cec;
    {
        auto [wec, wn] = co_await bhttp::async_write(stream, req, use_tuple);
        cec = wec;
    }
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 * 1024 * 1024); // a status of many profiles, not unbounded
    if (!cec) {
        auto [rdec, rn] = co_await bhttp::async_read(stream, buffer, parser, use_tuple);
        cec = rdec;
    }
    if (cec == beast::error::timeout) {
        out.error = "no answer within " + describe(timeout) + " (timed out)";
        co_return;
    }
    if (cec) {
        out.error = reason(cec);
        co_return;
    }
    out.reached = true;
    out.status = parser.get().result_int();
    out.body = std::move(parser.get().body());
}

asio::awaitable<void> exchange(const node_url& url, bhttp::request<bhttp::string_body> req,
                               std::chrono::milliseconds timeout, http_result& out) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver{ex};
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, url.port, use_tuple);
    if (rec) {
        out.error = "cannot resolve '" + url.host + "': " + reason(rec);
        co_return;
    }
    std::optional<asio::ssl::context> ctx;
    std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
    std::optional<beast::tcp_stream> plain;
    if (url.tls) {
        ctx.emplace(asio::ssl::context::tls_client);
        SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
        boost::system::error_code ec;
        if (url.ca_file.empty()) ctx->set_default_verify_paths(ec);
        else ctx->load_verify_file(url.ca_file, ec);
        if (ec) {
            out.error = "cannot load the CA file '" + (url.ca_file.empty() ? "(system)" : url.ca_file) + "': " + reason(ec);
            co_return;
        }
        ctx->set_verify_mode(asio::ssl::verify_peer);
        tls.emplace(ex, *ctx);
        SSL* h = tls->native_handle();
        boost::system::error_code aec;
        asio::ip::make_address(url.host, aec);
        X509_VERIFY_PARAM* param = SSL_get0_param(h);
        if (aec) { // a name: SNI, and the certificate must carry it
            SSL_set_tlsext_host_name(h, url.host.c_str());
            X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0);
        } else {
            X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str());
        }
    } else {
        plain.emplace(ex);
    }
    beast::tcp_stream& lowest = tls ? beast::get_lowest_layer(*tls) : *plain;
    lowest.expires_after(timeout); // one deadline for all that follows
    auto [cec, ep] = co_await lowest.async_connect(endpoints, use_tuple);
    if (cec == beast::error::timeout) {
        out.error = "no answer within " + describe(timeout) + " (timed out)";
        co_return;
    }
    if (cec) {
        out.error = reason(cec);
        co_return;
    }
    if (tls) {
        auto [hec] = co_await tls->async_handshake(asio::ssl::stream_base::client, use_tuple);
        if (hec) {
            out.error = hec == beast::error::timeout ? "no answer within " + describe(timeout) + " (timed out)"
                                                     : "TLS handshake failed: " + tls_reason(hec, tls->native_handle());
            co_return;
        }
        co_await talk(*tls, req, timeout, out);
    } else {
        co_await talk(*plain, req, timeout, out);
    }
    boost::system::error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

} // namespace

std::optional<node_url> parse_node_url(std::string_view url, std::string& error) {
    node_url u;
    u.text = std::string{url};
    if (url.substr(0, 8) == "https://") {
        u.tls = true;
        u.port = "443";
        url.remove_prefix(8);
    } else if (url.substr(0, 7) == "http://") {
        url.remove_prefix(7);
    } else {
        error = "expected http://HOST[:PORT] or https://HOST[:PORT]";
        return std::nullopt;
    }
    const auto slash = url.find('/');
    auto authority = url.substr(0, slash);
    if (slash != std::string_view::npos) {
        u.prefix = std::string{url.substr(slash)};
        while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
    }
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') { // [::1]:8081
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "unclosed '[' in the host";
            return std::nullopt;
        }
        u.host = std::string{authority.substr(1, close - 1)};
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            error = "expected ':PORT' after ']'";
            return std::nullopt;
        }
        if (!rest.empty()) port = rest.substr(1);
    } else {
        const auto colon = authority.rfind(':');
        u.host = std::string{authority.substr(0, colon)};
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (u.host.empty()) {
        error = "no host";
        return std::nullopt;
    }
    if (!port.empty() || authority.find(':') != std::string_view::npos) {
        unsigned long n = 0;
        bool ok = !port.empty() && port.size() <= 5;
        for (char c : port) ok = ok && c >= '0' && c <= '9';
        if (ok) n = std::stoul(std::string{port});
        if (!ok || n == 0 || n > 65535) {
            error = "invalid port '" + std::string{port} + "'";
            return std::nullopt;
        }
        u.port = std::string{port};
    }
    return u;
}

http_result http_request(const node_url& url, std::string_view method, std::string_view path,
                         const std::string& token, std::chrono::milliseconds timeout, std::string json_body) {
    bhttp::request<bhttp::string_body> req;
    req.method_string(method);
    req.target(url.prefix + std::string{path});
    req.version(11);
    const bool v6 = url.host.find(':') != std::string::npos;
    req.set(bhttp::field::host, (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port);
    req.set(bhttp::field::user_agent, "twinsmsctl");
    req.set(bhttp::field::accept, "application/json");
    req.set(bhttp::field::connection, "close");
    if (!token.empty()) req.set(bhttp::field::authorization, "Bearer " + token);
    if (!json_body.empty()) {
        req.set(bhttp::field::content_type, "application/json");
        req.body() = std::move(json_body);
    }
    req.prepare_payload(); // Content-Length: 0 on a POST without a body

    http_result out;
    asio::io_context io{1};
    asio::co_spawn(io, exchange(url, std::move(req), timeout, out), asio::detached);
    // The stream's deadline covers connect, write and read; this one also
    // bounds a name lookup that hangs.
    if (io.run_for(timeout + std::chrono::milliseconds(500)), !io.stopped()) {
        out = {};
        out.error = "no answer within " + describe(timeout) + " (timed out)";
    }
    return out;
}

} // namespace twinsms::ctl
