#include "interop/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

extern char** environ;

namespace twinsms::test {
namespace {

using clock = std::chrono::steady_clock;

void close_fd(int& fd) noexcept {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// A pidfd for `pid`: readable once the child has exited, so poll() wakes on
// the exit itself. -1 where the kernel has none (before Linux 5.3); the
// callers then fall back to short slices and waitpid(WNOHANG).
struct pidfd {
    int fd = -1;
    explicit pidfd(pid_t pid) noexcept {
#ifdef SYS_pidfd_open
        if (pid > 0) fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#endif
        if (fd < 0) fd = -1;
    }
    ~pidfd() { close_fd(fd); }
    pidfd(const pidfd&) = delete;
    pidfd& operator=(const pidfd&) = delete;
};

constexpr int fallback_slice_ms = 20;

// Appends everything readable from a non-blocking fd; closes it at EOF.
void read_available(int& fd, std::string& into) noexcept {
    char buf[4096];
    while (fd >= 0) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        close_fd(fd); // EOF or a real error: nothing more will come
    }
}

// argv[0] as execvp would find it, looked up before fork (the child may
// only make async-signal-safe calls, and execvp's search allocates).
std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        std::string dir{dirs.substr(0, colon)};
        dirs = colon == std::string_view::npos ? std::string_view{} : dirs.substr(colon + 1);
        const auto candidate = (dir.empty() ? std::string{"."} : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return name; // execve fails with ENOENT and the constructor throws
}

} // namespace

child_process::child_process(std::vector<std::string> argv) : argv_{std::move(argv)} {
    if (argv_.empty()) throw std::invalid_argument("child_process: empty argv");
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    auto fail = [&](int e, const char* what) {
        for (int* p : {in, out, err})
            for (int i = 0; i < 2; ++i)
                if (p[i] >= 0) ::close(p[i]);
        throw std::system_error(e, std::generic_category(), what);
    };
    // O_CLOEXEC everywhere: the child gets only what dup2 puts on 0/1/2.
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
        fail(errno, "child_process: pipe2");

    // The child reports a failed exec through this pipe (closed on a
    // successful one: the parent reads EOF).
    int report[2] = {-1, -1};
    if (::pipe2(report, O_CLOEXEC) != 0) fail(errno, "child_process: pipe2");
    const std::string program = find_program(argv_[0]);
    std::vector<char*> args;
    for (auto& a : argv_) args.push_back(a.data());
    args.push_back(nullptr);
    const pid_t parent = ::getpid();
    // fork + exec rather than posix_spawn, for PR_SET_PDEATHSIG: the child
    // is killed when the test process dies, however it dies (a killed
    // ctest, a crash), so no twinsmsd, simulator or etcd outlives its test.
    // It survives exec, so a wrapper that execs (ip netns exec NS ...)
    // keeps it. The kernel sends it when the forking thread exits: tests
    // start children from their main thread.
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(report[0]);
        ::close(report[1]);
        fail(errno, "child_process: fork");
    }
    if (pid == 0) {
        // Async-signal-safe calls only from here on.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127); // the test died before prctl
        // Own process group, so kill() reaches anything the child starts.
        ::setpgid(0, 0);
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        // Default signal dispositions and an empty mask whatever the test
        // framework installed.
        for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGALRM}) ::signal(sig, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        // And no other descriptor but the report pipe (close-on-exec): Asio
        // opens sockets without close-on-exec, and a child that inherits a
        // test's listening socket keeps it alive after the test closed it
        // (a "stopped" simulator that still accepts).
        const int keep = report[1];
        if (keep > 3) ::close_range(3, static_cast<unsigned>(keep) - 1, 0);
        ::close_range(static_cast<unsigned>(keep) + 1, ~0u, 0);
        ::execve(program.c_str(), args.data(), environ);
        const int e = errno;
        [[maybe_unused]] auto n = ::write(keep, &e, sizeof e);
        ::_exit(127);
    }
    ::setpgid(pid, pid); // also here: kill(-pid) must work before the child got to it
    ::close(report[1]);
    int child_errno = 0;
    ssize_t got;
    do got = ::read(report[0], &child_errno, sizeof child_errno);
    while (got < 0 && errno == EINTR);
    ::close(report[0]);
    pid_ = pid;
    if (got == static_cast<ssize_t>(sizeof child_errno)) {
        int ignored;
        ::waitpid(pid, &ignored, 0);
        pid_ = -1;
        fail(child_errno, ("child_process: exec " + argv_[0]).c_str());
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    in_ = in[1];
    out_fd_ = out[0];
    err_fd_ = err[0];
    ::fcntl(out_fd_, F_SETFL, ::fcntl(out_fd_, F_GETFL) | O_NONBLOCK);
    ::fcntl(err_fd_, F_SETFL, ::fcntl(err_fd_, F_GETFL) | O_NONBLOCK);
}

child_process::~child_process() {
    if (!status_.exited && pid_ > 0) kill();
    close_fd(in_);
    close_fd(out_fd_);
    close_fd(err_fd_);
}

void child_process::drain() noexcept {
    read_available(out_fd_, out_);
    read_available(err_fd_, err_);
}

