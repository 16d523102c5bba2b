#include "smtp/smtp_session_logic.hpp"
#include "util/secret_equal.hpp"

#include <algorithm>
#include <charconv>

#include "smtp/mime.hpp"
#include "smtp/text_util.hpp"

namespace twinsms::smtp {
namespace {
using namespace text;

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && upper(s.substr(0, prefix.size())) == prefix;
}
std::string line(std::string_view text) { return std::string{text} + "\r\n"; }

} // namespace

session_logic::session_logic(std::shared_ptr<const rules> r, boost::asio::ip::address remote)
    : rules_{std::move(r)}, remote_{std::move(remote)} {}

step session_logic::greet() { return {line("220 " + rules_->hostname + " ESMTP twinsms email to SMS"), false, {}}; }

step session_logic::error(std::string reply) {
    step s{std::move(reply), false, {}};
    if (++errors_ >= rules_->max_errors) {
        s.reply += line("421 4.7.0 " + rules_->hostname + " too many errors, closing");
        s.close = true;
        state_ = state::closed;
    }
    return s;
}

step session_logic::on_timeout() {
    state_ = state::closed;
    return {line("421 4.4.2 " + rules_->hostname + " timeout, closing"), true, {}};
}

step session_logic::on_shutdown() {
    state_ = state::closed;
    return {line("421 4.3.2 " + rules_->hostname + " shutting down, try again later"), true, {}};
}

step session_logic::on_line_too_long() {
    if (state_ == state::closed) return {};
    if (state_ == state::data) {
        data_line_too_long_ = true; // answered at the end of the data
        return {};
    }
    if (state_ == state::auth_wait) state_ = state::ready;
    return error(line("500 5.5.2 line too long"));
}

step session_logic::on_line(std::string_view l) {
    switch (state_) {
    case state::closed: return {};
    case state::data: return data_line(l);
    case state::auth_wait: return auth_response(l);
    case state::delivering: return error(line("503 5.5.1 wait for the reply to the message")); // the listener never does this
    default: return command(l);
    }
}

const mail_client* session_logic::client(std::string_view name) const {
    for (const auto& c : rules_->clients)
        if (c.name == name) return &c;
    return nullptr;
}

void session_logic::reset_transaction() {
    client_ = nullptr;
    sender_.clear();
    recipients_.clear();
    data_.clear();
    data_.shrink_to_fit();
    data_size_ = 0;
    data_too_big_ = data_line_too_long_ = false;
    if (state_ == state::mail || state_ == state::data || state_ == state::delivering)
        state_ = helo_ ? state::ready : state::fresh;
}

step session_logic::command(std::string_view l) {
    const auto sp = l.find(' ');
    const auto verb = upper(l.substr(0, sp));
    const auto arg = sp == std::string_view::npos ? std::string_view{} : rtrim(ltrim(l.substr(sp + 1)));
    if (verb == "EHLO" || verb == "HELO") return ehlo(arg, verb == "EHLO");
    if (verb == "MAIL") return mail_from(arg);
    if (verb == "RCPT") return rcpt_to(arg);
    if (verb == "DATA") return data(arg);
    if (verb == "AUTH") return auth(arg);
    if (verb == "RSET") {
        reset_transaction();
        return {line("250 2.0.0 OK"), false, {}};
    }
    if (verb == "NOOP") return {line("250 2.0.0 OK"), false, {}};
    if (verb == "QUIT") {
        state_ = state::closed;
        return {line("221 2.0.0 " + rules_->hostname + " closing"), true, {}};
    }
    if (verb == "VRFY") {
        if (arg.empty()) return error(line("501 5.5.4 VRFY needs an argument"));
        return {line("252 2.1.5 cannot VRFY, send the mail and it will be tried"), false, {}};
    }
    if (verb == "HELP") return {line("214 2.0.0 EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY AUTH HELP"), false, {}};
    if (verb == "STARTTLS" && rules_->starttls) return starttls(arg);
    if (verb == "EXPN" || verb == "STARTTLS" || verb == "BDAT" || verb == "ETRN" || verb == "TURN" || verb == "SEND" ||
        verb == "SOML" || verb == "SAML")
        return error(line("502 5.5.1 " + verb + " not implemented"));
    return error(line("500 5.5.1 command not recognized"));
}

