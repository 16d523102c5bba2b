#include "config/cluster.hpp"

#include <charconv>

#include "config/reader.hpp"

namespace twinsms::config {

// profiles.cpp
boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r);
// witness.cpp
witness_settings read_witness(const reader& r, const std::filesystem::path& base);

admin_settings read_admin(const reader& r) {
    admin_settings a;
    if (auto l = r.find("listen")) a.listen = parse_endpoint(*l);
    if (auto t = r.find("token")) a.token = t->secret();
    if (r.bool_or("tls", false)) a.tls.emplace(); // filled from node.tls by read_node
    a.max_connections = static_cast<unsigned>(r.int_or("max_connections", a.max_connections, 1, 100'000));
    a.request_timeout = r.duration_or("request_timeout", a.request_timeout);
    if (a.request_timeout <= std::chrono::milliseconds::zero()) r.at("request_timeout").fail("must be positive");
    if (a.listen && a.token.size() < 16)
        r.at("token").fail("an admin token of at least 16 characters is required with listen");
    r.finish();
    return a;
}

namespace {

std::vector<std::string> strings(const reader& r) {
    std::vector<std::string> out;
    for (const auto& i : r.items()) out.push_back(i.non_empty_str());
    return out;
}

smtp_settings read_smtp(const reader& r) {
    smtp_settings s;
    const auto server = r.at("server");
    const auto hp = server.non_empty_str();
    const auto colon = hp.rfind(':');
    s.host = hp.substr(0, colon);
    if (colon != std::string::npos) {
        unsigned port = 0;
        const auto ps = hp.substr(colon + 1);
        auto [end, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
        if (ec != std::errc{} || end != ps.data() + ps.size() || port == 0 || port > 65535)
            server.fail("invalid port in '" + hp + "'");
        s.port = static_cast<std::uint16_t>(port);
    }
    if (s.host.empty()) server.fail("expected HOST[:PORT]");
    if (auto t = r.find("tls")) s.tls = t->choice({"none", "starttls"}) == 0 ? smtp_tls::none : smtp_tls::starttls;
    s.verify_peer = r.bool_or("verify_peer", true);
    s.ca_file = r.str_or("ca_file", "");
    s.username = r.str_or("username", "");
    if (auto p = r.find("password")) s.password = p->secret();
    if (!s.username.empty() && s.password.empty()) r.at("password").fail("a password is required with username");
    s.from = r.at("from").non_empty_str();
    s.to = strings(r.at("to"));
    if (s.to.empty()) r.at("to").fail("at least one recipient");
    s.timeout = r.duration_or("timeout", s.timeout);
    r.finish();
    return s;
}

} // namespace

alert_settings read_alerts(const reader& r) {
    alert_settings a;
    if (auto sms = r.find("sms")) {
        a.sms_to = strings(sms->at("to"));
        a.sms_from = sms->str_or("from", a.sms_from);
        sms->finish();
    }
    if (auto e = r.find("email")) a.email = read_smtp(*e);
    a.min_interval = r.duration_or("min_interval", a.min_interval);
    a.max_per_hour = static_cast<unsigned>(r.int_or("max_per_hour", a.max_per_hour, 1, 100'000));
    r.finish();
    return a;
}

cluster_settings read_cluster(const reader& r, const std::filesystem::path& base) {
    cluster_settings c;
    c.enabled = true;
    c.peer_id = r.at("peer_id").non_empty_str();
    if (auto k = r.find("keepalive")) {
        c.keepalive_interval = k->duration_or("interval", c.keepalive_interval);
        if (c.keepalive_interval.count() <= 0) k->at("interval").fail("must be positive");
        c.keepalive_misses = static_cast<unsigned>(k->int_or("misses", c.keepalive_misses, 1, 100));
        k->finish();
    }
    if (auto s = r.find("second_path")) c.second_path = parse_endpoint(*s);
    if (auto f = r.find("failback")) {
        if (auto m = f->find("mode"))
            c.failback = m->choice({"auto", "manual"}) == 0 ? failback_mode::automatic : failback_mode::manual;
        c.failback_hold = f->duration_or("hold", c.failback_hold);
        f->finish();
    }
    c.on_transition = r.str_or("on_transition", "");
    if (auto o = r.find("overflow")) {
        cluster_settings::overflow_limits l;
        l.high = static_cast<std::uint64_t>(o->at("high").integer(1, 1LL << 40));
        l.low = static_cast<std::uint64_t>(o->at("low").integer(0, 1LL << 40));
        if (l.low >= l.high) o->at("low").fail("must be below high");
        o->finish();
        c.overflow = l;
    }
    if (auto s = r.find("secret")) {
        c.secret = s->secret();
        if (c.secret.size() < 16) s->fail("a pair secret of at least 16 characters (the same on both nodes)");
    }
    if (auto w = r.find("witness")) c.witness = read_witness(*w, base);
    r.finish();
    return c;
}

} // namespace twinsms::config
