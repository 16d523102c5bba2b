// The replication channel's ends over TCP or TLS (channel.hpp).
#include "replication/channel.hpp"

#include <boost/asio/ssl/context.hpp>

namespace twinsms::replication {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

void no_delay(tcp::socket& s) {
    boost::system::error_code ignored;
    s.set_option(tcp::no_delay(true), ignored);
}

secured plain(tcp::socket s) {
    no_delay(s);
    return {std::make_unique<tls::transport>(std::move(s)), {}};
}

} // namespace

asio::awaitable<secured> secure_connect(tcp::socket s, const std::optional<tls::client_settings>& tls,
                                        tcp::socket** abort) {
    if (!tls) co_return plain(std::move(s));
    no_delay(s); // set on the TCP socket, it stays under TLS
    std::shared_ptr<asio::ssl::context> ctx;
    try {
        ctx = tls::client_context(*tls);
    } catch (const tls::setup_error& e) {
        co_return secured{nullptr, std::string{"TLS setup: "} + e.what(), true};
    }
    boost::system::error_code ec;
    const auto peer = s.remote_endpoint(ec).address().to_string();
    const auto name = tls->server_name.empty() ? peer : tls->server_name;
    auto r = co_await tls::connect_tls(std::move(s), std::move(ctx), name, tls->verify_peer, tls->handshake_timeout, abort);
    if (!r.stream) co_return secured{nullptr, "TLS handshake with " + name + ": " + r.error};
    co_return secured{std::move(r.stream), {}};
}

asio::awaitable<secured> secure_accept(tcp::socket s, const std::optional<tls::server_settings>& tls,
                                       tcp::socket** abort) {
    if (!tls) co_return plain(std::move(s));
    no_delay(s);
    std::shared_ptr<asio::ssl::context> ctx;
    try {
        ctx = tls::server_context(*tls);
    } catch (const tls::setup_error& e) {
        co_return secured{nullptr, std::string{"TLS setup: "} + e.what(), true};
    }
    auto r = co_await tls::accept_tls(std::move(s), std::move(ctx), tls->handshake_timeout, abort);
    if (!r.stream) co_return secured{nullptr, "TLS handshake: " + r.error};
    co_return secured{std::move(r.stream), {}};
}

} // namespace twinsms::replication
