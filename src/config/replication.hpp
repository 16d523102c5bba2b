#pragma once
// node.yaml `replication:`: each node's store streamed to its peer, which
// keeps it as a replica (src/replication).
//
//   replication: {mode: async|off, listen: HOST:PORT, peer: HOST:PORT,
//                 token: {env: TWINSMS_REPLICATION_TOKEN}, replica_path: DIR,
//                 buffer_mb: 64}
//
// `listen` is where this node's sender takes the peer's receiver; `peer` is
// the peer's `listen`. The token is the pair's shared secret (both nodes
// hold the same one). Sync mode (answering clients after the peer's
// acknowledgement) is not offered yet: `sync` is refused with that reason.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace twinsms::config {

class reader;

enum class replication_mode { off, async };

struct replication_settings {
    replication_mode mode = replication_mode::off;
    std::optional<boost::asio::ip::tcp::endpoint> listen, peer;
    std::string token;
    std::filesystem::path replica_path; // default: the store path with ".replica" appended
    std::uint64_t buffer_mb = 64;
};

replication_settings read_replication(const reader& r);

} // namespace twinsms::config
