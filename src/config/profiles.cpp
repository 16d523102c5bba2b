#include <algorithm>
#include <charconv>
#include <map>
#include <regex>
#include <set>

#include "config/profile_files.hpp"
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

// The top-level key of a profile file, which must be the only one.
reader single_root(const fs::path& file, std::string_view key) {
    reader top{load_file(file.string()), file.string(), ""};
    if (!top.node().IsMap()) top.fail("expected a mapping with '" + std::string{key} + ":' at the top");
    auto r = top.at(key);
    top.finish();
    return r;
}

namespace {

// `subs` names files read in place of others (settings replication validates
// a peer's version of one profile before it replaces ours).
fs::path substituted(const fs::path& f, const profile_substitutes& subs) {
    const auto it = subs.find(f);
    return it == subs.end() ? f : it->second;
}

// A substitute is read under its own name; the profile keeps the name
// and file of what it stands in for (names default to the file's stem).
void renamed(client_profile& p, const fs::path& real, const fs::path& read) {
    if (p.name == read.stem().string()) p.name = real.stem().string();
    p.file = real;
}
void renamed(carrier_profile& p, const fs::path& real, const fs::path& read) {
    if (p.name == read.stem().string()) p.name = p.link.name = real.stem().string();
    p.file = real;
}

template <class T>
std::vector<T> read_folder(const fs::path& dir, T (*read)(const fs::path&), const profile_substitutes& subs) {
    std::vector<fs::path> files;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator{dir})
            if (e.is_regular_file() && (e.path().extension() == ".yaml" || e.path().extension() == ".yml"))
                files.push_back(e.path());
    std::sort(files.begin(), files.end()); // deterministic order, whatever the filesystem
    std::vector<T> out;
    for (const auto& f : files) {
        const auto from = substituted(f, subs);
        if (from.empty()) continue;
        out.push_back(read(from));
        if (from != f) renamed(out.back(), f, from);
    }
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
    // Profile edits ride on peer_status and change accounts and passwords on
    // the other node: only under the pair's secret, never on the bind alone.
    if (set.node.replication.profiles.any() && cl.secret.empty())
        throw config_error(node_file + ": node.replication.profiles: settings replication needs node.cluster.secret "
                           "(the edits are signed under it); or set profiles: []");
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

profile_set load_profiles(const fs::path& dir, const profile_substitutes& subs) {
    if (!fs::is_directory(dir)) throw config_error(dir.string() + ": not a profile folder");
    profile_set set;
    set.node = read_node(dir / "node.yaml");
    set.clients = read_folder<client_profile>(dir / "clients", &read_client, subs);
    set.carriers = read_folder<carrier_profile>(dir / "carriers", &read_carrier, subs);
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
    if (fs::exists(dir / "routes.yaml"))
        if (const auto routes = substituted(dir / "routes.yaml", subs); !routes.empty()) read_routes(routes, set);
    check_cluster(set, dir);
    check_smtp(set, dir / "node.yaml");
    return set;
}

} // namespace twinsms::config
