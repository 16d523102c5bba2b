#pragma once
// node.yaml `replication:`: each node's store streamed to its peer, which
// keeps it as a replica (src/replication).
//
//   replication: {mode: sync|async|off, listen: HOST:PORT, peer: HOST:PORT,
//                 token: {env: TWINSMS_REPLICATION_TOKEN}, replica_path: DIR,
//                 buffer_mb: 64, timeout: 1s,
//                 tls: {certificate: FILE, private_key: FILE, client_ca: FILE,
//                       ca_file: FILE, verify_peer: true, server_name: NAME, handshake_timeout: 10s}}
//
// `listen` is where this node's sender takes the peer's receiver; `peer` is
// the peer's `listen`. The token is the pair's shared secret (both nodes
// hold the same one). sync (the default once the section is there) answers
// a client only after the peer acknowledged its message in the replica.
//
// `tls` (config/tls.hpp, channel_tls) puts the stream, its acks and the
// failback reclaim under TLS, both directions: the sender's listener
// presents certificate/private_key (and with client_ca requires a client
// certificate that CA signed); the receiver and the reclaim check the
// peer's with ca_file (empty: the system's trust store), verify_peer and
// server_name (empty: the address in `peer`), and present the same
// certificate as their client certificate. Both nodes need the section
// (a plain end and a TLS end do not talk). The token is still checked
// inside it. Files are relative to the profile folder; they are read again
// for each connection, so a certificate renewed in place is used from the
// next one on.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "config/tls.hpp"

namespace twinsms::config {

class reader;

enum class replication_mode { off, async, sync };

// Settings replication (src/settings): which profiles both nodes hold are
// kept equal, edits on either side sent to the other over the heartbeat.
// `profiles: [clients, carriers, routes]`; the default with the section is
// clients and carriers (routes.yaml often differs by design: the secondary
// routes through the peer link); `profiles: []` turns it off.
struct replicated_profiles {
    bool clients = false, carriers = false, routes = false;
    bool any() const noexcept { return clients || carriers || routes; }
};

struct replication_settings {
    replication_mode mode = replication_mode::off;
    std::optional<boost::asio::ip::tcp::endpoint> listen, peer;
    std::string token;
    std::filesystem::path replica_path; // default: the store path with ".replica" appended
    std::uint64_t buffer_mb = 64;
    // sync: how long a client's OK waits for the peer before the node
    // answers anyway and degrades to local-only (until the peer caught up).
    std::chrono::milliseconds timeout{1'000};
    replicated_profiles profiles;
    std::optional<channel_tls> tls; // the channel over TLS
};

// `base`: the profile folder (relative TLS file paths).
replication_settings read_replication(const reader& r, const std::filesystem::path& base);

} // namespace twinsms::config
