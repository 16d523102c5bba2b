#pragma once
// The node's configuration: YAML profiles in one folder, parsed once into
// const structs.
//
//   DIR/node.yaml            node: id, role, listen, store, limits, log
//   DIR/clients/*.yaml       client: one ESME account each
//   DIR/carriers/*.yaml      carrier: one SMSC link each
//   DIR/routes.yaml          routes: ordered MT rules; mo: ordered MO rules
//
// Client and carrier profiles are `state: active | passive`; passive ones
// are configured but not connected, and the cluster switches them at runtime.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "config/webhook.hpp"
#include "config/cluster.hpp"
#include "config/replication.hpp"
#include "config/smtp.hpp"
#include "config/account.hpp"
#include "config/addressing.hpp"
#include "config/credit.hpp"
#include "config/opt_out.hpp"
#include "config/quiet_hours.hpp"
#include "config/carrier.hpp"
#include "config/session.hpp"
#include "guard/credential_guard.hpp"
#include "sms/carrier_charset.hpp"

namespace twinsms::config {

enum class profile_state { active, passive };
enum class node_role { primary, secondary };
enum class durability { sync, async };

struct store_settings {
    std::filesystem::path path;
    std::uint64_t map_size_mb = 1024;
    std::uint64_t max_map_size_mb = 0; // growth limit; 0: 16x map_size_mb
    durability mode = durability::sync;
    std::chrono::milliseconds receipt_map_ttl{72LL * 3600 * 1000};
    std::chrono::milliseconds log_retention{7LL * 24 * 3600 * 1000};
};

// How hard we try to deliver, and how long things wait.
struct delivery_settings {
    std::chrono::milliseconds retry_initial{2'000};  // first retry after a temporary carrier error
    std::chrono::milliseconds retry_max{300'000};    // exponential backoff cap
    unsigned max_attempts = 50;                      // then undeliverable
    std::chrono::milliseconds default_validity{48LL * 3600 * 1000}; // when the client gives none
    // Receipts and MO wait this long in the store for their client to bind.
    std::chrono::milliseconds client_delivery_ttl{72LL * 3600 * 1000};
    // Messages due now and waiting for room on a bound carrier link: above
    // this many, new submits are refused ESME_RTHROTTLED (HTTP 429, SMTP
    // 451), so the node takes no more than its carriers drain and a receipt
    // is not seconds behind its submit. Messages waiting for a carrier that
    // is down do not count (store and forward). 0: no bound.
    std::size_t max_backlog = 10'000;
};

struct node_profile {
    std::string id;
    node_role role = node_role::primary;
    std::vector<boost::asio::ip::tcp::endpoint> listen;
    std::vector<boost::asio::ip::tcp::endpoint> listen_tls; // SMPP over TLS, with `tls`
    std::optional<tls::server_settings> tls;                 // our certificate (listen_tls, admin.tls)
    store_settings store;
    delivery_settings delivery;
    std::uint32_t max_pdu_size = 64 * 1024;
    std::size_t max_connections = 10'000;
    session_settings client_session; // window, timeouts, keepalive for client sessions
    std::string log_level = "info";
    admin_settings admin;
    alert_settings alerts;
    cluster_settings cluster;
    replication_settings replication; // the store streamed to the peer (config/replication.hpp)
    std::optional<smtp_server_settings> smtp; // email to SMS listener (config/smtp.hpp)
    // Failed logins at every door (SMPP, admin/API tokens, sendsms, SMTP AUTH).
    guard::credential_guard_config auth_guard;
};

// The account's HTTP API on the admin listener (http/send_api.hpp): Bearer
// tokens with roles, and the Kannel-compatible sendsms form.
struct http_token {
    std::string token;  // at least 16 characters, unique across clients
    bool send = false;  // POST /api/v1/messages, /cgi-bin/sendsms
    bool read = false;  // GET /api/v1/messages[/{id}]
    bool admin = false; // implies send and read
    std::string origin; // file:line:column of the token, for cross-file errors
};
struct client_http {
    std::vector<http_token> tokens;
    bool sendsms = false; // /cgi-bin/sendsms with system_id and the SMPP password
};

struct client_profile {
    std::string name;
    profile_state state = profile_state::active;
    account_settings account;
    client_http http;
    std::optional<client_mail_settings> smtp; // takes mail: email to SMS (config/smtp.hpp)
    std::optional<webhook_settings> webhook; // MO and receipts POSTed over HTTP
    bool peer = false; // kind: peer, the account the other node binds with (primary)
    // How the client writes numbers (none: as they come), and its senders.
    std::optional<numbering_settings> numbering;
    sender_settings senders;
    // Its messages are held in this window (with those of a route's window).
    std::optional<quiet_window> quiet_hours;
    // Its handsets' STOP and START (none: MO keywords change nothing).
    std::optional<opt_out_settings> opt_out;
    // Its messages are paid for from a balance in the store (none: free).
    std::optional<credit_settings> credit;
    std::filesystem::path file;
};

struct carrier_profile {
    std::string name;
    profile_state state = profile_state::active;
    unsigned binds = 1; // parallel binds of this account
    carrier_settings link;
    bool peer = false;     // kind: peer, the link to the primary (secondary)
    bool overflow = false; // bound by the secondary while the primary's queue is over overflow.high
    // How the carrier wants numbers (none: the routed form), the sender it
    // puts on every message (empty: the client's), what it may take.
    std::optional<numbering_settings> numbering;
    std::string sender_override;
    destination_settings destinations;
    // The carrier's alphabet, UCS-2, message_payload and concatenation
    // (config/charset.cpp; sms/carrier_charset.hpp applies it). None: the
    // carrier gets the client's user data as stored.
    std::optional<sms::carrier_charset> charset;
    std::filesystem::path file;
};

enum class route_strategy { failover, weighted };

struct route_rule {
    std::string name;
    // All present conditions must match; none means "everything".
    std::vector<std::string> prefixes;      // destination_addr prefixes
    std::optional<std::string> regex;       // destination_addr regex (ECMAScript)
    std::vector<std::string> clients;       // source client profile names
    std::vector<std::string> source_prefixes;
    std::optional<std::string> service_type;
    route_strategy strategy = route_strategy::failover;
    struct target {
        std::string carrier;
        unsigned weight = 1;
    };
    std::vector<target> carriers;
    // Messages routed by this rule are held in this window.
    std::optional<quiet_window> quiet_hours;
};

// Which client an MO message (deliver_sm from a carrier that is not a
// receipt) goes to. All present conditions must match; none means
// "everything". Rules are ordered, the first match wins.
struct mo_rule {
    std::string name;
    std::vector<std::string> destination_prefixes; // the short code / number the handset wrote to
    std::vector<std::string> keywords;             // first word of the text, compared case-insensitively
    std::vector<std::string> source_prefixes;      // the handset's number
    std::vector<std::string> carriers;             // carrier profile names the MO arrived on
    std::string client;                            // client profile name
};

struct profile_set {
    node_profile node;
    std::vector<client_profile> clients;
    std::vector<carrier_profile> carriers;
    std::vector<route_rule> routes;
    std::vector<mo_rule> mo_routes;

    const client_profile* client(std::string_view name) const;
    const carrier_profile* carrier(std::string_view name) const;
    // The profile of kind peer, if any.
    const client_profile* peer_client() const;
    const carrier_profile* peer_carrier() const;
};

// Files to read instead of others of the folder (DIR/clients/a.yaml ->
// DIR/clients/.a.yaml.incoming): a candidate checked with the rest. An
// empty substitute leaves the file out (a deletion checked before it is done).
using profile_substitutes = std::map<std::filesystem::path, std::filesystem::path>;

// Loads and cross-checks a profile folder; throws config_error naming the
// file, line, column and YAML path of the first problem.
profile_set load_profiles(const std::filesystem::path& dir, const profile_substitutes& subs = {});

// What the cluster settings leave unsafe, one sentence each (config/witness.cpp):
// no witness (not partition-safe), no peer_status secret, a second heartbeat
// path that shares the peer link's address or process. Empty without a cluster.
// twinsmsd --check prints them, the status document and page show them.
std::vector<std::string> partition_warnings(const profile_set& set);
// Fills in node.cluster.witness.key's default (load_profiles calls it).
void complete_witness(profile_set& set);

} // namespace twinsms::config
