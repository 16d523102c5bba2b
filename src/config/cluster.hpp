#pragma once
// node.yaml sections for the two-site pair: the admin API, alerts and the
// cluster (peer link keepalive, second heartbeat path, failback, overflow).
//
//   admin:    {listen: 127.0.0.1:8081, token: {env: TWINSMS_ADMIN_TOKEN}, tls: false}
//   alerts:   {sms: {to: [...], from: twinsms}, email: {server, tls, username, password, from, to},
//              min_interval: 60s, max_per_hour: 30}
//   cluster:  {peer_id, keepalive: {interval, misses}, second_path: HOST:PORT,
//              failback: {mode: auto|manual, hold: 30s}, on_transition: CMD,
//              overflow: {high, low}, secret: SECRET,
//              witness: {endpoints: [URL...], key, lease_ttl: 3s, timeout, tls: {...},
//                        username, password}}
//
// The peer link itself is a profile of kind `peer`: a carrier profile on the
// secondary (it binds to the primary like to a carrier), a client profile on
// the primary (the account the secondary binds with).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "tls/context.hpp"

namespace twinsms::config {

struct admin_settings {
    std::optional<boost::asio::ip::tcp::endpoint> listen; // none: no admin API
    std::string token;                                    // Bearer token, required with listen
    // admin.tls: true serves HTTPS with node.tls (copied here by the node reader).
    std::optional<tls::server_settings> tls;
    // The send API shares this listener with operators: client applications
    // keep pools of connections open (more are answered 503 and closed).
    unsigned max_connections = 256;
    // From waiting for a request until it is read in full (a slow client,
    // an idle keep-alive connection), and for writing the answer.
    std::chrono::milliseconds request_timeout{15'000};
};

enum class smtp_tls { none, starttls };

struct smtp_settings {
    std::string host;
    std::uint16_t port = 25;
    smtp_tls tls = smtp_tls::none;
    bool verify_peer = true;      // check the server certificate (STARTTLS)
    std::filesystem::path ca_file; // extra CA bundle (self-signed servers)
    std::string username;         // empty: no AUTH
    std::string password;
    std::string from;
    std::vector<std::string> to;
    std::chrono::milliseconds timeout{10'000};
};

struct alert_settings {
    std::vector<std::string> sms_to; // admin numbers
    std::string sms_from = "twinsms";
    std::optional<smtp_settings> email;
    // The same alert (kind and subject) is sent at most once per min_interval;
    // at most max_per_hour alerts of any kind go out per channel.
    std::chrono::milliseconds min_interval{60'000};
    unsigned max_per_hour = 30;
    bool enabled() const noexcept { return !sms_to.empty() || email.has_value(); }
};

enum class failback_mode { automatic, manual };

// node.cluster.witness: an etcd cluster (v3 JSON gateway, etcd 3.4) that
// holds the pair's carrier-ownership key under a lease. Without it a full
// partition makes both nodes bind the carriers (see partition_warnings).
struct witness_settings {
    std::vector<std::string> endpoints; // http://HOST:PORT or https://HOST:PORT, tried in turn
    std::string key;                    // default /twinsms/<primary id>/carrier_owner (both nodes agree)
    std::chrono::seconds lease_ttl{3};  // etcd leases are whole seconds
    // Each request's limit: below a third of the TTL, so a renewal that
    // hangs leaves time for another before the lease is given up.
    std::chrono::milliseconds timeout{0}; // 0: lease_ttl / 4
    tls::client_settings tls;             // https endpoints (ca_file, client certificate)
    std::string username, password;       // etcd auth (POST /v3/auth/authenticate)
};

struct cluster_settings {
    bool enabled = false; // a cluster: section is present
    std::string peer_id;  // the other node's id
    std::chrono::milliseconds keepalive_interval{1'000};
    unsigned keepalive_misses = 3;
    // Secondary: the primary's second address to heartbeat to. Primary: an
    // extra SMPP listener that takes the secondary's heartbeat binds.
    std::optional<boost::asio::ip::tcp::endpoint> second_path;
    failback_mode failback = failback_mode::automatic;
    std::chrono::milliseconds failback_hold{30'000};
    std::string on_transition; // command run (via /bin/sh -c) on every transition
    // Secondary: bind overflow carriers while the primary's carrier queue is
    // above high, return to the link once it is below low.
    struct overflow_limits {
        std::uint64_t high = 0, low = 0;
    };
    std::optional<overflow_limits> overflow;
    // Shared by both nodes: peer_status carries an HMAC-SHA256 under it
    // (mode, epoch, sequence), so the peer account's bind password alone
    // cannot fence a node. Empty: reports are not authenticated (warned).
    std::string secret;
    std::optional<witness_settings> witness;
};

class reader;
admin_settings read_admin(const reader& r);
alert_settings read_alerts(const reader& r);
// `base`: the profile folder (relative TLS files).
cluster_settings read_cluster(const reader& r, const std::filesystem::path& base);

} // namespace twinsms::config