step session_logic::ehlo(std::string_view arg, bool extended) {
    if (arg.empty()) return error(line(std::string{"501 5.5.4 "} + (extended ? "EHLO" : "HELO") + " needs a domain"));
    reset_transaction();
    helo_ = true;
    ehlo_ = extended;
    state_ = state::ready;
    const auto greeting = rules_->hostname + " greets " + std::string{arg};
    if (!extended) return {line("250 " + greeting), false, {}};
    std::vector<std::string> lines{greeting, "SIZE " + std::to_string(rules_->max_size), "8BITMIME", "PIPELINING",
                                   "ENHANCEDSTATUSCODES"};
    if (rules_->starttls && !secure_) lines.emplace_back("STARTTLS");
    if (auth_offered()) lines.emplace_back("AUTH PLAIN");
    lines.emplace_back("HELP");
    std::string reply;
    for (std::size_t i = 0; i < lines.size(); ++i) reply += line((i + 1 < lines.size() ? "250-" : "250 ") + lines[i]);
    return {std::move(reply), false, {}};
}

step session_logic::mail_from(std::string_view arg) {
    if (!helo_) return error(line("503 5.5.1 send EHLO or HELO first"));
    if (state_ == state::mail) return error(line("503 5.5.1 nested MAIL command"));
    if (!istarts_with(arg, "FROM:")) return error(line("501 5.5.4 syntax: MAIL FROM:<address>"));
    const auto p = parse_path(arg.substr(5));
    if (!p) return error(line("501 5.1.7 bad sender address syntax"));
    for (const auto& [k, v] : p->params) {
        if (k == "SIZE") {
            std::size_t n = 0;
            auto [e, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
            if (ec != std::errc{} || e != v.data() + v.size()) return error(line("501 5.5.4 bad SIZE value"));
            if (n > rules_->max_size)
                return error(line("552 5.3.4 message size exceeds fixed limit of " + std::to_string(rules_->max_size) + " bytes"));
        } else if (k == "BODY") {
            const auto b = upper(v);
            if (b != "7BIT" && b != "8BITMIME") return error(line("501 5.5.4 BODY is 7BIT or 8BITMIME"));
        } else if (k != "AUTH") { // AUTH=<...> (RFC 4954 5) is taken and ignored
            return error(line("555 5.5.4 MAIL parameter " + k + " not supported"));
        }
    }
    if (p->address.empty()) return error(line("550 5.7.1 a null sender cannot send SMS"));
    const auto sender = lower(p->address);
    const mail_client* chosen = nullptr;
    if (!auth_client_.empty()) {
        chosen = client(auth_client_);
        if (!chosen) return error(line("451 4.3.0 the account is gone, authenticate again"));
        if (!chosen->allowed_senders.empty() && !sender_allowed(chosen->allowed_senders, sender))
            return error(line("550 5.7.1 sender <" + sender + "> is not allowed to send as " + chosen->name));
    } else {
        int best = 0;
        bool needs_auth = false;
        for (const auto& c : rules_->clients) {
            const int r = sender_rank(c.allowed_senders, sender);
            if (c.auth) needs_auth |= r > 0;
            else if (r > best) best = r, chosen = &c;
        }
        if (!chosen && needs_auth) return error(line("530 5.7.0 authentication required"));
        if (!chosen) return error(line("550 5.7.1 sender <" + sender + "> is not allowed"));
    }
    if (rules_->source_allowed && !rules_->source_allowed(chosen->name, remote_))
        return error(line("550 5.7.1 " + remote_.to_string() + " may not send as " + chosen->name));
    if (rules_->serves && !rules_->serves(chosen->name))
        return error(line("451 4.3.2 not served on this node now, try again later"));
    client_ = chosen;
    sender_ = sender;
    state_ = state::mail;
    return {line("250 2.1.0 sender ok"), false, {}};
}

step session_logic::rcpt_to(std::string_view arg) {
    if (state_ != state::mail) return error(line("503 5.5.1 need MAIL first"));
    if (!istarts_with(arg, "TO:")) return error(line("501 5.5.4 syntax: RCPT TO:<number@" + rules_->domain + ">"));
    const auto p = parse_path(arg.substr(3));
    if (!p || p->address.empty()) return error(line("501 5.1.3 bad recipient address syntax"));
    if (!p->params.empty()) return error(line("555 5.5.4 RCPT parameters not supported"));
    const auto at = p->address.rfind('@');
    if (lower(p->address.substr(at + 1)) != lower(rules_->domain))
        return error(line("550 5.7.1 relaying denied: only <number>@" + rules_->domain));
    const auto number = parse_number(p->address.substr(0, at));
    if (!number) return error(line("553 5.1.3 <" + p->address.substr(0, at) + "> is not a phone number"));
    if (std::find(recipients_.begin(), recipients_.end(), *number) != recipients_.end())
        return {line("250 2.1.5 recipient ok (duplicate, sent once)"), false, {}};
    // Not counted as an error: the client is to send the rest in another mail.
    if (recipients_.size() >= rules_->max_recipients) return {line("452 4.5.3 too many recipients"), false, {}};
    if (rules_->routable && !rules_->routable(client_->name, *number))
        return error(line("550 5.1.1 no route for " + *number));
    recipients_.push_back(*number);
    return {line("250 2.1.5 recipient ok"), false, {}};
}

step session_logic::data(std::string_view arg) {
    if (state_ != state::mail) return error(line("503 5.5.1 need MAIL first"));
    if (recipients_.empty()) return error(line("503 5.5.1 need RCPT first (no valid recipients)"));
    if (!arg.empty()) return error(line("501 5.5.4 DATA takes no argument"));
    state_ = state::data;
    data_.clear();
    data_size_ = 0;
    return {line("354 end data with <CR><LF>.<CR><LF>"), false, {}};
}

step session_logic::data_line(std::string_view l) {
    if (l == ".") return end_of_data();
    if (l.starts_with('.')) l.remove_prefix(1); // dot-unstuffing (RFC 5321 4.5.2)
    data_size_ += l.size() + 2;
    if (data_size_ > rules_->max_size) {
        // Read on to the end, keep nothing: the reply comes after the dot.
        if (!data_too_big_) {
            data_too_big_ = true;
            data_.clear();
            data_.shrink_to_fit();
        }
        return {};
    }
    data_.append(l);
    data_.append("\r\n");
    return {};
}

step session_logic::end_of_data() {
    if (data_line_too_long_) {
        reset_transaction();
        return error(line("500 5.5.2 line too long in the message (at most " + std::to_string(max_text_line) + " octets)"));
    }
    if (data_too_big_) {
        reset_transaction();
        return error(line("552 5.3.4 message size exceeds fixed limit of " + std::to_string(rules_->max_size) + " bytes"));
    }
    const auto m = mime::parse_message(data_);
    if (!m.from.empty() && !client_->allowed_senders.empty() && !sender_allowed(client_->allowed_senders, m.from)) {
        const auto from = m.from;
        reset_transaction();
        return error(line("550 5.7.1 From: <" + from + "> is not allowed"));
    }
    const bool want_subject = client_->text != text_mode::body;
    const bool want_body = client_->text != text_mode::subject;
    std::string text;
    if (want_subject) text = m.subject;
    if (want_body && !m.body && !m.body_error.empty()) {
        const auto why = m.body_error;
        reset_transaction();
        return error(line("554 5.6.1 cannot read the text: " + why));
    }
    if (want_body && m.body && !m.body->empty()) text += (text.empty() ? "" : "\n") + *m.body;
    if (text.empty()) {
        const auto mode = client_->text;
        reset_transaction();
        return error(line(std::string{"554 5.6.0 nothing to send: "} +
                          (mode == text_mode::subject ? "the subject is empty"
                           : mode == text_mode::body  ? "no text/plain body"
                                                      : "no subject and no text/plain body")));
    }
    mail out{client_->name, sender_, recipients_, std::move(text)};
    data_.clear();
    data_.shrink_to_fit();
    state_ = state::delivering;
    return {{}, false, std::move(out)};
}

step session_logic::delivered(const delivery_result& r) {
    if (state_ != state::delivering) return {};
    std::string reply;
    using o = delivery_result::outcome;
    switch (r.result) {
    case o::ok: {
        std::size_t sms = 0;
        for (std::size_t i = 0; i < recipients_.size(); ++i) {
            std::string ids;
            if (i < r.ids.size())
                for (const auto& id : r.ids[i]) ids += (ids.empty() ? "" : " ") + id, ++sms;
            reply += line("250-2.0.0 " + recipients_[i] + " queued as " + ids);
        }
        reply += line("250 2.0.0 OK " + std::to_string(sms) + " SMS for " + std::to_string(recipients_.size()) +
                      (recipients_.size() == 1 ? " recipient" : " recipients"));
        break;
    }
    case o::temporary: reply = line("451 4.3.0 " + r.reason + ", try again later"); break;
    case o::storage_full: reply = line("452 4.3.1 " + r.reason); break;
    case o::permanent: reply = line("554 5.3.0 " + r.reason); break;
    }
    reset_transaction();
    return {std::move(reply), false, {}};
}

bool session_logic::auth_offered() const {
    return (!rules_->starttls || secure_) &&
           std::any_of(rules_->clients.begin(), rules_->clients.end(), [](const auto& c) { return c.auth; });
}

step session_logic::starttls(std::string_view arg) {
    if (secure_) return error(line("503 5.5.1 TLS already active"));
    if (!arg.empty()) return error(line("501 5.5.4 STARTTLS takes no argument"));
    if (!ehlo_) return error(line("503 5.5.1 send EHLO first"));
    if (state_ == state::mail) return error(line("503 5.5.1 STARTTLS not allowed in a mail transaction"));
    step s{line("220 2.0.0 ready to start TLS"), false, {}};
    s.start_tls = true;
    return s;
}

void session_logic::tls_started() {
    reset_transaction();
    secure_ = true;
    helo_ = ehlo_ = false;
    auth_client_.clear();
    if (state_ != state::closed) state_ = state::fresh;
}

step session_logic::auth(std::string_view arg) {
    if (std::none_of(rules_->clients.begin(), rules_->clients.end(), [](const auto& c) { return c.auth; }))
        return error(line("502 5.5.1 AUTH not available"));
    if (!ehlo_) return error(line("503 5.5.1 send EHLO first"));
    if (!auth_offered()) return error(line("538 5.7.11 encryption required: STARTTLS first"));
    if (!auth_client_.empty()) return error(line("503 5.5.1 already authenticated"));
    if (state_ == state::mail) return error(line("503 5.5.1 AUTH not allowed in a mail transaction"));
    const auto sp = arg.find(' ');
    if (upper(arg.substr(0, sp)) != "PLAIN") return error(line("504 5.5.4 unrecognized authentication mechanism"));
    if (sp == std::string_view::npos) {
        state_ = state::auth_wait;
        return {line("334 "), false, {}};
    }
    return auth_response(ltrim(arg.substr(sp + 1)));
}

step session_logic::auth_response(std::string_view l) {
    state_ = state::ready;
    if (rtrim(l) == "*") return error(line("501 5.0.0 authentication cancelled"));
    const auto creds = decode_plain(l);
    if (!creds) return error(line("501 5.5.2 cannot decode the AUTH PLAIN response"));
    for (const auto& c : rules_->clients) {
        if (!c.auth || c.user != creds->user) continue;
        if (secret_equal(creds->password, c.password) && (creds->authzid.empty() || creds->authzid == creds->user)) {
            auth_client_ = c.name;
            return {line("235 2.7.0 authentication successful"), false, {}};
        }
    }
    return error(line("535 5.7.8 authentication credentials invalid"));
}

} // namespace twinsms::smtp
