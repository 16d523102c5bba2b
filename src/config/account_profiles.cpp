// Client and carrier profile files: accounts, binds, HTTP tokens, webhook
// and SMTP settings of a client; the link and binds of a carrier.
#include <algorithm>
#include <set>

#include "config/profile_files.hpp"
#include "config/reader.hpp"
#include "config/tls.hpp"

namespace twinsms::config {
namespace fs = std::filesystem;

boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r);

namespace {

profile_state parse_state(const reader& r) {
    auto s = r.find("state");
    return s && s->choice({"active", "passive"}) == 1 ? profile_state::passive : profile_state::active;
}

// kind: client (default) or peer.
bool parse_kind(const reader& r) {
    auto k = r.find("kind");
    if (!k) return false;
    const bool peer = k->choice({"client", "carrier", "peer"}) == 2;
    if (peer && r.find("state") && r.at("state").str() == "passive")
        r.at("state").fail("a peer link is never passive: the cluster needs it in every mode");
    return peer;
}

bind_type parse_bind_type(const reader& r) {
    switch (r.choice({"transmitter", "receiver", "transceiver"})) {
    case 0: return bind_type::transmitter;
    case 1: return bind_type::receiver;
    default: return bind_type::transceiver;
    }
}

} // namespace

// client.http: the account's tokens for the HTTP API and the sendsms form.
client_http read_client_http(const reader& r) {
    client_http h;
    if (auto ts = r.find("tokens")) {
        for (const auto& t : ts->items()) {
            http_token tok;
            const auto v = t.at("token");
            tok.token = v.secret();
            if (tok.token.size() < 16) v.fail("a token of at least 16 characters is required");
            for (unsigned char ch : tok.token)
                if (ch <= 0x20 || ch >= 0x7F) v.fail("a token is printable ASCII without spaces");
            for (const auto& role : t.at("roles").items()) {
                switch (role.choice({"send", "read", "admin"})) {
                case 0: tok.send = true; break;
                case 1: tok.read = true; break;
                default: tok.admin = tok.send = tok.read = true; break;
                }
            }
            if (!tok.send && !tok.read) t.at("roles").fail("at least one role: send, read or admin");
            for (const auto& other : h.tokens)
                if (other.token == tok.token) v.fail("the same token is listed twice");
            const auto m = v.node().Mark();
            tok.origin = v.file() + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " + v.path();
            t.finish();
            h.tokens.push_back(std::move(tok));
        }
    }
    h.sendsms = r.bool_or("sendsms", false);
    r.finish();
    return h;
}

