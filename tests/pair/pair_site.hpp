#pragma once
// Pair tests: the pieces every pair header shares (includes, free ports,
// file edits) and one node of the pair, `site`: its profile folder, ports,
// process and its logfmt log (log_view, events(), has(), mark(), tail()).
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include "control.hpp" // the simulator's stdin command interpreter (run_command)
#include "daemon/daemon_process.hpp"
#include "interop/free_port.hpp"
#include "interop/http_loopback.hpp"
#include "interop/interop_support.hpp"
#include "sim/sim_harness.hpp"

#ifndef TWINSMSCTL_EXE
#error "TWINSMSCTL_EXE must name the twinsmsctl executable"
#endif

namespace twinsms::test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

inline constexpr const char* admin_token = "demo-admin-token-0123456789";

inline void edit_file(const fs::path& p, const std::string& from, const std::string& to) {
    auto text = read_text(p);
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::runtime_error(p.string() + ": '" + from + "' not found");
    text.replace(at, from.size(), to);
    std::ofstream{p} << text;
}
inline void write_file(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream{p} << text;
}

// A daemon's stderr split into lines incrementally (a log grows to MBs under
// load; re-splitting it every poll would cost more than the test).
struct log_view {
    std::size_t offset = 0;
    std::vector<std::string> lines;
    void update(const std::string& err) {
        for (std::size_t nl; (nl = err.find('\n', offset)) != std::string::npos; offset = nl + 1)
            lines.emplace_back(err.substr(offset, nl - offset));
    }
};

// One node of the pair: its profile folder, ports and process.
struct site {
    std::string name;
    fs::path dir;
    std::uint16_t smpp_port = 0, admin_port = 0;
    std::string host = "127.0.0.1";  // where the test reaches its listeners and admin API
    std::vector<std::string> wrap;   // command prefix the daemon runs under (a netns host)
    std::unique_ptr<daemon_process> proc;
    std::uint16_t replication_port = 0; // node.replication.listen, when on
    log_view log;
    std::vector<std::string> earlier; // tails of earlier runs' logs, for failure dumps
    bool running() const { return proc && proc->running(); }

    // Lines of this run matching comp/event (and every key=value in `kv`), from line `from` on.
    std::vector<std::string> events(std::string_view comp, std::string_view event,
                                    std::vector<std::pair<std::string, std::string>> kv = {}, std::size_t from = 0) const {
        std::vector<std::string> out;
        for (std::size_t i = from; i < log.lines.size(); ++i) {
            const auto& l = log.lines[i];
            if (!is_event(l, comp, event)) continue;
            bool ok = true;
            for (const auto& [k, v] : kv) ok = ok && logfmt_value(l, k) == v;
            if (ok) out.push_back(l);
        }
        return out;
    }
    bool has(std::string_view comp, std::string_view event, std::vector<std::pair<std::string, std::string>> kv = {},
             std::size_t from = 0) const {
        return !events(comp, event, std::move(kv), from).empty();
    }
    std::size_t mark() const { return log.lines.size(); }
    // TWINSMS_PAIR_LOGS=<dir>: every run's whole log is appended to
    // <dir>/<site>.log (a loss under load needs more than the tail).
    void keep_log() const {
        const char* d = std::getenv("TWINSMS_PAIR_LOGS");
        if (!d || !*d) return;
        std::ofstream out{fs::path{d} / (name + ".log"), std::ios::app};
        out << "---- run\n";
        for (const auto& l : log.lines) out << l << '\n';
    }
    std::string tail(std::size_t n = 60) const {
        std::string s;
        for (std::size_t i = log.lines.size() > n ? log.lines.size() - n : 0; i < log.lines.size(); ++i)
            s += "\n  " + log.lines[i];
        return s;
    }
};

} // namespace twinsms::test
