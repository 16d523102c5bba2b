#pragma once
// The HTTP send API of client accounts, on the admin listener beside the
// admin API. Accounts are the SMPP client accounts (their routes, throughput
// limits and active/passive state apply); each has Bearer tokens with roles
// (client.http.tokens in its profile).
//
//   POST /api/v1/messages        send role; JSON below -> 202 after the durable commit of every part
//   GET  /api/v1/messages/{id}   read role; state, history and receipt of one of the account's messages
//   GET  /api/v1/messages        read role; ?number=&since=&until=&limit=&before= the message log, newest first
//   GET|POST /cgi-bin/sendsms    Kannel-compatible form (username=system_id, password=SMPP password), if
//                                the profile has http.sendsms: true; answers "0: Accepted for delivery"
//
//   {"from": "+447700900001" | "Shop", "to": "447700900123" | ["+44...", ...],
//    "text": "UTF-8" | "binary": "hex", "encoding": "auto" | "gsm" | "ucs2" | "binary",
//    "receipt": false | true | "always" | "failure" | "none", "validity": seconds, "schedule": "2026-05-01T09:00:00Z"}
//
// Errors are {"error":{"code":"stable_code","message":"..."}}: 400 for a
// request we refuse to read (codes in send_request.cpp), 401 without a
// valid token, 403 without the role, 404 for a message that is not the
// account's, 415 for a body that is not JSON, 422 unroutable, 429
// throttled, 503 account not served here / store unavailable, 507 store full.
//
// Parsing and validation are pure (this header and send_request.cpp,
// sendsms_form.cpp); the node supplies a send_backend (app/node_http.cpp).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <boost/asio/ip/address.hpp>
#include <vector>

#include <boost/json/object.hpp>

#include "guard/credential_guard.hpp"
#include "http/server.hpp"
#include "sms/sms_text.hpp"

namespace twinsms::http {

struct api_error {
    unsigned status = 400;
    std::string code;    // stable, snake_case
    std::string message; // for people
    unsigned retry_after = 0; // seconds, sent as Retry-After when set (429, 503)
};
response to_response(const api_error& e);

// An SMPP address as we send it.
struct sms_address {
    std::string digits; // or the alphanumeric sender
    std::uint8_t ton = 0, npi = 0;
    std::string given; // as the client wrote it, for answers
};

// Destination numbers: an optional '+' (international: TON 1) and 3 to 15
// digits (E.164 allows 15; short codes have 3 or more).
inline constexpr std::size_t min_number_digits = 3, max_number_digits = 15;
inline constexpr std::size_t max_destinations = 1000;
// Parts x destinations of one request: what one store transaction holds.
inline constexpr std::size_t max_sms_per_request = 10'000;
inline constexpr std::int64_t max_validity_s = 365LL * 24 * 3600;
std::optional<sms_address> parse_number(std::string_view s);
// Senders: a number as above (1 to 15 digits), or up to 11 printable ASCII
// characters with a letter (alphanumeric sender id, TON 5).
std::optional<sms_address> parse_sender(std::string_view s);

// One message to one or more destinations, validated and split into parts.
struct send_job {
    std::optional<sms_address> from;
    std::vector<sms_address> to;
    sms::message_parts parts;
    std::uint8_t registered_delivery = 0; // SMPP bits 0-1: 1 always, 2 on failure
    std::optional<std::int64_t> validity_s;  // from the start of delivery
    std::optional<std::int64_t> schedule_ms; // absolute start (epoch ms, UTC)
    std::optional<std::int64_t> defer_s;     // relative start (Kannel deferred)
};

// POST /api/v1/messages. `ref` is the concatenation reference for a long
// message.
std::variant<send_job, api_error> parse_send_request(std::string_view body, std::uint8_t ref);

// GET /api/v1/messages query.
struct search_query {
    std::optional<sms_address> number;
    std::optional<std::int64_t> since_ms, until_ms; // accepted_at in [since, until)
    std::size_t limit = 100;
    std::string before; // a message id from a previous page's "next"
};
inline constexpr std::size_t max_search_limit = 1000;
std::variant<search_query, api_error> parse_search_query(std::string_view query);

// Kannel's /cgi-bin/sendsms: the form (GET query or x-www-form-urlencoded
// body), and the plain-text answers Kannel gives.
struct sendsms_form {
    std::string username, password;
    send_job job;
    // Why the job is refused, as {status, "", Kannel's text}; Kannel checks
    // the login first, so the caller answers this only after it.
    std::optional<api_error> error;
};
sendsms_form parse_sendsms_form(std::string_view form, std::uint8_t ref);
response kannel_response(unsigned status, std::string_view text);

// application/x-www-form-urlencoded (and query strings): '+' is a space,
// %XX an octet. nullopt for a malformed escape. Repeated keys are kept.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view s);

// RFC 3339 date-time ("2026-05-01T09:00:00Z", "...T10:00:00.5+01:00") to
// epoch milliseconds, and back (UTC, milliseconds, "Z").
std::optional<std::int64_t> parse_rfc3339(std::string_view s);
std::string format_rfc3339(std::int64_t epoch_ms);

// Who is calling, with the roles of the credentials used.
struct api_caller {
    std::string system_id;
    bool send = false, read = false, admin = false;
};

struct submit_result {
    std::optional<api_error> error;
    std::vector<std::vector<std::string>> ids; // per destination (job order), one id per part
};

// What the node supplies. Called on the server's executor, one call at a time.
class send_backend {
public:
    virtual ~send_backend() = default;
    // The account and roles of a Bearer token; nullopt if no account has it.
    virtual std::optional<api_caller> by_token(std::string_view token) = 0;
    // Kannel sendsms login: an account with http.sendsms and this SMPP password.
    virtual std::optional<api_caller> by_login(std::string_view system_id, std::string_view password) = 0;
    // Whether system_id is an account that may log in to sendsms (its
    // failures then count against the account too).
    virtual bool has_login(std::string_view /*system_id*/) { return false; }
    // The node's credential guard (wrong tokens and sendsms passwords count
    // against the caller's address); null: no guard.
    virtual guard::credential_guard* login_guard() { return nullptr; }
    // Whether the account's allowed_sources admit this peer (checked after
    // the credentials, as for an SMPP bind, so a refusal tells nothing to
    // someone without them).
    virtual bool source_allowed(const api_caller& who, const boost::asio::ip::address& remote) = 0;
    // Routes, stores and queues every part for every destination, all or
    // nothing; `done` runs once, after the durable commit or with the refusal.
    virtual void submit(const api_caller& who, send_job job, std::function<void(submit_result)> done) = 0;
    // GET /api/v1/messages/{id}: the document, or the error (404 not_found
    // for a message that is not the caller's, 400 invalid_id).
    virtual std::variant<boost::json::object, api_error> message(const api_caller& who, std::string_view id) = 0;
    virtual std::variant<boost::json::object, api_error> search(const api_caller& who, const search_query& q) = 0;
};

// Adds the endpoints above to `r`; `backend` must outlive the router.
void add_send_routes(router& r, send_backend& backend);

} // namespace twinsms::http