bool child_process::reap(bool block) noexcept {
    if (status_.exited || pid_ <= 0) return status_.exited;
    int st = 0;
    pid_t r;
    do {
        r = ::waitpid(pid_, &st, block ? 0 : WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid_) {
        status_.exited = true;
        if (WIFEXITED(st)) status_.code = WEXITSTATUS(st);
        if (WIFSIGNALED(st)) status_.signal = WTERMSIG(st);
    } else if (r < 0) {
        status_.exited = true; // ECHILD: someone else reaped it; nothing left to wait for
    }
    return status_.exited;
}

bool child_process::poll() {
    drain();
    if (reap(false)) {
        // The writers are gone with the child (unless it left descendants
        // holding the pipes): collect the rest without blocking.
        drain();
        return true;
    }
    return false;
}

const child_process::exit_status& child_process::wait(std::chrono::milliseconds limit) {
    const auto until = clock::now() + limit;
    const pidfd exit_fd{status_.exited ? -1 : pid_};
    while (!poll()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
        if (left.count() <= 0) {
            status_.timed_out = true;
            kill();
            break;
        }
        // Sleeps until output, the child's exit (its pidfd) or the limit;
        // without a pidfd the exit is noticed by waitpid, in short slices.
        pollfd fds[3];
        nfds_t n = 0;
        if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
        if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
        if (exit_fd.fd >= 0) fds[n++] = {exit_fd.fd, POLLIN, 0};
        const long long cap = exit_fd.fd >= 0 ? left.count() : fallback_slice_ms;
        ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), cap)));
    }
    return status_;
}

void child_process::await_activity(std::chrono::milliseconds limit) {
    if (limit.count() <= 0 || status_.exited) return;
    const pidfd exit_fd{pid_};
    pollfd fds[3];
    nfds_t n = 0;
    if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
    if (err_fd_ >= 0) fds[n++] = {err_fd_, POLLIN, 0};
    if (exit_fd.fd >= 0) fds[n++] = {exit_fd.fd, POLLIN, 0};
    const long long cap = exit_fd.fd >= 0 ? limit.count() : fallback_slice_ms;
    ::poll(fds, n, static_cast<int>(std::min<long long>(limit.count(), cap)));
}

void child_process::signal(int sig) noexcept {
    // Never after reaping: the pid (and group id) may belong to someone else by then.
    if (status_.exited || pid_ <= 0) return;
    // Once, to the group (which holds the child): a second delivery to the
    // pid would be a second signal for a child that handled the first.
    if (::kill(-pid_, sig) != 0) ::kill(pid_, sig);
}

void child_process::kill() {
    signal(SIGKILL);
    reap(true);
    drain();
}

void child_process::close_stdin() noexcept { close_fd(in_); }

bool child_process::write_stdin(std::string_view data) noexcept {
    while (!data.empty()) {
        if (in_ < 0) return false;
        // MSG_NOSIGNAL is for sockets; a pipe whose reader is gone raises
        // SIGPIPE, so block it for the write and swallow a pending one.
        sigset_t pipe_set, old;
        sigemptyset(&pipe_set);
        sigaddset(&pipe_set, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
        const ssize_t n = ::write(in_, data.data(), data.size());
        const int e = errno;
        if (n < 0 && e == EPIPE) {
            timespec zero{0, 0};
            sigtimedwait(&pipe_set, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
        if (n < 0) {
            if (e == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::vector<std::string> child_process::out_lines() const {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    for (;;) {
        const auto nl = out_.find('\n', pos);
        if (nl == std::string::npos) break;
        lines.emplace_back(out_.substr(pos, nl - pos));
        pos = nl + 1;
    }
    return lines;
}

std::optional<std::string> child_process::wait_for_line(const std::function<bool(std::string_view)>& pred,
                                                        std::chrono::milliseconds limit, std::size_t from) {
    const auto until = clock::now() + limit;
    const pidfd exit_fd{status_.exited ? -1 : pid_};
    for (;;) {
        const bool gone = poll();
        const auto lines = out_lines();
        for (std::size_t i = from; i < lines.size(); ++i)
            if (pred(lines[i])) return lines[i];
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - clock::now());
        if (gone || left.count() <= 0) return std::nullopt;
        // Sleeps until a line may have come, the child exits or the limit.
        pollfd fds[2];
        nfds_t n = 0;
        if (out_fd_ >= 0) fds[n++] = {out_fd_, POLLIN, 0};
        if (exit_fd.fd >= 0) fds[n++] = {exit_fd.fd, POLLIN, 0};
        const long long cap = exit_fd.fd >= 0 ? left.count() : fallback_slice_ms;
        ::poll(fds, n, static_cast<int>(std::min<long long>(left.count(), cap)));
    }
}

std::string child_process::describe() const {
    std::string s = "[";
    for (std::size_t i = 0; i < argv_.size(); ++i) s += (i ? " " : "") + argv_[i];
    s += "] pid=" + std::to_string(pid_);
    if (status_.exited) {
        s += status_.signal ? " killed by signal " + std::to_string(status_.signal)
                            : " exit code " + std::to_string(status_.code);
    } else {
        s += " running";
    }
    if (status_.timed_out) s += " (timed out)";
    constexpr std::size_t tail = 2000;
    s += "\n--- stdout ---\n" + (out_.size() > tail ? "..." + out_.substr(out_.size() - tail) : out_);
    s += "\n--- stderr ---\n" + (err_.size() > tail ? "..." + err_.substr(err_.size() - tail) : err_);
    return s;
}

} // namespace twinsms::test
