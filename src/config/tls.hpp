#pragma once
// TLS sections of the profiles. The files they name are loaded once while
// reading (with the node's own OpenSSL code), so a missing file, a bad PEM
// or a key that does not match its certificate is a config error at
// --check and reload, not a surprise at the first connection.
//
//   node.tls:     {certificate, private_key, client_ca, handshake_timeout}
//   carrier.tls:  {enabled, ca_file, verify_peer, server_name, certificate, private_key, handshake_timeout}
//   replication.tls: {certificate, private_key, client_ca, ca_file, verify_peer, server_name, handshake_timeout}
//
// replication.tls is both ends of one channel between the two nodes: each
// node listens (its sender) and connects (its receiver, the failback
// reclaim), with the one certificate of the node for both. The keys mean
// what they mean in node.tls (the listener) and carrier.tls (the
// connecting side): certificate/private_key are presented by the listener
// and, as the client certificate, when connecting; client_ca makes the
// listener require one; ca_file, verify_peer and server_name check the
// peer's listener.
//
// A relative file path is relative to the profile folder (`base`), like the
// store path, so a folder can be copied and run anywhere.
#include <filesystem>

#include "tls/context.hpp"

namespace twinsms::config {

class reader;
tls::server_settings read_server_tls(const reader& r, const std::filesystem::path& base);
tls::client_settings read_client_tls(const reader& r, const std::filesystem::path& base);

// Both ends of a channel between the nodes (replication.tls, above).
struct channel_tls {
    tls::server_settings server; // certificate, private_key, client_ca
    tls::client_settings client; // ca_file, verify_peer, server_name; certificate/private_key as above
    bool operator==(const channel_tls&) const = default;
};
channel_tls read_channel_tls(const reader& r, const std::filesystem::path& base);

} // namespace twinsms::config
