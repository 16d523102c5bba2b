#pragma once
// What the mailer and alerter tests share: the aiosmtpd sink as a child
// process (tests/alert/smtp_sink.py, Debian python3-aiosmtpd), a loop that
// pumps the io_context and the sink together, a listening socket that never
// answers, a port nobody listens on, and a self-signed certificate made with
// the openssl CLI in a temp dir.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "config/cluster.hpp"
#include "interop/child_process.hpp"
#include "interop/free_port.hpp"

namespace twinsms::test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

class smtp_sink {
public:
    // The Debian interpreter, where python3-aiosmtpd lives (a python3 earlier
    // in PATH, such as a pyenv one, would not have it).
    explicit smtp_sink(std::vector<std::string> args = {}) {
        std::vector<std::string> argv{"/usr/bin/python3", std::string{TWINSMS_SOURCE_DIR} + "/tests/alert/smtp_sink.py"};
        argv.insert(argv.end(), args.begin(), args.end());
        proc_ = std::make_unique<child_process>(argv);
        auto ready = proc_->wait_for_line([](std::string_view l) { return l.starts_with("ready "); }, 15s);
        if (!ready) throw std::runtime_error{"smtp sink not ready: " + proc_->describe()};
        port_ = static_cast<std::uint16_t>(std::stoi(ready->substr(6)));
    }
    std::uint16_t port() const noexcept { return port_; }

    // Messages received so far, as the sink's JSON records.
    std::vector<boost::json::object> messages() {
        proc_->poll();
        std::vector<boost::json::object> out;
        for (const auto& l : proc_->out_lines())
            if (l.starts_with("message ")) out.push_back(boost::json::parse(l.substr(8)).as_object());
        return out;
    }
    // Waits (without pumping anything else) for an exact stdout line.
    bool saw_line(std::string_view line, std::chrono::milliseconds limit) {
        return proc_->wait_for_line([&](std::string_view l) { return l == line; }, limit).has_value();
    }
    std::string describe() const { return proc_->describe(); }

    config::smtp_settings settings() const {
        config::smtp_settings s;
        s.host = "127.0.0.1";
        s.port = port_;
        s.from = "twinsms alerts <alerts@example.test>";
        s.to = {"ops@example.test", "Night Desk <noc@example.test>"};
        s.timeout = 5s;
        return s;
    }

private:
    std::unique_ptr<child_process> proc_;
    std::uint16_t port_ = 0;
};

inline std::string str(const boost::json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

// Runs `io` (kept busy by a work guard) until `pred` holds or `limit` passes.
inline bool run_until(boost::asio::io_context& io, const std::function<bool()>& pred,
                      std::chrono::milliseconds limit = 15s) {
    io.restart(); // a previous run may have left it stopped (its work guard went away)
    auto guard = boost::asio::make_work_guard(io);
    const auto end = steady::now() + limit;
    while (!pred()) {
        if (steady::now() >= end) return false;
        io.run_for(10ms);
    }
    return true;
}

// A bounded observation window for "this must not happen": runs the loop for
// `window` and returns false as soon as `forbidden()` holds (true when it
// stayed false the whole window).
inline bool observe_quiet(boost::asio::io_context& io, std::chrono::milliseconds window,
                          const std::function<bool()>& forbidden) {
    return !run_until(io, forbidden, window);
}

// A socket bound to 127.0.0.1 that listens but never accepts: the kernel
// completes the TCP handshake, and then the SMTP greeting never comes.
class silent_listener {
public:
    silent_listener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error{"silent_listener"};
        port_ = ntohs(a.sin_port);
    }
    ~silent_listener() { ::close(fd_); }
    silent_listener(const silent_listener&) = delete;
    silent_listener& operator=(const silent_listener&) = delete;
    std::uint16_t port() const noexcept { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// A temp dir with cert.pem/key.pem: self-signed for localhost and 127.0.0.1.
class self_signed_cert {
public:
    self_signed_cert() {
        char tmpl[] = "/tmp/twinsms-alert-tls.XXXXXX";
        if (!::mkdtemp(tmpl)) throw std::runtime_error{"mkdtemp"};
        dir_ = tmpl;
        child_process p{{"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                         "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout",
                         key().string(), "-out", cert().string()}};
        const auto& st = p.wait(60s);
        if (!st.exited || st.code != 0) throw std::runtime_error{"openssl req failed: " + p.describe()};
    }
    ~self_signed_cert() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    std::filesystem::path cert() const { return dir_ / "cert.pem"; }
    std::filesystem::path key() const { return dir_ / "key.pem"; }

private:
    std::filesystem::path dir_;
};

} // namespace twinsms::test
