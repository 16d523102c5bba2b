#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "config/tls.hpp"

namespace twinsms::config {
namespace fs = std::filesystem;

boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r) {
    const auto s = r.non_empty_str();
    const auto colon = s.rfind(':');
    if (colon == std::string::npos) r.fail("expected HOST:PORT, got '" + s + "'");
    std::string host = s.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    const auto ps = s.substr(colon + 1);
    auto [p, ec] = std::from_chars(ps.data(), ps.data() + ps.size(), port);
    if (ec != std::errc{} || p != ps.data() + ps.size() || port > 65535) r.fail("invalid port in '" + s + "'");
    boost::system::error_code aec;
    auto addr = boost::asio::ip::make_address(host, aec);
    if (aec) r.fail("expected an IP address, got '" + host + "'");
    return {addr, static_cast<std::uint16_t>(port)};
}

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

// The top-level key of a profile file, which must be the only one.
reader single_root(const fs::path& file, std::string_view key) {
    reader top{load_file(file.string()), file.string(), ""};
    if (!top.node().IsMap()) top.fail("expected a mapping with '" + std::string{key} + ":' at the top");
    auto r = top.at(key);
    top.finish();
    return r;
}

void read_session(const reader& r, session_settings& s) {
    s.window = static_cast<std::size_t>(r.int_or("window", static_cast<std::int64_t>(s.window), 1, 100'000));
    s.response_timeout = r.duration_or("response_timeout", s.response_timeout);
    s.keepalive.interval = r.duration_or("enquire_link_interval", s.keepalive.interval);
    s.keepalive.misses = static_cast<unsigned>(r.int_or("enquire_link_misses", s.keepalive.misses, 1, 1000));
    s.keepalive.inactivity = r.duration_or("inactivity_timeout", s.keepalive.inactivity);
    s.bind_timeout = r.duration_or("bind_timeout", s.bind_timeout);
}

node_profile read_node(const fs::path& file) {
    const auto r = single_root(file, "node");
    node_profile n;
    n.id = r.at("id").non_empty_str();
    n.role = r.at("role").choice({"primary", "secondary"}) == 0 ? node_role::primary : node_role::secondary;
    if (auto l = r.find("listen_tls"))
        for (const auto& e : l->items()) n.listen_tls.push_back(parse_endpoint(e));
    // A node may listen over TLS only.
    if (auto l = n.listen_tls.empty() ? std::optional{r.at("listen")} : r.find("listen"))
        for (const auto& e : l->items()) n.listen.push_back(parse_endpoint(e));
    if (auto t = r.find("tls")) n.tls = read_server_tls(*t, file.parent_path());
    if (!n.listen_tls.empty() && !n.tls) r.at("listen_tls").fail("needs a node.tls section (certificate, private_key)");
    const auto st = r.at("store");
    n.store.path = st.at("path").non_empty_str();
    n.store.map_size_mb = static_cast<std::uint64_t>(st.int_or("map_size_mb", 1024, 16, 1 << 24));
    n.store.max_map_size_mb = static_cast<std::uint64_t>(st.int_or("max_map_size_mb", 0, 0, 1 << 24));
    if (n.store.max_map_size_mb && n.store.max_map_size_mb < n.store.map_size_mb)
        st.at("max_map_size_mb").fail("must be at least map_size_mb (" + std::to_string(n.store.map_size_mb) + ")");
    if (auto d = st.find("durability")) n.store.mode = d->choice({"sync", "async"}) == 0 ? durability::sync : durability::async;
    n.store.receipt_map_ttl = st.duration_or("receipt_map_ttl", n.store.receipt_map_ttl);
    n.store.log_retention = st.duration_or("log_retention", n.store.log_retention);
    st.finish();
    if (auto d = r.find("delivery")) {
        auto& dv = n.delivery;
        if (auto rt = d->find("retry")) {
            dv.retry_initial = rt->duration_or("initial", dv.retry_initial);
            dv.retry_max = rt->duration_or("max", dv.retry_max);
            dv.max_attempts = static_cast<unsigned>(rt->int_or("max_attempts", dv.max_attempts, 1, 1'000'000));
            if (dv.retry_max < dv.retry_initial) rt->at("max").fail("must be at least retry.initial");
            rt->finish();
        }
        dv.default_validity = d->duration_or("default_validity", dv.default_validity);
        dv.client_delivery_ttl = d->duration_or("client_delivery_ttl", dv.client_delivery_ttl);
        d->finish();
    }
    if (auto lim = r.find("limits")) {
        n.max_pdu_size = static_cast<std::uint32_t>(lim->int_or("max_pdu_size", n.max_pdu_size, 512, 1 << 24));
        n.max_connections = static_cast<std::size_t>(lim->int_or("max_connections", 10'000, 1, 1'000'000));
        lim->finish();
    }
    if (auto cs = r.find("client_sessions")) {
        read_session(*cs, n.client_session);
        cs->finish();
    }
    n.client_session.codec.max_pdu_size = n.max_pdu_size;
    if (auto a = r.find("admin")) {
        n.admin = read_admin(*a);
        if (n.admin.tls && !n.tls) a->at("tls").fail("needs a node.tls section (certificate, private_key)");
        if (n.admin.tls) n.admin.tls = n.tls;
    }
    if (auto a = r.find("alerts")) n.alerts = read_alerts(*a);
    if (auto c = r.find("cluster")) n.cluster = read_cluster(*c, file.parent_path());
    if (auto s = r.find("smtp")) n.smtp = read_smtp_server(*s);
    if (auto l = r.find("log_level")) n.log_level = std::string{std::array{"debug", "info", "warn", "error"}[l->choice({"debug", "info", "warn", "error"})]};
    r.finish();
    return n;
}

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
    r.finish();
    return c;
}

template <class T> std::vector<T> read_folder(const fs::path& dir, T (*read)(const fs::path&)) {
    std::vector<fs::path> files;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator{dir})
            if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
                files.push_back(e.path());
    std::sort(files.begin(), files.end()); // deterministic order, whatever the filesystem
    std::vector<T> out;
    for (const auto& f : files) out.push_back(read(f));
    return out;
}

} // namespace

// routes.cpp: fills set.routes and set.mo_routes.
void read_routes(const fs::path& file, profile_set& set);

const client_profile* profile_set::client(std::string_view name) const {
    for (const auto& c : clients)
        if (c.name == name) return &c;
    return nullptr;
}

const client_profile* profile_set::peer_client() const {
    for (const auto& c : clients)
        if (c.peer) return &c;
    return nullptr;
}

const carrier_profile* profile_set::peer_carrier() const {
    for (const auto& c : carriers)
        if (c.peer) return &c;
    return nullptr;
}

const carrier_profile* profile_set::carrier(std::string_view name) const {
    for (const auto& c : carriers)
        if (c.name == name) return &c;
    return nullptr;
}

namespace {

// The peer link is what makes the pair: exactly one peer profile on the side
// that role implies, none without a cluster section.
void check_cluster(profile_set& set, const fs::path& dir) {
    const auto node_file = (dir / "node.yaml").string();
    std::size_t peer_clients = 0, peer_carriers = 0;
    for (const auto& c : set.clients) peer_clients += c.peer;
    for (const auto& c : set.carriers) peer_carriers += c.peer;
    const auto& cl = set.node.cluster;
    complete_witness(set);
    if (!cl.enabled) {
        if (peer_clients || peer_carriers)
            throw config_error(node_file + ": node.cluster: a profile of kind peer needs a cluster section");
        return;
    }
    if (set.node.role == node_role::secondary) {
        if (peer_carriers != 1 || peer_clients)
            throw config_error(node_file + ": node.cluster: a secondary needs exactly one carrier profile of kind peer "
                               "(its link to the primary) and no client of kind peer");
        // The peer link is the heartbeat: it probes at the cluster's pace and
        // reconnects within the detection budget (a restarted primary must
        // hear from us before it gives up on us).
        for (auto& c : set.carriers) {
            if (!c.peer) continue;
            c.link.session.keepalive.interval = cl.keepalive_interval;
            c.link.session.keepalive.misses = cl.keepalive_misses;
            c.link.reconnect.initial = std::min<std::chrono::milliseconds>(c.link.reconnect.initial, std::chrono::milliseconds{100});
            c.link.reconnect.max = cl.keepalive_interval;
        }
        if (cl.overflow) {
            bool any = false;
            for (const auto& c : set.carriers) any |= c.overflow;
            if (!any) throw config_error(node_file + ": node.cluster.overflow: no carrier profile has overflow: true");
        }
    } else {
        if (peer_clients != 1 || peer_carriers)
            throw config_error(node_file + ": node.cluster: a primary needs exactly one client profile of kind peer "
                               "(the account its secondary binds with) and no carrier of kind peer");
        if (cl.overflow) throw config_error(node_file + ": node.cluster.overflow: only a secondary balances overflow");
    }
}

} // namespace

profile_set load_profiles(const fs::path& dir) {
    if (!fs::is_directory(dir)) throw config_error(dir.string() + ": not a profile folder");
    profile_set set;
    set.node = read_node(dir / "node.yaml");
    set.clients = read_folder<client_profile>(dir / "clients", &read_client);
    set.carriers = read_folder<carrier_profile>(dir / "carriers", &read_carrier);
    std::set<std::string> names, system_ids;
    for (const auto& c : set.clients) {
        if (!names.insert(c.name).second) throw config_error(c.file.string() + ": client name '" + c.name + "' is used twice");
        if (!system_ids.insert(c.account.system_id).second)
            throw config_error(c.file.string() + ": system_id '" + c.account.system_id + "' is used by another client");
    }
    // A token names its account: one token, one account.
    std::map<std::string, std::string, std::less<>> token_owner;
    for (const auto& c : set.clients)
        for (const auto& t : c.http.tokens)
            if (auto [it, fresh] = token_owner.emplace(t.token, c.name); !fresh)
                throw config_error(t.origin + ": the token is also used by client '" + it->second + "'");
    names.clear();
    for (const auto& c : set.carriers)
        if (!names.insert(c.name).second) throw config_error(c.file.string() + ": carrier name '" + c.name + "' is used twice");
    if (fs::exists(dir / "routes.yaml")) read_routes(dir / "routes.yaml", set);
    check_cluster(set, dir);
    check_smtp(set, dir / "node.yaml");
    return set;
}

} // namespace twinsms::config
