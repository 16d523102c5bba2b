#pragma once
// node.yaml sections for the two-site pair: the admin API, alerts and the
// cluster (peer link keepalive, second heartbeat path, failback, overflow).
//
//   admin:    {listen: 127.0.0.1:8081, token: {env: TWINSMS_ADMIN_TOKEN}, tls: false}
//   alerts:   {sms: {to: [...], from: twinsms}, email: {server, tls, username, password, from, to},
//              min_interval: 60s, max_per_hour: 30}
//   cluster:  {peer_id, keepalive: {interval, misses}, second_path: HOST:PORT,
//              failback: {mode: auto|manual, hold: 30s}, on_transition: CMD,
//              overflow: {high, low}}
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
};

class reader;
admin_settings read_admin(const reader& r);
alert_settings read_alerts(const reader& r);
cluster_settings read_cluster(const reader& r);

} // namespace twinsms::config
