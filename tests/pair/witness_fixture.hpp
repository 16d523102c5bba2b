#pragma once
// The pair with a witness: a real etcd (tests/witness/etcd_process.hpp) in
// the scratch folder, and every path between the sites through a relay of
// ours so a test can partition them: site2's peer link, its second
// heartbeat path, and each node's way to etcd. Each node binds the carrier
// with its own system_type, so the simulator's bind log names the owner of
// every bind.
#include "pair/bind_log.hpp"
#include "pair/pair_fixture.hpp"
#include "pair/witness_scenarios.hpp"
#include "witness/etcd_process.hpp"

namespace twinsms::test {

// site2's peer link through a relay (the partitions cut it).
inline pair_options proxied_link(std::string interval = "250ms") {
    pair_options o;
    o.interval = std::move(interval);
    o.link_proxy = true;
    return o;
}

struct witness_options {
    pair_options pair = proxied_link();
    std::string lease_ttl = "3s";
    bool secret = true; // profiles/pair has one; false removes it
};

struct witness_pair : pair_fixture {
    etcd_cluster etcd;
    std::unique_ptr<tcp_proxy> second_proxy, etcd1, etcd2; // site2's second path; each site's way to etcd

    explicit witness_pair(witness_options o = {})
        : pair_fixture{o.pair}, etcd{scratch.path / "etcd", 1} {
        etcd.start();
        second_proxy = std::make_unique<tcp_proxy>(io, second_path_port, "127.0.0.2");
        etcd1 = std::make_unique<tcp_proxy>(io, etcd.members()[0].client_port);
        etcd2 = std::make_unique<tcp_proxy>(io, etcd.members()[0].client_port);
        for (auto* s : {&s1, &s2}) {
            const auto& p = s == &s1 ? etcd1 : etcd2;
            edit_file(s->dir / "node.yaml", "    failback:",
                      "    witness: {endpoints: [http://127.0.0.1:" + std::to_string(p->port()) + "], lease_ttl: " +
                          o.lease_ttl + "}\n    failback:");
            edit_file(s->dir / "carriers" / "sim.yaml", "  system_id: carrier", "  system_id: carrier\n  system_type: " + s->name);
            if (!o.secret) edit_file(s->dir / "node.yaml", "    secret: demo-pair-secret-0123456789\n", "");
        }
        edit_file(s2.dir / "node.yaml", "second_path: 127.0.0.2:" + std::to_string(second_path_port),
                  "second_path: 127.0.0.1:" + std::to_string(second_proxy->port()));
    }

    // Both paths between the sites down (the witness still reachable), and back.
    void partition_sites() {
        proxy->cut();
        second_proxy->cut();
    }
    void heal_sites() {
        proxy->restore();
        second_proxy->restore();
    }

    // One site's way to etcd black-holed (its requests time out), and back.
    void cut_witness(const site& s) { (&s == &s1 ? etcd1 : etcd2)->freeze(); }
    void heal_witness(const site& s) { (&s == &s1 ? etcd1 : etcd2)->thaw(); }
    std::int64_t witness_requests(site& s) {
        return status(s).at("partition").as_object().at("witness").as_object().at("requests").to_number<std::int64_t>();
    }

    // The carrier's owners over time, from the simulator's bind log (bind_log.hpp).
    carrier_owners owners() const { return {*sim}; }
    std::vector<sim::bind_record> binds_of(const std::string& owner) const { return owners().binds_of(owner); }
    bool bound_now(const std::string& owner) const { return owners().bound_now(owner); }
    std::vector<std::string> overlaps() const { return owners().overlaps(); }
    // Every message `c` was told was accepted has reached the carrier.
    template <class Client> bool all_at_carrier(const Client& c) const {
        const auto got = texts(*sim);
        for (const auto& [text, id] : c.accepted)
            if (!got.contains(text)) return false;
        return true;
    }
    static ms since(steady::time_point from, steady::time_point to) { return std::chrono::duration_cast<ms>(to - from); }
};

} // namespace twinsms::test
