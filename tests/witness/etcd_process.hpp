#pragma once
// A real etcd (the Debian etcd-server binary) for the witness tests: one
// member, or several forming a cluster, each in its own temporary data
// folder under the caller's scratch folder, on free loopback ports. The
// test starts them and waits until each says it is ready; the destructor
// SIGKILLs and reaps every member (and the folder goes with the scratch).
#include <netinet/in.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "interop/child_process.hpp"
#include "interop/free_port.hpp"

namespace twinsms::test {

// Server TLS for the members (PEM files), and whether clients must present
// a certificate that `ca` signed.
struct etcd_tls {
    std::string cert, key, ca;
    bool client_cert_auth = false;
};

// Where the members run: by default on loopback in this process's network
// namespace; across network namespaces, under `wrap` (ip netns exec HOST)
// and serving clients on each of `hosts` (the first is the one the test
// itself reaches, for the readiness probe).
struct etcd_net {
    std::vector<std::string> wrap;
    std::vector<std::string> hosts{"127.0.0.1"};
};

class etcd_cluster {
public:
    struct member {
        std::string name;
        std::uint16_t client_port = 0, peer_port = 0;
        std::unique_ptr<child_process> proc;
        bool https = false;
        std::vector<std::string> hosts{"127.0.0.1"};
        std::string url(std::size_t h = 0) const {
            return (https ? "https" : "http") + std::string{"://"} + hosts.at(h) + ":" + std::to_string(client_port);
        }
    };

    // `n` members in `dir` (created), not started yet; with `tls`, clients speak HTTPS.
    etcd_cluster(std::filesystem::path dir, int n = 1, std::optional<etcd_tls> tls = std::nullopt, etcd_net net = {})
        : dir_{std::move(dir)}, tls_{std::move(tls)}, net_{std::move(net)} {
        std::filesystem::create_directories(dir_);
        for (int i = 0; i < n; ++i) {
            member m;
            m.name = "m" + std::to_string(i);
            m.client_port = free_port();
            m.peer_port = free_port();
            m.https = tls_.has_value();
            m.hosts = net_.hosts;
            members_.push_back(std::move(m));
        }
        for (const auto& m : members_)
            initial_ += (initial_.empty() ? "" : ",") + m.name + "=http://127.0.0.1:" + std::to_string(m.peer_port);
    }
    ~etcd_cluster() {
        for (auto& m : members_)
            if (m.proc) m.proc->kill();
    }

    // Starts every member and waits (polling their logs, at most `limit`)
    // until each serves clients. Throws with the log tail if one does not.
    void start(std::chrono::milliseconds limit = std::chrono::seconds{20}) {
        for (std::size_t i = 0; i < members_.size(); ++i) start_member(i, false);
        for (std::size_t i = 0; i < members_.size(); ++i) await_ready(i, limit);
    }
    // Kills member i (SIGKILL), e.g. to lose the witness.
    void kill(std::size_t i) {
        if (members_[i].proc) members_[i].proc->kill();
    }
    // Starts member i again on its data folder and waits until ready.
    void restart(std::size_t i, std::chrono::milliseconds limit = std::chrono::seconds{20}) {
        start_member(i, true);
        await_ready(i, limit);
    }
    bool running(std::size_t i) {
        return members_[i].proc && !members_[i].proc->poll();
    }
    const std::vector<member>& members() const noexcept { return members_; }
    std::vector<std::string> urls() const {
        std::vector<std::string> out;
        for (const auto& m : members_) out.push_back(m.url());
        return out;
    }
    std::string log(std::size_t i) const { return members_[i].proc ? members_[i].proc->err() : std::string{}; }

private:
    void start_member(std::size_t i, bool again) {
        auto& m = members_[i];
        std::string c = m.url();
        for (std::size_t h = 1; h < m.hosts.size(); ++h) c += "," + m.url(h);
        const auto p = "http://127.0.0.1:" + std::to_string(m.peer_port);
        std::vector<std::string> argv = net_.wrap;
        argv.insert(argv.end(), {
            "etcd", "--name", m.name, "--data-dir", (dir_ / m.name).string(), "--listen-client-urls", c,
            "--advertise-client-urls", c, "--listen-peer-urls", p, "--initial-advertise-peer-urls", p,
            "--initial-cluster", initial_, "--initial-cluster-state", again ? "existing" : "new",
            "--initial-cluster-token", "twinsms-test", "--logger", "zap",
            // With TLS the readiness is read from the log (the health probe below is plain HTTP).
            "--log-level", tls_ ? "info" : "warn",
            // Short raft timings: leases are checked by the leader's tick.
            "--heartbeat-interval", "50", "--election-timeout", "500"});
        if (tls_) {
            for (const auto& a : {"--cert-file", tls_->cert.c_str(), "--key-file", tls_->key.c_str()}) argv.emplace_back(a);
            if (tls_->client_cert_auth)
                for (const auto& a : {"--client-cert-auth", "--trusted-ca-file", tls_->ca.c_str()}) argv.emplace_back(a);
        }
        m.proc = std::make_unique<child_process>(argv);
    }
    void await_ready(std::size_t i, std::chrono::milliseconds limit) {
        auto& m = members_[i];
        const auto until = std::chrono::steady_clock::now() + limit;
        // etcd has no readiness signal but its client port answering; the
        // log line comes at info level only, so the port is what we wait on.
        while (std::chrono::steady_clock::now() < until) {
            if (m.proc->poll()) throw std::runtime_error("etcd " + m.name + " exited: " + m.proc->describe());
            if (tls_ ? m.proc->err().find("serving client traffic") != std::string::npos : answers(m.hosts.front(), m.client_port))
                return;
            m.proc->await_activity(std::chrono::milliseconds{50}); // or 50 ms without output
        }
        throw std::runtime_error("etcd " + m.name + " not serving within the limit: " + m.proc->describe());
    }
    // Whether GET /health says true (a member in a cluster without a leader says false).
    static bool answers(const std::string& host, std::uint16_t port) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons(port);
        a.sin_addr.s_addr = ::inet_addr(host.c_str());
        timeval tv{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        bool ok = false;
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
            const std::string req = "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
            if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
                std::string in;
                char buf[512];
                for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) in.append(buf, static_cast<std::size_t>(n));
                ok = in.find("\"health\":\"true\"") != std::string::npos;
            }
        }
        ::close(fd);
        return ok;
    }

    std::filesystem::path dir_;
    std::optional<etcd_tls> tls_;
    etcd_net net_;
    std::vector<member> members_;
    std::string initial_;
};

} // namespace twinsms::test
