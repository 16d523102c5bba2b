#pragma once
// node.yaml `replication:`: each node's store streamed to its peer, which
// keeps it as a replica (src/replication).
//
//   replication: {mode: sync|async|off, listen: HOST:PORT, peer: HOST:PORT,
//                 token: {env: TWINSMS_REPLICATION_TOKEN}, replica_path: DIR,
//                 buffer_mb: 64, timeout: 1s}
//
// `listen` is where this node's sender takes the peer's receiver; `peer` is
// the peer's `listen`. The token is the pair's shared secret (both nodes
// hold the same one). sync (the default once the section is there) answers
// a client only after the peer acknowledged its message in the replica.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

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
};

replication_settings read_replication(const reader& r);

} // namespace twinsms::config
