#pragma once
// The pair across real network separation: each node in its own network
// namespace (a host of netns_lab.hpp), the witness (a real etcd) in a third,
// and the test process with the carrier simulator, the clients and
// twinsmsctl in the lab namespace, the "carrier and operations" network.
//
//            lab (10.77.1.1, 10.77.2.1, 10.77.30.1): simulator, clients, admin
//           /  \______________________
//   s1 (10.77.1.2)                    s2 (10.77.2.2)
//      |  peer link 10.77.12.1 ------ 10.77.12.2  |
//      |  second path 10.77.21.1 ---- 10.77.21.2  |
//      \ 10.77.31.2 -- w (etcd) -- 10.77.32.2    /
//                   10.77.31.1, 10.77.32.1; 10.77.30.2 toward the lab
//
// A partition is a cut of links (silent drops, see netns_lab.hpp): the peer
// link and the second path between the sites, a site's link to the witness.
// Nothing reaches loopback across hosts, so the two heartbeat paths really
// are two paths. Each node binds the carrier with its own system_type, so
// the simulator's bind log names the owner of every bind.
#include "netns/netns_lab.hpp"
#include "pair/bind_log.hpp"
#include "pair/pair_fixture.hpp"
#include "pair/witness_scenarios.hpp"
#include "tls/test_pki.hpp"
#include "witness/etcd_process.hpp"

namespace twinsms::test {

namespace net {
inline constexpr int lab_s1 = 1, lab_s2 = 2, peer_link = 12, second_path = 21, lab_w = 30, w_s1 = 31, w_s2 = 32;
}

struct netns_options {
    pair_options pair;
    bool witness = true;
    bool witness_tls = false; // etcd over HTTPS with client certificates
    std::string lease_ttl = "3s";
};

// The hosts and links, made before the pair writes its profiles.
struct netns_hosts {
    netns_lab lab;
    netns_hosts() {
        for (const char* h : {"s1", "s2", "w"}) lab.add_host(h);
        lab.connect("", "s1", net::lab_s1);
        lab.connect("", "s2", net::lab_s2);
        lab.connect("s1", "s2", net::peer_link);
        lab.connect("s1", "s2", net::second_path);
        lab.connect("", "w", net::lab_w);
        lab.connect("w", "s1", net::w_s1);
        lab.connect("w", "s2", net::w_s2);
    }
};

struct netns_pair : netns_hosts, pair_fixture {
    netns_options nopt;
    std::unique_ptr<test_ca> ca;
    std::unique_ptr<etcd_cluster> etcd;

    explicit netns_pair(netns_options o = {}) : pair_fixture{across_hosts(o.pair)}, nopt{std::move(o)} {
        s1.host = "10.77.1.2";
        s2.host = "10.77.2.2";
        s1.wrap = lab.wrap("s1");
        s2.wrap = lab.wrap("s2");
        if (nopt.witness) start_witness();
        place_profiles();
    }

    // ---- faults ----
    // Both paths between the sites cut (each site still reaches the carrier and the witness).
    void partition_sites() {
        lab.cut(net::peer_link);
        lab.cut(net::second_path);
    }
    void heal_sites() {
        lab.heal(net::peer_link);
        lab.heal(net::second_path);
    }
    void cut_witness(const site& s) { lab.cut(&s == &s1 ? net::w_s1 : net::w_s2); }
    void heal_witness(const site& s) { lab.heal(&s == &s1 ? net::w_s1 : net::w_s2); }

    // ---- the carrier's owners (bind_log.hpp) ----
    carrier_owners owners() const { return {*sim}; }
    bool bound_now(const std::string& owner) const { return owners().bound_now(owner); }
    std::vector<sim::bind_record> binds_of(const std::string& owner) const { return owners().binds_of(owner); }
    std::vector<std::string> overlaps() const { return owners().overlaps(); }
    static ms since(steady::time_point from, steady::time_point to) { return std::chrono::duration_cast<ms>(to - from); }
    std::int64_t witness_requests(site& s) {
        return status(s).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    }

private:
    static pair_options across_hosts(pair_options p) {
        p.sim_listen = "0.0.0.0";
        return p;
    }

    void start_witness() {
        etcd_net where{lab.wrap("w"), {"10.77.30.2", "10.77.31.1", "10.77.32.1"}};
        std::optional<etcd_tls> tls;
        if (nopt.witness_tls) {
            ca = std::make_unique<test_ca>(scratch.path / "pki", "twinsms-test-ca");
            const auto server = ca->issue("etcd", "IP:10.77.30.2,IP:10.77.31.1,IP:10.77.32.1");
            tls = etcd_tls{server.cert, server.key, ca->cert_file(), true};
        }
        etcd = std::make_unique<etcd_cluster>(scratch.path / "etcd", 1, tls, std::move(where));
        etcd->start();
    }

    // profiles/pair as pair_fixture wrote it (loopback), moved onto the hosts' addresses.
    void place_profiles() {
        const auto port = [](std::uint16_t p) { return std::to_string(p); };
        for (auto* s : {&s1, &s2}) {
            const auto node = s->dir / "node.yaml";
            // Listeners on every address of the host: the lab's clients and the peer come from different links.
            edit_file(node, "127.0.0.1:" + port(s->smpp_port), "0.0.0.0:" + port(s->smpp_port));
            edit_file(node, "127.0.0.1:" + port(s->admin_port), "0.0.0.0:" + port(s->admin_port));
            edit_file(node, "second_path: 127.0.0.2:" + port(second_path_port),
                      "second_path: " + lab.find(net::second_path).addr_a() + ":" + port(second_path_port));
            edit_file(s->dir / "carriers" / "sim.yaml", "host: 127.0.0.1",
                      "host: " + lab.find(s == &s1 ? net::lab_s1 : net::lab_s2).addr_a());
            edit_file(s->dir / "carriers" / "sim.yaml", "  system_id: carrier",
                      "  system_id: carrier\n  system_type: " + s->name);
            if (opt.replication) {
                const auto& pl = lab.find(net::peer_link);
                const auto mine = s == &s1 ? pl.addr_a() : pl.addr_b(), theirs = s == &s1 ? pl.addr_b() : pl.addr_a();
                const auto other = s == &s1 ? &s2 : &s1;
                edit_file(node, "listen: 127.0.0.1:" + port(s->replication_port), "listen: " + mine + ":" + port(s->replication_port));
                edit_file(node, "peer: 127.0.0.1:" + port(other->replication_port), "peer: " + theirs + ":" + port(other->replication_port));
            }
            if (etcd) {
                const auto& wl = lab.find(s == &s1 ? net::w_s1 : net::w_s2);
                std::string w = "    witness:\n      endpoints: [" + std::string{nopt.witness_tls ? "https" : "http"} + "://" +
                                wl.addr_a() + ":" + port(etcd->members()[0].client_port) + "]\n      lease_ttl: " + nopt.lease_ttl + "\n";
                if (nopt.witness_tls) {
                    const auto client = ca->issue(s->name, "");
                    w += "      tls: {ca_file: " + ca->cert_file() + ", certificate: " + client.cert + ", private_key: " + client.key + "}\n";
                }
                edit_file(node, "    failback:", w + "    failback:");
            }
        }
        edit_file(s2.dir / "carriers" / "site1.yaml", "host: 127.0.0.1", "host: " + lab.find(net::peer_link).addr_a());
    }
};

} // namespace twinsms::test
