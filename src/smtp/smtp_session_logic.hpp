#pragma once
// One SMTP server session as a pure state machine (RFC 5321 subset, with
// RFC 1870 SIZE, RFC 6152 8BITMIME, RFC 2920 PIPELINING, RFC 2034 enhanced
// status codes, RFC 3207 STARTTLS and RFC 4954 AUTH PLAIN): lines in,
// replies and actions out.
// No I/O and no clock; the listener (smtp_listener.hpp) reads lines, writes
// replies, runs the timers and carries out deliveries.
//
// Who may send: a mail is sent as one client account (its routes and
// throughput apply). A session that authenticated (AUTH PLAIN with the
// account's system_id and SMPP password, for clients with auth on) sends as
// that client; otherwise the envelope sender picks the client whose
// allowed_senders list it matches (an exact address before an @domain
// entry). A From: header, when the message has one, must match the same
// list. Recipients are <number>@<domain>, one SMS (or one long message) each.
//
// Reply codes:
//   220 greeting / ready for TLS, 221 QUIT, 250 ok, 252 VRFY, 235 AUTH ok, 334 AUTH prompt, 354 DATA
//   421 timeout, shutdown, too many errors (then the connection closes)
//   451 client not served on this node now / store trouble, 452 too many recipients / store full
//   500 unknown command / line too long, 501 syntax, 502 not implemented, 503 bad sequence,
//   454 AUTH refused for now (too many failed logins from the address), 504 unknown AUTH mechanism,
//   530 AUTH required, 535 AUTH failed (a locked account too), 538 AUTH needs STARTTLS first,
//   550 sender not allowed / source address not allowed / other domain / no route, 552 too big, 553 bad number,
//   554 nothing to send / unreadable text, 555 unknown MAIL/RCPT parameter
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "guard/credential_guard.hpp"

namespace twinsms::smtp {

enum class text_mode { subject, body, subject_and_body };

// A client account that takes mail.
struct mail_client {
    std::string name;               // client profile
    std::string user, password;     // AUTH PLAIN: its system_id and SMPP password
    bool auth = false;              // only authenticated sessions send as this client
    std::vector<std::string> allowed_senders; // "user@host" or "@host", lowercase; empty with auth: anyone
    text_mode text = text_mode::subject_and_body;
};

struct rules {
    std::string hostname = "localhost"; // in the greeting and EHLO
    std::string domain;                 // recipients are <number>@domain
    std::size_t max_size = 1 << 20;     // message bytes after dot-unstuffing
    std::size_t max_recipients = 50;
    unsigned max_errors = 10; // error replies before the session is closed (421)
    // STARTTLS is offered; AUTH then only under TLS (the password is sent in the clear otherwise).
    bool starttls = false;
    std::vector<mail_client> clients;
    // Whether the node serves a client now (the pair may have it passive).
    std::function<bool(std::string_view client)> serves;
    // Whether a route takes a number from this client.
    std::function<bool(std::string_view client, std::string_view number)> routable;
    // Whether the client's account allows the session's peer address
    // (allowed_sources, as for its SMPP binds and HTTP tokens); unset: any.
    std::function<bool(std::string_view client, const boost::asio::ip::address& remote)> source_allowed;
    // The node's credential guard: asked before AUTH credentials are
    // compared (anything but allow refuses them unchecked), told of every
    // outcome (`user`: an AUTH user that exists, else empty). Unset: none.
    std::function<guard::verdict(const boost::asio::ip::address& remote, std::string_view user)> login_check;
    std::function<void(const boost::asio::ip::address& remote, std::string_view user, bool ok)> login_result;
};

// Command lines are at most 512 octets with CRLF, text lines 1000 (RFC 5321 4.5.3.1).
inline constexpr std::size_t max_command_line = 510;
inline constexpr std::size_t max_text_line = 998;

// A mail to send: what the node turns into SMS.
struct mail {
    std::string client;
    std::string sender;                  // envelope, lowercase
    std::vector<std::string> recipients; // numbers: digits only
    std::string text;                    // UTF-8, per the client's text mode
};

struct delivery_result {
    enum class outcome { ok, temporary, storage_full, permanent };
    outcome result = outcome::ok;
    // ok: our message ids per recipient (several for a long message)
    std::vector<std::vector<std::string>> ids;
    std::string reason; // otherwise
};

// What the listener does after an input.
struct step {
    std::string reply;           // CRLF-terminated reply lines to write, may be empty
    bool close = false;          // close the connection after writing
    std::optional<mail> deliver; // send it, then call delivered() with the outcome
    bool start_tls = false;      // after writing the reply, discard buffered input, run the TLS
                                 // handshake, then call tls_started() (or close if it failed)
};

class session_logic {
public:
    // `remote`: the peer, for rules::source_allowed.
    explicit session_logic(std::shared_ptr<const rules> r, boost::asio::ip::address remote = {});

