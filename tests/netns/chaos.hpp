#pragma once
// Randomized faults on the pair across network namespaces (netns_pair.hpp,
// with the witness and sync replication), under steady load from two
// clients (alpha served by site1, bravo by site2). A seed picks each
// round's fault; the fault lasts a few seconds, is healed, and the round
// ends when the pair has converged (both nodes normal, the carrier on
// site1, the peer link bound, each store's changes acknowledged by the
// peer). Checked after every round: never two carrier owners at once (the
// simulator's bind log), every takeover a node made alerted by it. Checked
// at the end: every message a client was told OK reaches the carrier (lost
// must be 0), duplicates counted. tools/chaos --rounds N --seed S runs it
// long; ctest runs a short one (netns_chaos_test).
#include <initializer_list>
#include <random>

#include "netns/netns_pair.hpp"
#include "pair/replication_status.hpp"

namespace twinsms::test {

#ifndef FAIL_SYNC_SHIM
#error "FAIL_SYNC_SHIM must name the fdatasync shim (tests/pair/fail_sync_shim.cpp)"
#endif

enum class fault {
    kill9_primary, kill9_secondary, peer_link_cut, full_partition, one_way_to_secondary, one_way_to_primary,
    primary_isolated, carrier_flap, witness_down, disk_full_secondary, slow_disk_primary, lossy_peer_link, lossy_sites,
    slow_peer_link
};
inline constexpr fault all_faults[] = {fault::kill9_primary,        fault::kill9_secondary,      fault::peer_link_cut,
                                       fault::full_partition,       fault::one_way_to_secondary, fault::one_way_to_primary,
                                       fault::primary_isolated,     fault::carrier_flap,         fault::witness_down,
                                       fault::disk_full_secondary,  fault::slow_disk_primary,    fault::lossy_peer_link,
                                       fault::lossy_sites,          fault::slow_peer_link};
inline const char* name_of(fault f) {
    static const char* const names[] = {"kill9_primary",        "kill9_secondary",    "peer_link_cut",    "full_partition",
                                        "one_way_to_secondary", "one_way_to_primary", "primary_isolated", "carrier_flap",
                                        "witness_down",         "disk_full_secondary", "slow_disk_primary",  "lossy_peer_link",
                                        "lossy_sites",          "slow_peer_link"};
    return names[static_cast<int>(f)];
}

inline netns_options chaos_options() {
    netns_options o;
    o.pair.replication = true;
    o.pair.hold = "1s";
    return o;
}

struct chaos_pair : netns_pair {
    fs::path store2; // site2's store, on a small tmpfs of its own (the disk that fills up)
    fs::path slow1;  // while it exists, site1's fsyncs wait the milliseconds in it (fail_sync_shim)
    std::unique_ptr<load_client> alpha, bravo;
    std::map<std::string, int> faults_done;
    std::size_t takeovers = 0, crashes = 0, transitions = 0;

    chaos_pair() : netns_pair{chaos_options()} {
        store2 = s2.dir / "store";
        fs::create_directories(store2);
        netns_lab::run("mount -t tmpfs -o size=48m twinsms-chaos " + store2.string());
        slow1 = scratch.path / "slow_sync_site1";
    }
    ~chaos_pair() {
        if (alpha) alpha->stop();
        if (bravo) bravo->stop();
        for (auto* s : {&s1, &s2})
            if (s->proc) s->proc->kill(); // before the unmount: site2 holds its store open
        (void)std::system(("umount -l " + store2.string() + " >/dev/null 2>&1").c_str());
    }

    // site1 runs under the sync shim (a slow disk on demand), site2 without.
    void start_site(site& s) {
        if (&s == &s1) {
            ::setenv("LD_PRELOAD", FAIL_SYNC_SHIM, 1);
            ::setenv("TWINSMS_TEST_SLOW_SYNC", slow1.c_str(), 1);
        }
        start(s);
        ::unsetenv("LD_PRELOAD");
        ::unsetenv("TWINSMS_TEST_SLOW_SYNC");
    }
    void start_chaos_pair() {
        start_site(s1);
        start_site(s2);
        await_mode(s1, "normal", 15s);
        await_mode(s2, "normal", 15s);
    }

    void start_load() {
        alpha = std::make_unique<load_client>(io, std::vector<std::uint16_t>{s1.smpp_port, s2.smpp_port}, "alpha", "alpha1", "alpha");
        alpha->hosts = {s1.host, s2.host};
        bravo = std::make_unique<load_client>(io, std::vector<std::uint16_t>{s2.smpp_port, s1.smpp_port}, "bravo", "bravo1", "bravo");
        bravo->hosts = {s2.host, s1.host};
        for (auto* c : {alpha.get(), bravo.get()}) {
            c->gap = 20ms;
            c->start();
        }
    }

