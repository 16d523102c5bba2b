#include "config/tls.hpp"

#include "config/reader.hpp"

namespace twinsms::config {
namespace {

// Points at the setting the context builder blamed, or at the section.
template <class Build> void check(const reader& r, Build build) {
    try {
        build();
    } catch (const tls::setup_error& e) {
        if (auto k = r.find(e.key())) k->fail(e.what());
        r.fail(e.what());
    }
}

std::string file_or(const reader& r, std::string_view key, const std::filesystem::path& base) {
    auto f = r.find(key);
    if (!f) return {};
    const std::filesystem::path p{f->non_empty_str()};
    return (p.is_relative() ? base / p : p).string();
}

std::chrono::milliseconds handshake_timeout(const reader& r, std::chrono::milliseconds def) {
    const auto d = r.duration_or("handshake_timeout", def);
    if (d.count() <= 0) r.at("handshake_timeout").fail("must be positive");
    return d;
}

} // namespace

tls::server_settings read_server_tls(const reader& r, const std::filesystem::path& base) {
    tls::server_settings s;
    (void)r.at("certificate"), (void)r.at("private_key"); // required
    s.certificate = file_or(r, "certificate", base);
    s.private_key = file_or(r, "private_key", base);
    s.client_ca = file_or(r, "client_ca", base);
    s.handshake_timeout = handshake_timeout(r, s.handshake_timeout);
    r.finish();
    check(r, [&] { tls::server_context(s); });
    return s;
}

tls::client_settings read_client_tls(const reader& r, const std::filesystem::path& base) {
    tls::client_settings s;
    s.enabled = r.bool_or("enabled", true); // a tls section means TLS unless it says otherwise
    s.ca_file = file_or(r, "ca_file", base);
    s.verify_peer = r.bool_or("verify_peer", true);
    s.server_name = r.str_or("server_name", "");
    s.certificate = file_or(r, "certificate", base);
    s.private_key = file_or(r, "private_key", base);
    s.handshake_timeout = handshake_timeout(r, s.handshake_timeout);
    r.finish();
    if (s.certificate.empty() != s.private_key.empty())
        r.at(s.certificate.empty() ? "private_key" : "certificate").fail("a client certificate needs both certificate and private_key");
    if (s.enabled) check(r, [&] { tls::client_context(s); });
    return s;
}

channel_tls read_channel_tls(const reader& r, const std::filesystem::path& base) {
    channel_tls c;
    (void)r.at("certificate"), (void)r.at("private_key"); // required: the listener's
    c.server.certificate = c.client.certificate = file_or(r, "certificate", base);
    c.server.private_key = c.client.private_key = file_or(r, "private_key", base);
    c.server.client_ca = file_or(r, "client_ca", base);
    c.server.handshake_timeout = c.client.handshake_timeout = handshake_timeout(r, c.server.handshake_timeout);
    c.client.enabled = true;
    c.client.ca_file = file_or(r, "ca_file", base);
    c.client.verify_peer = r.bool_or("verify_peer", true);
    c.client.server_name = r.str_or("server_name", ""); // empty: the peer's address (replication.peer)
    r.finish();
    check(r, [&] { tls::server_context(c.server); });
    check(r, [&] { tls::client_context(c.client); });
    return c;
}

} // namespace twinsms::config