    step greet();
    // One line without its line ending.
    step on_line(std::string_view line);
    // A line longer than line_limit() (its text was discarded).
    step on_line_too_long();
    step on_timeout();
    step on_shutdown();
    // The outcome of the last step's deliver.
    step delivered(const delivery_result& r);
    // The TLS handshake after STARTTLS is done: the session starts over
    // (RFC 3207 4.2: EHLO again, nothing from before is kept).
    void tls_started();
    bool secure() const noexcept { return secure_; }

    bool in_data() const noexcept { return state_ == state::data; }
    std::size_t line_limit() const noexcept { return in_data() ? max_text_line : max_command_line; }
    bool closed() const noexcept { return state_ == state::closed; }
    const std::string& authenticated() const noexcept { return auth_client_; } // client name, empty if not

private:
    enum class state { fresh, ready, mail, data, delivering, auth_wait, closed };

    step command(std::string_view line);
    step ehlo(std::string_view arg, bool extended);
    step mail_from(std::string_view arg);
    step rcpt_to(std::string_view arg);
    step data(std::string_view arg);
    step auth(std::string_view arg);
    step auth_response(std::string_view line);
    step starttls(std::string_view arg);
    bool auth_offered() const;
    step data_line(std::string_view line);
    step end_of_data();
    step error(std::string reply);
    void reset_transaction();
    const mail_client* client(std::string_view name) const;

    std::shared_ptr<const rules> rules_;
    boost::asio::ip::address remote_;
    state state_ = state::fresh;
    bool helo_ = false, ehlo_ = false, secure_ = false;
    unsigned errors_ = 0;
    std::string auth_client_;
    // The transaction.
    const mail_client* client_ = nullptr;
    std::string sender_;
    std::vector<std::string> recipients_;
    std::string data_;
    std::size_t data_size_ = 0;
    bool data_too_big_ = false, data_line_too_long_ = false;
};

// Pure helpers, tested on their own.
// "<a@b> SIZE=10" -> address "a@b" (source route dropped) and the parameters.
struct path_arg {
    std::string address; // as written; empty for <>
    std::vector<std::pair<std::string, std::string>> params; // keywords uppercased
};
std::optional<path_arg> parse_path(std::string_view arg);
// "+65 9123" is not one, "+6591234567" and "6591234567" are: digits only.
std::optional<std::string> parse_number(std::string_view local_part);
// How `address` (lowercase) matches the list ("user@host" or "@host"): 2 as
// an exact address, 1 by its domain, 0 not at all.
int sender_rank(const std::vector<std::string>& allowed, std::string_view address);
bool sender_allowed(const std::vector<std::string>& allowed, std::string_view address);
// RFC 4954 PLAIN: authzid NUL authcid NUL password, base64.
struct plain_credentials {
    std::string authzid, user, password;
};
std::optional<plain_credentials> decode_plain(std::string_view base64);

} // namespace twinsms::smtp
