// node.cluster.witness (cluster.hpp) and what the profiles say about
// partition safety (profiles.hpp: partition_warnings).
#include <boost/asio/ip/address.hpp>

#include "config/cluster.hpp"
#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "config/tls.hpp"

namespace twinsms::config {

witness_settings read_witness(const reader& r, const std::filesystem::path& base) {
    witness_settings w;
    const auto eps = r.at("endpoints");
    bool https = false, http = false;
    for (const auto& e : eps.items()) {
        auto url = e.non_empty_str();
        while (url.size() > 1 && url.back() == '/') url.pop_back();
        const bool s = url.rfind("https://", 0) == 0;
        if (!s && url.rfind("http://", 0) != 0) e.fail("expected http://HOST:PORT or https://HOST:PORT (etcd's client URL)");
        const auto rest = url.substr(s ? 8 : 7);
        if (rest.empty() || rest.find('/') != std::string::npos || rest.find(':') == std::string::npos)
            e.fail("expected http://HOST:PORT or https://HOST:PORT, without a path");
        (s ? https : http) = true;
        w.endpoints.push_back(std::move(url));
    }
    if (w.endpoints.empty()) eps.fail("at least one etcd endpoint");
    if (https && http) eps.fail("all endpoints use http or all use https");
    w.key = r.str_or("key", "");
    if (!w.key.empty() && w.key.front() != '/') r.at("key").fail("an etcd key starting with '/'");
    const auto ttl = r.duration_or("lease_ttl", w.lease_ttl);
    if (ttl.count() % 1000 != 0 || ttl < std::chrono::seconds{2} || ttl > std::chrono::seconds{60})
        r.at("lease_ttl").fail("whole seconds from 2s to 60s (etcd leases count seconds)");
    w.lease_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
    w.timeout = r.duration_or("timeout", std::chrono::duration_cast<std::chrono::milliseconds>(w.lease_ttl) / 4);
    if (w.timeout.count() <= 0 || w.timeout > w.lease_ttl / 3)
        r.at("timeout").fail("must be positive and at most a third of lease_ttl (a hung renewal must leave time for another)");
    if (auto t = r.find("tls")) {
        if (!https) t->fail("tls needs https:// endpoints");
        w.tls = read_client_tls(*t, base);
    }
    w.tls.enabled = https;
    w.username = r.str_or("username", "");
    if (auto p = r.find("password")) w.password = p->secret();
    if (!w.username.empty() && w.password.empty()) r.at("password").fail("a password is required with username");
    if (w.username.empty() && !w.password.empty()) r.at("username").fail("a username is required with password");
    r.finish();
    return w;
}

void complete_witness(profile_set& set) {
    auto& w = set.node.cluster.witness;
    if (!w || !w->key.empty()) return;
    // Both nodes must name the same key: the primary's id is the one both know.
    const auto& primary = set.node.role == node_role::primary ? set.node.id : set.node.cluster.peer_id;
    w->key = "/twinsms/" + primary + "/carrier_owner";
}

namespace {
bool loopback(const std::string& host) {
    boost::system::error_code ec;
    const auto a = boost::asio::ip::make_address(host, ec);
    return (!ec && a.is_loopback()) || host == "localhost";
}
} // namespace

std::vector<std::string> partition_warnings(const profile_set& set) {
    std::vector<std::string> out;
    const auto& c = set.node.cluster;
    if (!c.enabled) return out;
    if (!c.witness)
        out.push_back("not partition-safe: no cluster.witness; a full partition between the sites (peer link and "
                      "second path cut) makes both nodes bind the carriers");
    if (c.secret.empty())
        out.push_back("peer_status is not authenticated: without cluster.secret the peer account's password is "
                      "enough to fence this node");
    if (!c.second_path) {
        if (!c.witness) out.push_back("no second heartbeat path: a peer link failure alone looks like a dead peer");
        return out;
    }
    const auto second = c.second_path->address().to_string();
    if (const auto* pc = set.peer_carrier()) { // secondary: the link goes to pc->link.host
        if (pc->link.host == second)
            out.push_back("the second heartbeat path uses the peer link's address " + second +
                          ": one network fault cuts both");
        else if (loopback(pc->link.host) && loopback(second))
            out.push_back("the peer link and the second heartbeat path both end on this host's loopback, in one "
                          "process: they prove nothing about the network between the sites");
    } else {
        for (const auto& l : set.node.listen)
            if (l.address() == c.second_path->address())
                out.push_back("the second heartbeat path listens on the peer link's address " + second +
                              ": one network fault cuts both");
        if (c.second_path->address().is_loopback())
            out.push_back("the second heartbeat path listens on loopback (" + second +
                          "), in the process that serves the peer link: it proves nothing about the network between the sites");
    }
    return out;
}

} // namespace twinsms::config
