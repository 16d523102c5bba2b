#pragma once
// twinsmsd as a child process, and the profile folder it runs from.
//
// profile_dir is a scratch copy of profiles/demo that a test edits (ports,
// extra files, broken files); the store path in it is relative, so the
// store lands in the scratch folder and a restart on the same folder finds
// it again. daemon_process reads the daemon's logfmt stderr, which is how
// the tests observe it: the port it listens on, carriers bound, reloads,
// recovered in-flight counts. Nothing here sleeps: a caller polls (the
// fixture pumps its io_context in between) until a line shows up.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "interop/child_process.hpp"

#ifndef TWINSMSD_EXE
#error "TWINSMSD_EXE must name the twinsmsd executable"
#endif
#ifndef TWINSMS_SOURCE_DIR
#error "TWINSMS_SOURCE_DIR must name the repository root"
#endif

namespace twinsms::test {

namespace fs = std::filesystem;

// A folder under the temp dir, removed with everything in it.
struct scratch_dir {
    fs::path path;
    scratch_dir() {
        std::string tmpl = (fs::temp_directory_path() / "twinsmsd-test-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~scratch_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
};

inline std::string read_text(const fs::path& p) {
    std::ifstream in{p};
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// profiles/demo copied into `root`/profiles.
class profile_dir {
public:
    explicit profile_dir(const fs::path& root) : dir_{root / "profiles"} {
        fs::copy(fs::path{TWINSMS_SOURCE_DIR} / "profiles" / "demo", dir_, fs::copy_options::recursive);
    }
    const fs::path& path() const noexcept { return dir_; }
    fs::path file(const std::string& rel) const { return dir_ / rel; }
    std::string read(const std::string& rel) const { return read_text(dir_ / rel); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((dir_ / rel).parent_path());
        // Write then rename: a reload never sees half a file.
        const auto tmp = dir_ / (rel + ".tmp");
        std::ofstream{tmp} << text;
        fs::rename(tmp, dir_ / rel);
    }
    void remove(const std::string& rel) const { fs::remove(dir_ / rel); }
    // Replaces the one occurrence of `from` in a file; throws if absent, so
    // a change to the demo profiles breaks the test loudly, not silently.
    void replace(const std::string& rel, const std::string& from, const std::string& to) const {
        auto text = read(rel);
        const auto at = text.find(from);
        if (at == std::string::npos) throw std::runtime_error(rel + ": '" + from + "' not found");
        write(rel, text.replace(at, from.size(), to));
    }
    // The demo listens on 127.0.0.1:2775; 0 lets the OS pick (the daemon logs it).
    void set_listen_port(std::uint16_t port) const {
        replace("node.yaml", "127.0.0.1:2775", "127.0.0.1:" + std::to_string(port));
    }
    // The demo carrier is carriers/sim.yaml on port 2776.
    void set_carrier_port(std::uint16_t port) const { replace("carriers/sim.yaml", "port: 2776", "port: " + std::to_string(port)); }
    // Another carrier like the demo's (same credentials), with a short reconnect.
    void add_carrier(const std::string& name, std::uint16_t port) const {
        write("carriers/" + name + ".yaml",
              "carrier:\n  state: active\n  host: 127.0.0.1\n  port: " + std::to_string(port) +
                  "\n  bind: transceiver\n  system_id: carrier\n  password: carrier1\n  window: 50\n"
                  "  enquire_link_interval: 5s\n  reconnect: {initial: 200ms, max: 1s}\n");
    }

private:
    fs::path dir_;
};

// The value of `key` in one logfmt line (quotes and escapes undone).
inline std::optional<std::string> logfmt_value(std::string_view line, std::string_view key) {
    std::size_t pos = 0;
    while (pos < line.size()) {
        while (pos < line.size() && line[pos] == ' ') ++pos;
        const auto eq = line.find('=', pos);
        if (eq == std::string_view::npos) return std::nullopt;
        const auto k = line.substr(pos, eq - pos);
        std::string v;
        std::size_t i = eq + 1;
        if (i < line.size() && line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size()) ++i;
                v += line[i];
            }
            ++i;
        } else {
            while (i < line.size() && line[i] != ' ') v += line[i++];
        }
        if (k == key) return v;
        pos = i;
    }
    return std::nullopt;
}

// One stderr line is an event when it has comp=`comp` and event=`event`.
inline bool is_event(std::string_view line, std::string_view comp, std::string_view event) {
    return logfmt_value(line, "comp") == comp && logfmt_value(line, "event") == event;
}

// Asio opens sockets without FD_CLOEXEC, and posix_spawn hands a child every
// descriptor that lacks it: twinsmsd (or a node peer) would inherit the
// simulators' listening sockets and our client sockets, and keep them open
// after the test closed them (a "stopped" simulator would still accept, into
// a backlog nobody reads). Call before spawning; the tests are single-threaded.
inline void close_on_exec_all() {
    std::vector<int> fds;
    for (const auto& e : fs::directory_iterator("/proc/self/fd")) fds.push_back(std::stoi(e.path().filename().string()));
    for (int fd : fds)
        if (fd > 2)
            if (const int f = ::fcntl(fd, F_GETFD); f >= 0) ::fcntl(fd, F_SETFD, f | FD_CLOEXEC);
}

class daemon_process {
public:
    // twinsmsd with `args` (e.g. {"--config", DIR}).
    // With `wrap`, the command line is run by that prefix (e.g. ip netns exec NS,
    // which execs: the child's pid stays the daemon's).
    explicit daemon_process(std::vector<std::string> args, std::vector<std::string> wrap = {})
        : proc_{(close_on_exec_all(), argv(std::move(args), std::move(wrap)))} {}

