// The SMTP session state machine's STARTTLS and AUTH PLAIN
// (smtp_session_logic.hpp; the rest is in smtp_session_logic.cpp).
#include "smtp/smtp_session_logic.hpp"

#include <algorithm>

#include "smtp/text_util.hpp"
#include "util/secret_equal.hpp"

namespace twinsms::smtp {
namespace {
using namespace text;

std::string line(std::string_view text) { return std::string{text} + "\r\n"; }

} // namespace

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
    const auto v = rules_->login_check ? rules_->login_check(remote_, creds->user) : guard::verdict::allow;
    // A locked account is answered like wrong credentials: another answer
    // would tell a guesser that the user exists.
    if (v == guard::verdict::account_locked) return error(line("535 5.7.8 authentication credentials invalid"));
    if (v != guard::verdict::allow)
        return error(line("454 4.7.0 too many failed logins from this address, try again later"));
    std::string_view known;
    for (const auto& c : rules_->clients) {
        if (!c.auth || c.user != creds->user) continue;
        known = c.user;
        if (secret_equal(creds->password, c.password) && (creds->authzid.empty() || creds->authzid == creds->user)) {
            auth_client_ = c.name;
            if (rules_->login_result) rules_->login_result(remote_, c.user, true);
            return {line("235 2.7.0 authentication successful"), false, {}};
        }
    }
    if (rules_->login_result) rules_->login_result(remote_, known, false);
    return error(line("535 5.7.8 authentication credentials invalid"));
}

} // namespace twinsms::smtp
