#include "config/smtp.hpp"

#include <cctype>
#include <map>

#include "config/profiles.hpp"
#include "config/reader.hpp"

namespace twinsms::config {

// profiles.cpp
boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r);

namespace {

std::string origin_of(const reader& r) {
    const auto m = r.node().Mark();
    return r.file() + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + r.path();
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool valid_domain(std::string_view d) {
    if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos)
        return false;
    for (unsigned char c : d)
        if (!std::isalnum(c) && c != '-' && c != '.') return false;
    return true;
}

} // namespace

smtp_server_settings read_smtp_server(const reader& r) {
    smtp_server_settings s;
    s.origin = origin_of(r);
    for (const auto& l : r.at("listen").items()) s.listen.push_back(parse_endpoint(l));
    if (s.listen.empty()) r.at("listen").fail("at least one HOST:PORT");
    const auto d = r.at("domain");
    s.domain = lower(d.non_empty_str());
    if (!valid_domain(s.domain)) d.fail("expected a domain name such as sms.example.com, got '" + s.domain + "'");
    s.hostname = r.str_or("hostname", s.domain);
    if (!valid_domain(s.hostname)) r.at("hostname").fail("expected a host name, got '" + s.hostname + "'");
    s.max_size = static_cast<std::size_t>(r.int_or("max_size", static_cast<std::int64_t>(s.max_size), 1024, 64LL << 20));
    s.max_recipients = static_cast<std::size_t>(r.int_or("max_recipients", 50, 1, 1000));
    s.max_sessions = static_cast<std::size_t>(r.int_or("max_sessions", 100, 1, 100'000));
    s.max_errors = static_cast<unsigned>(r.int_or("max_errors", 10, 1, 1000));
    if (auto t = r.find("starttls")) {
        s.starttls = t->boolean();
        s.starttls_origin = origin_of(*t);
    }
    if (auto t = r.find("timeouts")) {
        s.command_timeout = t->duration_or("command", s.command_timeout);
        s.data_timeout = t->duration_or("data", s.data_timeout);
        if (s.command_timeout.count() <= 0) t->at("command").fail("must be positive");
        if (s.data_timeout.count() <= 0) t->at("data").fail("must be positive");
        t->finish();
    }
    r.finish();
    return s;
}

client_mail_settings read_client_mail(const reader& r) {
    client_mail_settings m;
    m.origin = origin_of(r);
    m.auth = r.bool_or("auth", false);
    if (auto list = r.find("allowed_senders")) {
        for (const auto& e : list->items()) {
            auto v = lower(e.non_empty_str());
            const auto at = v.find('@');
            const bool ok = at != std::string::npos && v.find('@', at + 1) == std::string::npos &&
                            valid_domain(std::string_view{v}.substr(at + 1)) &&
                            v.find_first_of(" \t<>\"") == std::string::npos;
            if (!ok) e.fail("expected an address (user@host) or a domain (@host), got '" + v + "'");
            m.allowed_senders.push_back(std::move(v));
            m.sender_origins.push_back(origin_of(e));
        }
    }
    if (auto t = r.find("text")) {
        switch (t->choice({"subject", "body", "subject+body"})) {
        case 0: m.text = mail_text::subject; break;
        case 1: m.text = mail_text::body; break;
        default: m.text = mail_text::subject_and_body; break;
        }
    }
    if (auto s = r.find("source")) {
        m.source = s->non_empty_str();
        auto digits = std::string_view{m.source};
        if (digits.starts_with('+')) digits.remove_prefix(1);
        bool numeric = !digits.empty(), alnum = true;
        for (unsigned char c : digits) numeric &= std::isdigit(c) != 0;
        for (unsigned char c : m.source) alnum &= std::isalnum(c) || c == ' ' || c == '-' || c == '.';
        if (numeric ? digits.size() > 20 : !alnum || m.source.size() > 11)
            s->fail("expected a number (up to 20 digits) or up to 11 letters, digits, spaces, '-' or '.'");
    }
    m.max_parts = static_cast<unsigned>(r.int_or("max_parts", m.max_parts, 1, 255));
    if (auto p = r.find("max_parts")) m.max_parts_origin = origin_of(*p);
    r.finish(); // a misspelt allowed_senders is reported as such, before it is missed
    if (m.allowed_senders.empty() && !m.auth)
        r.fail("allowed_senders is required (addresses or @domains) unless auth: true");
    return m;
}

void check_smtp(const profile_set& set, const std::filesystem::path& node_file) {
    bool any = false;
    std::map<std::string, std::pair<std::string, std::string>> owner; // sender -> client, origin
    for (const auto& c : set.clients) {
        if (!c.smtp) continue;
        any = true;
        if (!set.node.smtp)
            throw config_error(c.smtp->origin + ": the node takes no mail: add an smtp section to " + node_file.string());
        if (c.smtp->max_parts * set.node.smtp->max_recipients > max_sms_per_mail)
            throw config_error((c.smtp->max_parts_origin.empty() ? c.smtp->origin : c.smtp->max_parts_origin) + ": " +
                               std::to_string(c.smtp->max_parts) + " parts x " + std::to_string(set.node.smtp->max_recipients) +
                               " recipients (node.smtp.max_recipients) is over " + std::to_string(max_sms_per_mail) +
                               " SMS per mail");
        if (c.smtp->auth) continue; // chosen by AUTH, not by sender
        for (std::size_t i = 0; i < c.smtp->allowed_senders.size(); ++i) {
            const auto& s = c.smtp->allowed_senders[i];
            auto [it, fresh] = owner.emplace(s, std::pair{c.name, c.smtp->sender_origins[i]});
            if (!fresh && it->second.first != c.name)
                throw config_error(c.smtp->sender_origins[i] + ": '" + s + "' is also allowed for client '" +
                                   it->second.first + "' (" + it->second.second + "): which one would send the mail?");
        }
    }
    if (set.node.smtp && set.node.smtp->starttls && !set.node.tls)
        throw config_error(set.node.smtp->starttls_origin + ": needs a node.tls section (certificate, private_key)");
    if (set.node.smtp && !any)
        throw config_error(set.node.smtp->origin + ": no client profile takes mail (client.smtp)");
}

} // namespace twinsms::config
