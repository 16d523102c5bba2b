#pragma once
// Headless Chromium (Debian's `chromium`) driven over the DevTools protocol
// on a pipe: with --remote-debugging-pipe the browser reads commands from
// fd 3 and writes replies and events to fd 4, each a JSON text ending in a
// NUL byte. No WebSocket client, npm package or debugging port is needed.
//
// Non-blocking like child_process: send() writes a command and returns its
// id, poll() reads what arrived, take(id) hands over a reply, so a test pumps
// its io_context (the carrier simulator, the daemons' logs) while it waits.
// The browser runs in its own process group with a scratch profile; the
// destructor SIGKILLs the group and reaps it whatever happened.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

extern char** environ;

namespace twinsms::test {

class chromium {
public:
    // $TWINSMS_CHROMIUM, else Debian's binary (the /usr/bin/chromium wrapper
    // only adds flags we set ourselves), else "" (not installed).
    static std::string executable() {
        if (const char* e = std::getenv("TWINSMS_CHROMIUM"); e && *e) return e;
        for (const char* p : {"/usr/lib/chromium/chromium", "/usr/bin/chromium"})
            if (::access(p, X_OK) == 0) return p;
        return {};
    }

    // `dir` (created) holds the browser's profile and its log.
    explicit chromium(const std::filesystem::path& dir) : log_{dir / "chromium.log"} {
        const auto exe = executable();
        if (exe.empty()) throw std::runtime_error("chromium is not installed (tools/install-deps installs it)");
        std::filesystem::create_directories(dir / "profile");
        int to[2], from[2];
        if (::pipe2(to, O_CLOEXEC) != 0 || ::pipe2(from, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
        // Above 4, so dup2 onto 3 and 4 never meets an fd already there.
        for (int* fd : {&to[0], &to[1], &from[0], &from[1]}) {
            const int high = ::fcntl(*fd, F_DUPFD_CLOEXEC, 10);
            ::close(*fd);
            *fd = high;
        }
        std::vector<std::string> args{exe,
                                      "--headless=new",
                                      "--no-sandbox", // containers have no user namespaces for it
                                      "--disable-gpu",
                                      "--disable-dev-shm-usage",
                                      "--remote-debugging-pipe",
                                      "--user-data-dir=" + (dir / "profile").string(),
                                      "--no-first-run",
                                      "--no-default-browser-check",
                                      "--disable-extensions",
                                      "--disable-background-networking",
                                      "--disable-component-update",
                                      "--disable-sync",
                                      // Tabs not in front keep their timers: the page polls every second.
                                      "--disable-background-timer-throttling",
                                      "--disable-renderer-backgrounding",
                                      "--disable-backgrounding-occluded-windows",
                                      "--window-size=1280,900",
                                      "about:blank"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        posix_spawnattr_setpgroup(&attr, 0);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&fa, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        posix_spawn_file_actions_adddup2(&fa, to[0], 3);
        posix_spawn_file_actions_adddup2(&fa, from[1], 4);
        const int rc = ::posix_spawn(&pid_, exe.c_str(), &fa, &attr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        ::close(to[0]);
        ::close(from[1]);
        to_ = to[1];
        from_ = from[0];
        if (rc != 0) {
            pid_ = -1;
            throw std::runtime_error("cannot start " + exe + ": " + std::strerror(rc));
        }
        ::fcntl(from_, F_SETFL, ::fcntl(from_, F_GETFL) | O_NONBLOCK);
    }
    ~chromium() {
        if (pid_ > 0) {
            ::kill(-pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (to_ >= 0) ::close(to_);
        if (from_ >= 0) ::close(from_);
    }
    chromium(const chromium&) = delete;
    chromium& operator=(const chromium&) = delete;

    // Writes one command (to the browser, or to an attached target when
    // `session` is set); returns its id. Commands are small: a blocking
    // write into the pipe is immediate.
    int send(std::string_view method, boost::json::object params = {}, std::string_view session = {}) {
        const int id = next_id_++;
        boost::json::object msg{{"id", id}, {"method", method}, {"params", std::move(params)}};
        if (!session.empty()) msg["sessionId"] = session;
        const auto text = boost::json::serialize(msg) + '\0';
        for (std::size_t off = 0; off < text.size();) {
            const auto n = ::write(to_, text.data() + off, text.size() - off);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) throw std::runtime_error("chromium: the DevTools pipe is closed");
            off += static_cast<std::size_t>(n);
        }
        return id;
    }

    // Reads what the browser wrote; never blocks. Replies are kept for
    // take(), events are dropped (the tests look at the DOM instead).
    // False once the browser closed its end (it exited).
    bool poll() {
        char buf[65536];
        for (;;) {
            const auto n = ::read(from_, buf, sizeof buf);
            if (n > 0) {
                in_.append(buf, static_cast<std::size_t>(n));
                continue;
            }
            if (n == 0) alive_ = false;
            if (n < 0 && errno == EINTR) continue;
            break;
        }
        for (std::size_t nul; (nul = in_.find('\0')) != std::string::npos; in_.erase(0, nul + 1)) {
            boost::system::error_code ec;
            auto v = boost::json::parse(std::string_view{in_}.substr(0, nul), ec);
            if (ec || !v.is_object()) continue;
            auto& o = v.as_object();
            if (const auto* id = o.if_contains("id"); id && id->is_int64()) replies_[static_cast<int>(id->as_int64())] = std::move(o);
        }
        return alive_;
    }
    std::optional<boost::json::object> take(int id) {
        auto it = replies_.find(id);
        if (it == replies_.end()) return std::nullopt;
        auto o = std::move(it->second);
        replies_.erase(it);
        return o;
    }
    bool alive() const noexcept { return alive_; }
    pid_t pid() const noexcept { return pid_; }

    // The end of the browser's own log, for failure messages.
    std::string log_tail(std::size_t bytes = 2000) const {
        std::ifstream in{log_};
        std::stringstream s;
        s << in.rdbuf();
        const auto t = s.str();
        return t.size() > bytes ? t.substr(t.size() - bytes) : t;
    }

private:
    std::filesystem::path log_;
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    bool alive_ = true;
    int next_id_ = 1;
    std::string in_;
    std::map<int, boost::json::object> replies_;
};

} // namespace twinsms::test
