// Part of class node (node.hpp), TLS: reload of the node's TLS certificate (SIGHUP after a renewal): new TLS
// connections get the files as they are now; established ones keep theirs;
// and the listeners as bound (endpoints, TLS failures).
#include "app/node.hpp"
#include "tls/context.hpp"
#include "util/log.hpp"

namespace twinsms::app {

void node::reload_tls(const std::optional<tls::server_settings>& settings) {
    bool any = false;
    for (const auto& l : listeners_) any |= l->secure();
    if (!any) return;
    if (!settings) {
        log::warn("node", "reload_needs_restart").kv("what", "node.tls removed while listen_tls is open; kept as it was");
        return;
    }
    try {
        auto ctx = tls::server_context(*settings);
        for (auto& l : listeners_) l->set_tls(ctx);
        if (profiles_.node.tls && settings->handshake_timeout != profiles_.node.tls->handshake_timeout)
            log::warn("node", "reload_needs_restart").kv("what", "node.tls.handshake_timeout; kept as it was");
        log::info("node", "tls_reloaded").kv("certificate", settings->certificate);
    } catch (const tls::setup_error& e) {
        // The profile check passed a moment ago; a file changed since.
        log::error("node", "tls_reload_failed").kv("error", e.what());
    }
}

std::optional<std::int64_t> node::smpp_certificate_expiry() const {
    // Every listen_tls listener gets the same context (start, reload_tls).
    for (const auto& l : listeners_)
        if (const auto& ctx = l->tls_context()) return tls::certificate_not_after(*ctx);
    return std::nullopt;
}

// The listeners as they are bound (plain first, listen_tls last).
std::vector<boost::asio::ip::tcp::endpoint> node::endpoints() const {
    std::vector<boost::asio::ip::tcp::endpoint> out;
    for (const auto& l : listeners_) out.push_back(l->local_endpoint());
    return out;
}

std::vector<boost::asio::ip::tcp::endpoint> node::tls_endpoints() const {
    std::vector<boost::asio::ip::tcp::endpoint> out;
    for (const auto& l : listeners_)
        if (l->secure()) out.push_back(l->local_endpoint());
    return out;
}

std::uint64_t node::smpp_tls_failures() const {
    std::uint64_t n = 0;
    for (const auto& l : listeners_) n += l->tls_failures();
    return n;
}

} // namespace twinsms::app
