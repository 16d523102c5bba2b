#pragma once
// A child process for the interop tests: forked and exec'd in its own
// process group, stdin/stdout/stderr on pipes, killed (PR_SET_PDEATHSIG)
// when the test process dies. Output is collected
// without blocking (poll()), so a test can pump its io_context and the
// child in one thread. Whatever happens, the child is killed and reaped:
// wait() kills on timeout and the destructor kills what is still running.
// The child's stdin stays open until close_stdin() or destruction, so a
// script that exits on stdin EOF also dies if the test process crashes.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinsms::test {

class child_process {
public:
    struct exit_status {
        bool exited = false;    // reaped
        int code = -1;          // exit code when it exited normally
        int signal = 0;         // terminating signal, 0 if none
        bool timed_out = false; // killed by wait() because the limit passed
    };

    // argv[0] is searched in PATH. Throws std::system_error if the spawn fails.
    explicit child_process(std::vector<std::string> argv);
    ~child_process();
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    pid_t pid() const noexcept { return pid_; }

    // Reads what is available on stdout/stderr and reaps the child if it has
    // exited; never blocks. Returns true once the child has been reaped.
    bool poll();
    bool exited() const noexcept { return status_.exited; }

    // Blocks until the child exits or `limit` passes; then kills it
    // (SIGKILL, whole process group) and reaps it. Collects all output.
    const exit_status& wait(std::chrono::milliseconds limit);

    // Sends `sig` to the child's process group (no-op once reaped).
    void signal(int sig) noexcept;
    // SIGKILL and reap, at once.
    void kill();
    void close_stdin() noexcept;
    // Writes to the child's stdin (blocking; small writes only). False if
    // stdin is closed or the child is gone.
    bool write_stdin(std::string_view data) noexcept;

    // Blocks until there is output on stdout or stderr, the child exits or
    // `limit` passes (whichever first; reads nothing: poll() does).
    void await_activity(std::chrono::milliseconds limit);

    // Blocks (polling) until a complete stdout line satisfies `pred`, the
    // child exits or `limit` passes. Lines already seen count too; `from`
    // skips the first lines.
    std::optional<std::string> wait_for_line(const std::function<bool(std::string_view)>& pred,
                                             std::chrono::milliseconds limit, std::size_t from = 0);

    const std::string& out() const noexcept { return out_; }
    const std::string& err() const noexcept { return err_; }
    std::vector<std::string> out_lines() const; // complete stdout lines
    const exit_status& status() const noexcept { return status_; }
    // argv, status and the tail of stderr, for failure messages.
    std::string describe() const;

private:
    void drain() noexcept;
    bool reap(bool block) noexcept;

    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    int in_ = -1, out_fd_ = -1, err_fd_ = -1;
    std::string out_, err_;
    exit_status status_;
};

} // namespace twinsms::test