    // ---- one round ----
    void inject(fault f, std::mt19937& rng) {
        const auto hold = std::chrono::milliseconds{2000 + rng() % 3000};
        switch (f) {
        case fault::kill9_primary:
            kill9(s1);
            ++crashes;
            require([&] { return bound_now("site2"); }, "site2 took the carrier after site1's kill -9", 20s);
            start_site(s1);
            break;
        case fault::kill9_secondary:
            kill9(s2);
            ++crashes;
            wait([] { return false; }, hold);
            start_site(s2);
            break;
        case fault::peer_link_cut: hold_cut([&] { lab.cut(net::peer_link); }, [&] { lab.heal(net::peer_link); }, hold); break;
        case fault::full_partition: hold_cut([&] { partition_sites(); }, [&] { heal_sites(); }, hold); break;
        case fault::one_way_to_secondary:
            hold_cut([&] { lab.cut_from(net::peer_link, "s1"), lab.cut_from(net::second_path, "s1"); }, [&] { heal_sites(); }, hold);
            break;
        case fault::one_way_to_primary:
            hold_cut([&] { lab.cut_from(net::peer_link, "s2"), lab.cut_from(net::second_path, "s2"); }, [&] { heal_sites(); }, hold);
            break;
        case fault::primary_isolated:
            hold_cut([&] { cut_witness(s1), partition_sites(); }, [&] { heal_witness(s1), heal_sites(); }, hold + 3s);
            break;
        case fault::lossy_peer_link: // 10-40 % of the peer link's packets lost, the second path clean
            hold_lossy({net::peer_link}, 10 + static_cast<int>(rng() % 31), hold);
            break;
        case fault::lossy_sites: // both paths between the sites lossy: keepalives miss, TCP retransmits
            hold_lossy({net::peer_link, net::second_path}, 10 + static_cast<int>(rng() % 31), hold);
            break;
        case fault::slow_peer_link: // 32-128 kbit/s each way: the peer link and the replication stream queue up
            hold_slow(net::peer_link, 32 + static_cast<int>(rng() % 97), hold);
            break;
        case fault::carrier_flap: sim_command(*sim, "close"); break;
        case fault::witness_down:
            etcd->kill(0);
            wait([] { return false; }, hold);
            etcd->restart(0);
            break;
        case fault::slow_disk_primary:
            write_file(slow1, std::to_string(100 + rng() % 200)); // ms per fsync: group commits of ~0.1-0.3 s
            wait([] { return false; }, hold);
            fs::remove(slow1);
            break;
        case fault::disk_full_secondary: {
            const auto fill = store2 / "fill";
            (void)std::system(("dd if=/dev/zero of=" + fill.string() + " bs=1M count=64 >/dev/null 2>&1").c_str());
            wait([] { return false; }, hold);
            fs::remove(fill);
            break;
        }
        }
        ++faults_done[name_of(f)];
    }

    // Both nodes normal, the carrier on site1 alone, site2's peer link up,
    // and each node's store acknowledged by the other.
    void await_converged(const std::string& after) {
        // Under load the peer is always a change or two behind: caught up
        // means it acknowledged everything committed at an earlier poll.
        std::uint64_t want1 = 0, want2 = 0;
        const auto acked_up_to = [](const json::object& st, std::uint64_t& want) {
            const auto* r = replication_of(st);
            if (!r || num_of(*r, "last_committed") == 0) return false;
            const bool ok = want > 0 && num_of(*r, "acked") >= want;
            want = num_of(*r, "last_committed");
            return ok;
        };
        const auto ok = await_status(s1, [&](const json::object& st1) {
            const auto st2 = try_status(s2);
            if (!st2) return false;
            const bool a = acked_up_to(st1, want1), b = acked_up_to(*st2, want2);
            return mode_of(s1) == "normal" && mode_of(s2) == "normal" && bound_now("site1") && !bound_now("site2") &&
                   link_bound(*st2, "site1") && a && b;
        }, 90s);
        if (ok) return;
        const auto st1 = try_status(s1), st2 = try_status(s2);
        const auto repl = [](const std::optional<json::object>& st) {
            const auto* r = st ? replication_of(*st) : nullptr;
            return r ? json::serialize(*r) : std::string{"none"};
        };
        BOOST_REQUIRE_MESSAGE(false, "the pair did not converge after "
                                         << after << " (modes " << mode_of(s1) << "/" << mode_of(s2) << ", site1 bound "
                                         << bound_now("site1") << ", site2 bound " << bound_now("site2")
                                         << ", peer link " << (st2 && link_bound(*st2, "site1")) << ")\n site1 replication "
                                         << repl(st1) << "\n site2 replication " << repl(st2));
    }

