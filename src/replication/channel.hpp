#pragma once
// The replication channel's ends (sender, receiver, reclaim) over plain TCP
// or TLS: a connected or accepted socket made into a tls::transport, with
// TCP_NODELAY on it either way (sync replication waits on each round trip:
// Nagle holding a small frame until the peer's delayed ACK would add tens
// of ms). The TLS context is built from the files for each connection, so a
// certificate renewed in place is used from the next one on.
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "tls/context.hpp"
#include "tls/transport.hpp"

namespace twinsms::replication {

struct secured {
    std::unique_ptr<tls::transport> stream; // null on failure
    std::string error;                      // why: OpenSSL's reason, the verify verdict, a timeout
    bool setup = false;                     // the failure was ours (a file), not the handshake
};

// `abort` as in tls::connect_tls: set to the socket while the handshake
// runs, so a stop() can close it.
boost::asio::awaitable<secured> secure_connect(boost::asio::ip::tcp::socket s,
                                               const std::optional<tls::client_settings>& tls,
                                               boost::asio::ip::tcp::socket** abort);
boost::asio::awaitable<secured> secure_accept(boost::asio::ip::tcp::socket s,
                                              const std::optional<tls::server_settings>& tls,
                                              boost::asio::ip::tcp::socket** abort);

} // namespace twinsms::replication