    child_process& proc() noexcept { return proc_; }
    bool poll() { return proc_.poll(); }
    bool running() const noexcept { return !proc_.exited(); }

    // Complete stderr lines so far (the daemon's log).
    std::vector<std::string> log_lines() const {
        std::vector<std::string> lines;
        const auto& err = proc_.err();
        for (std::size_t pos = 0, nl; (nl = err.find('\n', pos)) != std::string::npos; pos = nl + 1)
            lines.emplace_back(err.substr(pos, nl - pos));
        return lines;
    }
    std::vector<std::string> events(std::string_view comp, std::string_view event) const {
        std::vector<std::string> out;
        for (auto& l : log_lines())
            if (is_event(l, comp, event)) out.push_back(std::move(l));
        return out;
    }
    std::optional<std::string> first_event(std::string_view comp, std::string_view event) const {
        auto e = events(comp, event);
        if (e.empty()) return std::nullopt;
        return e.front();
    }
    // The port of the node's first listener, once it logged listening.
    std::optional<std::uint16_t> listen_port() const {
        auto l = first_event("node", "listening");
        if (!l) return std::nullopt;
        auto p = logfmt_value(*l, "port");
        return p ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(std::stoi(*p))) : std::nullopt;
    }
    // A carrier link of `carrier` bound (counting every time it did).
    std::size_t carrier_binds(std::string_view carrier) const {
        std::size_t n = 0;
        for (const auto& l : events("carrier", "bound")) n += logfmt_value(l, "carrier") == carrier;
        return n;
    }

    // To the daemon alone, once. (child_process::signal sends to the group
    // and to the pid: two deliveries when the first is handled in between,
    // and twinsmsd's handling of a second SIGTERM is a test of its own.)
    void signal(int sig) noexcept {
        proc_.poll();
        if (!proc_.exited()) ::kill(proc_.pid(), sig);
    }
    void kill() { proc_.kill(); }
    std::string describe() const { return proc_.describe(); }

private:
    static std::vector<std::string> argv(std::vector<std::string> args, std::vector<std::string> wrap) {
        std::vector<std::string> v = std::move(wrap);
        v.emplace_back(TWINSMSD_EXE);
        v.insert(v.end(), args.begin(), args.end());
        return v;
    }
    child_process proc_;
};

} // namespace twinsms::test