    // Every cluster event since `from` that pages the admins (a takeover,
    // failback, peer lost, link trouble, refused takeover, witness lost, split
    // brain) raised as an alert of its kind by the node that saw it.
    void check_alerted(site& s, std::size_t from, const std::string& round) {
        for (const char* kind : {"takeover", "failback", "peer_lost", "link_trouble", "takeover_refused", "witness_lost",
                                 "brain_split"}) {
            const auto seen = s.events("cluster", kind, {}, from).size();
            const auto raised = s.events("alert", "raised", {{"kind", kind}}, from).size();
            if (std::string_view{kind} == "takeover") takeovers += seen;
            transitions += seen;
            BOOST_TEST(raised >= seen, round << ": " << s.name << " logged " << kind << " " << seen << " time(s), alerted " << raised);
        }
    }

    // Stops the load and counts, per client, what was acknowledged, what of
    // that never reached the carrier (after waiting for the last ones on
    // their way) and the extra copies there.
    struct tally {
        std::size_t acked = 0, lost = 0, duplicates = 0, worst = 0;
        std::string first_lost;
    };
    std::map<std::string, tally> stop_and_count() {
        alpha->stop();
        bravo->stop();
        require([&] { return alpha->done && bravo->done; }, "clients stopped", 30s);
        std::map<std::string, tally> out;
        wait([&] {
            out.clear();
            const auto at_carrier = texts(*sim);
            bool none_lost = true;
            for (const auto* c : {alpha.get(), bravo.get()}) {
                auto& t = out[c->system_id];
                for (const auto& [text, id] : c->accepted) {
                    ++t.acked;
                    const auto n = at_carrier.count(text);
                    if (n == 0 && t.lost++ == 0) t.first_lost = text;
                    t.duplicates += n > 1 ? n - 1 : 0;
                    t.worst = std::max(t.worst, n);
                }
                none_lost = none_lost && t.lost == 0;
            }
            return none_lost;
        }, 60s); // what was accepted last may still be on its way
        for (const auto& [who, t] : out)
            std::cout << "chaos: " << who << " acked " << t.acked << ", lost " << t.lost << ", duplicates " << t.duplicates
                      << " (at most " << t.worst << " copies of one)" << (t.lost ? ", first lost " + t.first_lost : "")
                      << std::endl;
        return out;
    }

    // One fault on the links under load, from the converged pair: it heals,
    // the pair converges with every transition alerted and one carrier
    // owner, load flows again, nothing acknowledged is lost and duplicates
    // stay within one carrier window.
    void network_fault_loses_nothing(fault f, unsigned seed, const std::string& healed) {
        start_chaos_pair();
        await_converged("the start");
        start_load();
        require([&] { return alpha->ok >= 20 && bravo->ok >= 20; }, "both clients' load flowing", 20s);
        std::mt19937 rng{seed};
        const auto m1 = s1.mark(), m2 = s2.mark();
        inject(f, rng);
        await_converged(healed);
        check_alerted(s1, m1, name_of(f));
        check_alerted(s2, m2, name_of(f));
        BOOST_TEST(overlaps().empty());
        const auto before = alpha->ok + bravo->ok;
        require([&] { return alpha->ok + bravo->ok >= before + 20; }, "load flowing again", 30s);
        const auto counts = stop_and_count();
        BOOST_TEST(counts.at("alpha").lost == 0u);
        BOOST_TEST(counts.at("bravo").lost == 0u);
        BOOST_TEST(counts.at("alpha").duplicates + counts.at("bravo").duplicates <= 100u);
    }

    std::uint64_t packets_dropped = 0; // by the loss faults' rules
    std::uint64_t packets_delayed = 0; // held back by the slow link's token buckets

private:
    void hold_lossy(std::initializer_list<int> links, int percent, ms hold) {
        for (int l : links) lab.lossy(l, percent);
        wait([] { return false; }, hold);
        for (int l : links) {
            const auto n = lab.lost_packets(l);
            BOOST_TEST(n > 0, "the loss rule on link " << l << " dropped no packet in " << hold.count() << " ms");
            packets_dropped += n;
            lab.heal_loss(l);
        }
        std::cout << "chaos: " << percent << " % loss on " << links.size() << " link(s) for " << hold.count() << " ms" << std::endl;
    }
    void hold_slow(int link, int kbit, ms hold) {
        lab.throttle(link, kbit);
        wait([] { return false; }, hold);
        const auto n = lab.delayed_packets(link);
        BOOST_TEST(n > 0, "the slow link " << link << " held back no packet in " << hold.count() << " ms");
        packets_delayed += n;
        lab.heal(link);
        std::cout << "chaos: link " << link << " at " << kbit << " kbit/s for " << hold.count() << " ms, " << n
                  << " packets held back" << std::endl;
    }
    void hold_cut(const std::function<void()>& cut, const std::function<void()>& heal, ms hold) {
        cut();
        wait([] { return false; }, hold);
        heal();
    }
};

} // namespace twinsms::test
