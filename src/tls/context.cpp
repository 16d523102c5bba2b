#include "tls/context.hpp"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>

#include <boost/asio/ssl/context.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

namespace twinsms::tls {
namespace {

namespace ssl = boost::asio::ssl;
using boost::system::error_code;

// OpenSSL's message for a missing file is a bare "system lib": say it ourselves.
void require_readable(const std::string& key, const std::string& path) {
    std::ifstream in{path};
    if (!in) throw setup_error(key, key + " " + path + ": cannot read: " + std::strerror(errno));
}

[[noreturn]] void fail(const std::string& key, const std::string& path, const error_code& ec) {
    ERR_clear_error(); // the rest of the queue must not leak into the next handshake's report
    throw setup_error(key, key + " " + path + ": " + ec.message());
}

// TLS 1.2 and later; no compression (CRIME) and no renegotiation (a client
// could make us pay for handshakes on one connection without end).
void harden(ssl::context& ctx) {
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_compression | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.native_handle(), SSL_OP_NO_RENEGOTIATION);
}

void use_identity(ssl::context& ctx, const std::string& cert, const std::string& key) {
    error_code ec;
    require_readable("certificate", cert);
    ctx.use_certificate_chain_file(cert, ec);
    if (ec) fail("certificate", cert, ec);
    require_readable("private_key", key);
    ctx.use_private_key_file(key, ssl::context::pem, ec);
    const bool mismatch = ec && ec.category() == boost::asio::error::get_ssl_category() &&
                          ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
    if (ec && !mismatch) fail("private_key", key, ec);
    if (mismatch || SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
        ERR_clear_error();
        throw setup_error("private_key", "private_key " + key + " does not belong to certificate " + cert);
    }
}

} // namespace

std::shared_ptr<ssl::context> server_context(const server_settings& s) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    harden(*ctx);
    use_identity(*ctx, s.certificate, s.private_key);
    if (!s.client_ca.empty()) {
        error_code ec;
        require_readable("client_ca", s.client_ca);
        ctx->load_verify_file(s.client_ca, ec);
        if (ec) fail("client_ca", s.client_ca, ec);
        // Tells clients which CAs we take, so one with several certificates picks right.
        if (auto* names = SSL_load_client_CA_file(s.client_ca.c_str())) SSL_CTX_set_client_CA_list(ctx->native_handle(), names);
        ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
        // Session resumption with client certificates needs a context id.
        static constexpr unsigned char id[] = "twinsms";
        SSL_CTX_set_session_id_context(ctx->native_handle(), id, sizeof id - 1);
    }
    ERR_clear_error();
    return ctx;
}

std::shared_ptr<ssl::context> client_context(const client_settings& s) {
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    harden(*ctx);
    error_code ec;
    if (s.verify_peer) {
        if (!s.ca_file.empty()) {
            require_readable("ca_file", s.ca_file);
            ctx->load_verify_file(s.ca_file, ec);
            if (ec) fail("ca_file", s.ca_file, ec);
        } else {
            ctx->set_default_verify_paths(ec);
            if (ec) fail("ca_file", "(system trust store)", ec);
        }
        ctx->set_verify_mode(ssl::verify_peer);
    } else {
        ctx->set_verify_mode(ssl::verify_none);
    }
    if (s.certificate.empty() != s.private_key.empty())
        throw setup_error(s.certificate.empty() ? "certificate" : "private_key",
                          "a client certificate needs both certificate and private_key");
    if (!s.certificate.empty()) use_identity(*ctx, s.certificate, s.private_key);
    ERR_clear_error();
    return ctx;
}

std::optional<std::int64_t> certificate_not_after(const ssl::context& ctx) {
    // SSL_CTX_get0_certificate: the certificate last loaded into the context
    // (use_certificate_chain_file's leaf), owned by the context.
    const X509* cert = SSL_CTX_get0_certificate(const_cast<ssl::context&>(ctx).native_handle());
    if (!cert) return std::nullopt;
    const ASN1_TIME* t = X509_get0_notAfter(cert);
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
    return static_cast<std::int64_t>(timegm(&tm)); // ASN1 times are UTC
}

} // namespace twinsms::tls
