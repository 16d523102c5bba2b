#pragma once
// Email to SMS (src/smtp, app/node_smtp.cpp): the node's SMTP listener in
// node.yaml, and which client accounts take mail in their client files.
//
//   node:
//     smtp: {listen: 127.0.0.1:2525, domain: sms.example.com, hostname: mx1.example.com,
//            max_size: 1048576, max_recipients: 50, max_sessions: 100, max_errors: 10,
//            timeouts: {command: 5m, data: 10m}, starttls: false}   (starttls: node.tls's certificate)
//   client:
//     smtp: {allowed_senders: [nagios@example.com, "@ops.example.com"],
//            text: subject | body | subject+body, auth: false, source: Alerts, max_parts: 4}
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

namespace twinsms::config {

struct smtp_server_settings {
    std::vector<boost::asio::ip::tcp::endpoint> listen;
    std::string domain;   // recipients are <number>@domain (lowercase)
    std::string hostname; // in the greeting; default: domain
    std::size_t max_size = 1 << 20; // message bytes
    std::size_t max_recipients = 50;
    std::size_t max_sessions = 100;
    unsigned max_errors = 10; // error replies before a session is dropped
    std::chrono::milliseconds command_timeout{300'000};
    std::chrono::milliseconds data_timeout{600'000};
    bool starttls = false; // offer STARTTLS with node.tls; AUTH then only under TLS
    std::string origin;    // file:line:column: node.smtp, for cross-file errors
    std::string starttls_origin;
};

enum class mail_text { subject, body, subject_and_body };

struct client_mail_settings {
    std::vector<std::string> allowed_senders; // "user@host" or "@host", lowercase
    std::vector<std::string> sender_origins;  // file:line:column: path of each, for cross-file errors
    mail_text text = mail_text::subject_and_body;
    bool auth = false;           // AUTH PLAIN (system_id, password) needed to send as this client
    std::string source = "Email"; // the SMS source address: up to 11 letters/digits, or a number
    unsigned max_parts = 4;      // longer texts are cut to fit this many SMS
    std::string max_parts_origin;
    std::string origin;          // file:line:column: client.smtp
};

class reader;
struct profile_set;
smtp_server_settings read_smtp_server(const reader& r);
client_mail_settings read_client_mail(const reader& r);
// Across files: a client smtp section needs the node's, the node's needs a
// client that takes mail, no sender is allowed for two clients without AUTH
// (which client would a mail go to?), and one mail makes at most
// max_sms_per_mail SMS (max_parts x max_recipients, one store transaction).
inline constexpr std::size_t max_sms_per_mail = 10'000;
void check_smtp(const profile_set& set, const std::filesystem::path& node_file);

} // namespace twinsms::config
