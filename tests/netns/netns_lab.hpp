#pragma once
// Hosts made of network namespaces, for tests of what crosses a network
// (iproute2, run as root). The test process itself moves into a network
// namespace of its own first (unshare), the "lab": the root namespace is
// never touched, every address below lives in namespaces this process
// made, and whatever is left behind by a crash goes when the process does
// (but for the named hosts, which the next lab of any run removes once
// their owner is gone).
//
// A host is a named namespace ("twns<pid>x<n>-<name>") with its loopback
// up; processes run in it through `wrap(host)` (ip netns exec, which execs:
// the pid a test holds is the program's own, so SIGKILL reaches it). A link
// is a veth pair between two hosts (or a host and the lab itself, ""), with
// 10.77.<subnet>.1 on the first and .2 on the second.
//
// This kernel has no netem (no modules: `tc qdisc add ... netem` says
// "unknown qdisc"), so a cut is a token bucket too small for any packet on
// a link's egress (tbf burst 10 bytes): every packet is dropped silently
// by the sender's own queue, as on a real partition, while both ends still
// think the link is up. A one-way cut is that on one end only.
//
// Random packet loss is an nftables rule on a link end's output (`numgen
// random mod 100 < P drop`, with a counter so a test can show packets were
// dropped). A fixed delay cannot be injected here: besides netem, this
// kernel has no fq, clsact or tc classifiers (EDT pacing), and nftables
// cannot hold a packet back. A slow link can: a token bucket at a low rate
// (tbf, `throttle`) keeps what exceeds the rate in its queue, so packets
// wait there for as long as the traffic ahead of them needs to drain:
// delay that grows with the load, as on a congested or narrow WAN link.
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace twinsms::test {

class netns_lab {
public:
    struct link {
        std::string a, b;             // hosts ("" is the lab)
        std::string dev_a, dev_b;     // the veth ends' names
        int subnet = 0;
        std::string addr_a() const { return "10.77." + std::to_string(subnet) + ".1"; }
        std::string addr_b() const { return "10.77." + std::to_string(subnet) + ".2"; }
    };

    netns_lab() : tag_{"twns" + std::to_string(::getpid()) + "x" + std::to_string(instance()++)} {
        enter_lab();
        remove_orphans();
    }
    ~netns_lab() {
        // Links first (deleting one end removes the pair at once, where a
        // namespace going away frees its veths later), then the hosts.
        for (const auto& l : links_) run_quiet(in(l.a) + "ip link del " + l.dev_a);
        for (const auto& h : hosts_) run_quiet("ip netns del " + ns(h));
    }
    netns_lab(const netns_lab&) = delete;
    netns_lab& operator=(const netns_lab&) = delete;

    // A new host named `name` (its namespace made, loopback up).
    void add_host(const std::string& name) {
        run("ip netns add " + ns(name));
        hosts_.push_back(name);
        run(in(name) + "ip link set lo up");
    }
    // A veth link between `a` and `b` ("" = the lab), a on .1, b on .2 of 10.77.<subnet>.0/24.
    const link& connect(const std::string& a, const std::string& b, int subnet) {
        link l{a, b, "v" + std::to_string(instance_no()) + "n" + std::to_string(subnet) + "a",
               "v" + std::to_string(instance_no()) + "n" + std::to_string(subnet) + "b", subnet};
        run("ip link add " + l.dev_a + " type veth peer name " + l.dev_b);
        links_.push_back(l);
        for (const auto& [host, dev, addr] : {std::tuple{a, l.dev_a, l.addr_a()}, std::tuple{b, l.dev_b, l.addr_b()}}) {
            if (!host.empty()) run("ip link set " + dev + " netns " + ns(host));
            run(in(host) + "ip addr add " + addr + "/24 dev " + dev);
            run(in(host) + "ip link set " + dev + " up");
        }
        return links_.back();
    }
    const link& find(int subnet) const {
        for (const auto& l : links_)
            if (l.subnet == subnet) return l;
        throw std::runtime_error("no link on subnet " + std::to_string(subnet));
    }

    // Every packet from `from`'s end of the link dropped (one way); both ways with cut().
    void cut_from(int subnet, const std::string& from) {
        const auto& l = find(subnet);
        const auto& dev = from == l.a ? l.dev_a : l.dev_b;
        run(in(from) + "tc qdisc replace dev " + dev + " root tbf rate 8bit burst 10 limit 10");
    }
    void cut(int subnet) {
        const auto& l = find(subnet);
        cut_from(subnet, l.a);
        cut_from(subnet, l.b);
    }
    void heal(int subnet) {
        const auto& l = find(subnet);
        run_quiet(in(l.a) + "tc qdisc del dev " + l.dev_a + " root");
        run_quiet(in(l.b) + "tc qdisc del dev " + l.dev_b + " root");
    }

    // Both ends of the link send at most `kbit` kbit/s; packets beyond the
    // rate wait in the queue (up to 3 s of it), until heal().
    void throttle(int subnet, int kbit) {
        const auto& l = find(subnet);
        for (const auto& [host, dev] : {std::pair{l.a, l.dev_a}, std::pair{l.b, l.dev_b}})
            run(in(host) + "tc qdisc replace dev " + dev + " root tbf rate " + std::to_string(kbit) +
                "kbit burst 1600 latency 3s");
    }
    // Packets the link's token buckets held back (tc's overlimits), both ends.
    std::uint64_t delayed_packets(int subnet) const {
        const auto& l = find(subnet);
        std::uint64_t n = 0;
        for (const auto& [host, dev] : {std::pair{l.a, l.dev_a}, std::pair{l.b, l.dev_b}}) {
            const auto out = capture(in(host) + "tc -s qdisc show dev " + dev + " 2>/dev/null");
            if (const auto at = out.find("overlimits "); at != std::string::npos) n += std::stoull(out.substr(at + 11));
        }
        return n;
    }

    // About `percent` % of the packets leaving each end of the link dropped
    // at random (both ways), until heal_loss().
    void lossy(int subnet, int percent) {
        const auto& l = find(subnet);
        for (const auto& [host, dev] : {std::pair{l.a, l.dev_a}, std::pair{l.b, l.dev_b}}) {
            const auto t = "inet loss_" + dev;
            run(in(host) + "nft add table " + t);
            run(in(host) + "nft add chain " + t + " out '{ type filter hook output priority 0; }'");
            run(in(host) + "nft add rule " + t + " out oifname " + dev + " numgen random mod 100 '<' " + std::to_string(percent) +
                " counter drop");
        }
    }
    // Packets the loss rules of the link dropped so far (both ends).
    std::uint64_t lost_packets(int subnet) const {
        const auto& l = find(subnet);
        std::uint64_t n = 0;
        for (const auto& [host, dev] : {std::pair{l.a, l.dev_a}, std::pair{l.b, l.dev_b}}) {
            const auto out = capture(in(host) + "nft list table inet loss_" + dev + " 2>/dev/null");
            if (const auto at = out.find("counter packets "); at != std::string::npos) n += std::stoull(out.substr(at + 16));
        }
        return n;
    }
    void heal_loss(int subnet) {
        const auto& l = find(subnet);
        run_quiet(in(l.a) + "nft delete table inet loss_" + l.dev_a);
        run_quiet(in(l.b) + "nft delete table inet loss_" + l.dev_b);
    }

    // The command prefix that runs a program in `host` (nothing for the lab).
    std::vector<std::string> wrap(const std::string& host) const {
        if (host.empty()) return {};
        return {"ip", "netns", "exec", ns(host)};
    }
    std::string ns(const std::string& host) const { return tag_ + "-" + host; }

    // `cmd` through the shell; throws with the command when it fails.
    static void run(const std::string& cmd) {
        if (std::system((cmd + " 2>&1").c_str()) != 0) throw std::runtime_error("netns lab: '" + cmd + "' failed");
    }

private:
    static std::string capture(const std::string& cmd) {
        std::string out;
        if (auto* f = ::popen(cmd.c_str(), "r")) {
            char buf[4096];
            for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
            ::pclose(f);
        }
        return out;
    }
    std::string in(const std::string& host) const { return host.empty() ? "" : "ip netns exec " + ns(host) + " "; }
    static void run_quiet(const std::string& cmd) { (void)std::system((cmd + " >/dev/null 2>&1").c_str()); }
    static int& instance() {
        static int n = 0;
        return n;
    }
    int instance_no() const { return std::stoi(tag_.substr(tag_.rfind('x') + 1)) % 100; }

    // Once per process: into a network namespace of our own, loopback up.
    // (Before any thread: a namespace is per thread, and tests are single-threaded.)
    static void enter_lab() {
        static bool entered = false;
        if (entered) return;
        if (::geteuid() != 0) throw std::runtime_error("netns tests run as root (ip netns, veth)");
        if (::unshare(CLONE_NEWNET) != 0) throw std::runtime_error("unshare(CLONE_NEWNET) failed: not allowed here");
        entered = true;
        run("ip link set lo up");
    }
    // Hosts of a lab whose process is gone (killed mid-test).
    static void remove_orphans() {
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator("/run/netns", ec)) {
            const auto n = e.path().filename().string();
            if (n.rfind("twns", 0) != 0) continue;
            const auto pid = std::atoi(n.c_str() + 4);
            if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH) run_quiet("ip netns del " + n);
        }
    }

    std::string tag_;
    std::vector<std::string> hosts_;
    std::vector<link> links_;
};

} // namespace twinsms::test
