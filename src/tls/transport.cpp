#include "tls/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace twinsms::tls {
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
namespace ssl = asio::ssl;

std::string describe(const error_code& ec, SSL* h) {
    if (transport::closed_by_peer(ec))
        return "the peer closed the connection during the TLS handshake";
    std::string m = ec.message();
    if (const long v = SSL_get_verify_result(h); v != X509_V_OK) m += ": " + std::string{X509_verify_cert_error_string(v)};
    ERR_clear_error();
    return m;
}

// Runs the handshake with a deadline that closes the socket.
asio::awaitable<handshake_result> handshake(std::unique_ptr<transport::tls_stream> s,
                                            std::shared_ptr<ssl::context> ctx, ssl::stream_base::handshake_type side,
                                            std::chrono::milliseconds timeout) {
    // Shared with the timer's handler, which may run after this frame is
    // gone (expired just as the handshake finished).
    struct watch {
        transport::tcp::socket* sock;
        bool timed_out = false;
    };
    auto w = std::make_shared<watch>(watch{&s->next_layer()});
    asio::steady_timer deadline{s->get_executor(), timeout};
    deadline.async_wait([w](const error_code& ec) {
        if (ec || !w->sock) return;
        w->timed_out = true;
        error_code ignored;
        w->sock->close(ignored);
    });
    auto [ec] = co_await s->async_handshake(side, use_tuple);
    w->sock = nullptr;
    deadline.cancel();
    const bool timed_out = w->timed_out;
    handshake_result r;
    if (!ec && !timed_out && s->lowest_layer().is_open()) {
        r.stream = std::make_unique<transport>(std::move(s), std::move(ctx));
        co_return r;
    }
    r.ec = timed_out ? error_code{asio::error::timed_out} : ec ? ec : error_code{asio::error::operation_aborted};
    r.error = timed_out ? "no TLS handshake within " + std::to_string(timeout.count()) + " ms"
                        : ec ? describe(ec, s->native_handle()) : "closed during the TLS handshake";
    error_code ignored;
    s->lowest_layer().close(ignored);
    co_return r;
}

bool is_ip_address(const std::string& name) {
    error_code ec;
    asio::ip::make_address(name, ec);
    return !ec;
}

} // namespace

transport::transport(tcp::socket s) : tcp_{std::move(s)} {}

transport::transport(std::unique_ptr<tls_stream> s, std::shared_ptr<ssl::context> ctx)
    : tcp_{s->get_executor()}, ctx_{std::move(ctx)}, tls_{std::move(s)} {}

transport::transport(transport&&) noexcept = default;
transport& transport::operator=(transport&&) noexcept = default;
transport::~transport() = default;

transport::tcp::socket& transport::tls_socket() noexcept { return tls_->next_layer(); }

asio::awaitable<transport::io_result> transport::read_some(asio::mutable_buffer b) {
    if (tls_) return tls_->async_read_some(b, use_tuple);
    return tcp_.async_read_some(b, use_tuple);
}

asio::awaitable<transport::io_result> transport::write(asio::const_buffer b) {
    if (tls_) return asio::async_write(*tls_, b, use_tuple);
    return asio::async_write(tcp_, b, use_tuple);
}

asio::awaitable<transport::io_result> transport::write(const std::vector<asio::const_buffer>& bufs) {
    if (tls_) return write_joined(bufs);
    return asio::async_write(tcp_, bufs, use_tuple);
}

asio::awaitable<transport::io_result> transport::write_joined(const std::vector<asio::const_buffer>& bufs) {
    std::string joined;
    joined.reserve(asio::buffer_size(bufs));
    for (const auto& b : bufs) joined.append(static_cast<const char*>(b.data()), b.size());
    co_return co_await asio::async_write(*tls_, asio::buffer(joined), use_tuple);
}

void transport::close() noexcept {
    error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

bool transport::closed_by_peer(const error_code& ec) noexcept {
    return ec == asio::error::eof || ec == asio::error::connection_reset || ec == ssl::error::stream_truncated;
}

std::string transport::tls_description() const {
    if (!tls_) return {};
    SSL* h = tls_->native_handle();
    return std::string{SSL_get_version(h)} + " " + SSL_get_cipher_name(h);
}

std::string transport::peer_subject() const {
    if (!tls_) return {};
    X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
    if (!cert) return {};
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    X509_free(cert);
    return buf;
}

asio::awaitable<handshake_result> accept_tls(transport::tcp::socket s, std::shared_ptr<ssl::context> ctx,
                                             std::chrono::milliseconds timeout, transport::tcp::socket** abort) {
    auto stream = std::make_unique<transport::tls_stream>(std::move(s), *ctx);
    if (abort) *abort = &stream->next_layer();
    auto r = co_await handshake(std::move(stream), std::move(ctx), ssl::stream_base::server, timeout);
    if (abort) *abort = nullptr;
    co_return r;
}

asio::awaitable<handshake_result> connect_tls(transport::tcp::socket s, std::shared_ptr<ssl::context> ctx,
                                              const std::string& server_name, bool verify_peer,
                                              std::chrono::milliseconds timeout, transport::tcp::socket** abort) {
    auto stream = std::make_unique<transport::tls_stream>(std::move(s), *ctx);
    SSL* h = stream->native_handle();
    const bool ip = is_ip_address(server_name);
    if (!server_name.empty() && !ip) SSL_set_tlsext_host_name(h, server_name.c_str());
    if (verify_peer && !server_name.empty()) {
        // OpenSSL's own name check: a mismatch is reported as "hostname
        // mismatch" / "IP address mismatch" in the verify result.
        X509_VERIFY_PARAM* param = SSL_get0_param(h);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (ip) X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
        else X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), 0);
    }
    if (abort) *abort = &stream->next_layer();
    auto r = co_await handshake(std::move(stream), std::move(ctx), ssl::stream_base::client, timeout);
    if (abort) *abort = nullptr;
    co_return r;
}

} // namespace twinsms::tls