client_profile read_client(const fs::path& file) {
    const auto r = single_root(file, "client");
    client_profile c;
    c.file = file;
    c.name = r.str_or("name", file.stem().string());
    c.state = parse_state(r);
    c.peer = parse_kind(r);
    auto& a = c.account;
    a.system_id = r.at("system_id").non_empty_str();
    if (a.system_id.size() > 15) r.at("system_id").fail("system_id is at most 15 characters (SMPP 3.4)");
    a.password = r.at("password").secret();
    if (a.password.size() > 8) r.at("password").fail("password is at most 8 characters (SMPP 3.4)");
    if (auto b = r.find("binds")) {
        a.allow_transmitter = a.allow_receiver = a.allow_transceiver = false;
        for (const auto& t : b->items()) {
            switch (parse_bind_type(t)) {
            case bind_type::transmitter: a.allow_transmitter = true; break;
            case bind_type::receiver: a.allow_receiver = true; break;
            case bind_type::transceiver: a.allow_transceiver = true; break;
            }
        }
    }
    if (auto src = r.find("allowed_sources")) {
        for (const auto& s : src->items()) {
            std::string err;
            auto range = ip_range::parse(s.str(), &err);
            if (!range) s.fail(err);
            a.allowed_sources.push_back(*range);
        }
    }
    a.max_binds = static_cast<unsigned>(r.int_or("max_binds", 0, 0, 10'000));
    if (auto t = r.find("tps")) a.tps = t->number(0, 1e7);
    if (auto b = r.find("burst")) a.burst = b->number(0, 1e7);
    if (auto h = r.find("http")) {
        if (c.peer) h->fail("a peer link has no HTTP API");
        c.http = read_client_http(*h);
    }
    if (auto m = r.find("smtp")) {
        if (c.peer) m->fail("a peer link takes no mail");
        c.smtp = read_client_mail(*m);
    }
    if (auto w = r.find("webhook")) {
        if (c.peer) w->fail("a peer link gets its deliveries over SMPP");
        c.webhook = read_webhook(*w);
    }
    // The peer link carries numbers already in the routed form.
    if (auto n = r.find("numbering")) {
        if (c.peer) n->fail("a peer link carries numbers as the other node routed them");
        c.numbering = read_numbering(*n);
    }
    if (auto s = r.find("senders")) {
        if (c.peer) s->fail("the other node checks its own clients' senders");
        c.senders = read_senders(*s);
    }
    if (auto q = r.find("quiet_hours")) {
        if (c.peer) q->fail("the other node holds its own clients' messages in their quiet hours");
        c.quiet_hours = read_quiet_hours(*q);
    }
    if (auto o = r.find("opt_out")) {
        if (c.peer) o->fail("the other node keeps its own clients' opt-out lists");
        c.opt_out = read_opt_out(*o);
    }
    if (auto k = r.find("credit")) {
        if (c.peer) k->fail("the other node charges its own clients");
        c.credit = read_credit(*k);
    }
    a.active = c.state == profile_state::active;
    r.finish();
    return c;
}

carrier_profile read_carrier(const fs::path& file) {
    const auto r = single_root(file, "carrier");
    carrier_profile c;
    c.file = file;
    c.name = r.str_or("name", file.stem().string());
    c.state = parse_state(r);
    c.peer = parse_kind(r);
    c.overflow = r.bool_or("overflow", false);
    auto& l = c.link;
    l.name = c.name;
    l.host = r.at("host").non_empty_str();
    l.port = static_cast<std::uint16_t>(r.at("port").integer(1, 65535));
    if (auto b = r.find("bind")) l.bind = parse_bind_type(*b);
    l.system_id = r.at("system_id").non_empty_str();
    l.password = r.at("password").secret();
    l.system_type = r.str_or("system_type", "");
    l.interface_version = static_cast<std::uint8_t>(r.int_or("interface_version", 0x34, 0, 255));
    c.binds = static_cast<unsigned>(r.int_or("binds", 1, 1, 64));
    l.session.window = 10;
    read_session(r, l.session);
    if (auto t = r.find("tps")) l.tps = t->number(0, 1e7);
    l.throttle_pause = r.duration_or("throttle_pause", l.throttle_pause);
    if (auto t = r.find("tls")) l.tls = read_client_tls(*t, file.parent_path().parent_path()); // carriers/x.yaml
    if (auto rc = r.find("reconnect")) {
        l.reconnect.initial = rc->duration_or("initial", l.reconnect.initial);
        l.reconnect.max = rc->duration_or("max", l.reconnect.max);
        rc->finish();
        if (l.reconnect.max < l.reconnect.initial) rc->fail("max must not be below initial");
    }
    for (const auto* key : {"numbering", "sender_override", "destinations", "charset"})
        if (c.peer && r.has(key)) r.at(key).fail("a peer link takes every message as this node routed it");
    if (auto n = r.find("numbering")) c.numbering = read_numbering(*n);
    if (auto s = r.find("sender_override")) c.sender_override = read_sender_override(*s);
    if (auto d = r.find("destinations")) c.destinations = read_destinations(*d);
    if (auto cs = r.find("charset")) c.charset = read_charset(*cs);
    r.finish();
    return c;
}

} // namespace twinsms::config
