// The interop tests' child-process helper: output capture, exit status, and
// that a child is always killed and reaped (timeout, destructor).
#define BOOST_TEST_MODULE interop_child_process
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "interop/child_process.hpp"

using twinsms::test::child_process;
using namespace std::chrono_literals;

namespace {
// True while `pid` exists as a process or an unreaped zombie of ours.
bool pid_exists(pid_t pid) { return ::kill(pid, 0) == 0; }
// Running (not a zombie), judged from /proc.
bool alive_not_zombie(pid_t pid) {
    std::ifstream f{"/proc/" + std::to_string(pid) + "/stat"};
    std::string stat;
    if (!std::getline(f, stat)) return false;
    const auto paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}
} // namespace

BOOST_AUTO_TEST_CASE(captures_stdout_stderr_and_exit_code) {
    child_process p{{"sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 7"}};
    const auto& st = p.wait(10s);
    BOOST_TEST(st.exited);
    BOOST_TEST(!st.timed_out);
    BOOST_TEST(st.code == 7);
    BOOST_TEST(p.out() == "out1\nout2\n");
    BOOST_TEST(p.err() == "err1\n");
    BOOST_TEST(p.out_lines().size() == 2u);
}

BOOST_AUTO_TEST_CASE(timeout_kills_and_reaps) {
    const auto t0 = std::chrono::steady_clock::now();
    child_process p{{"sleep", "30"}};
    const pid_t pid = p.pid();
    const auto& st = p.wait(200ms);
    BOOST_TEST(st.timed_out);
    BOOST_TEST(st.exited);
    BOOST_TEST(st.signal == SIGKILL);
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 5s));
    BOOST_TEST(!pid_exists(pid)); // reaped: not even a zombie
}

BOOST_AUTO_TEST_CASE(destructor_kills_the_process_group) {
    pid_t pid = -1;
    long grandchild = -1;
    int grandchild_fd = -1; // a pidfd: readable once the grandchild has exited (zombie or gone)
    {
        // The shell starts a grandchild; both are in the child's process group.
        child_process p{{"sh", "-c", "sleep 30 & echo $!; wait"}};
        pid = p.pid();
        auto l = p.wait_for_line([](std::string_view l) { return !l.empty(); }, 10s);
        BOOST_REQUIRE(l.has_value());
        grandchild = std::stol(*l);
#ifdef SYS_pidfd_open
        grandchild_fd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(grandchild), 0));
#endif
        BOOST_REQUIRE(alive_not_zombie(static_cast<pid_t>(grandchild)));
    }
    BOOST_TEST(!pid_exists(pid));
    // The orphaned grandchild is dead: gone, or a zombie its new parent has
    // not reaped yet. Waited for on its pidfd (its exit), at most 2 s; a
    // kernel without pidfds falls back to looking at /proc in 10 ms steps.
    bool dead = false;
    if (grandchild_fd >= 0) {
        pollfd fd{grandchild_fd, POLLIN, 0};
        dead = ::poll(&fd, 1, 2000) == 1 && (fd.revents & POLLIN);
        ::close(grandchild_fd);
    } else {
        for (int i = 0; i < 200 && !dead; ++i) {
            dead = !alive_not_zombie(static_cast<pid_t>(grandchild));
            if (!dead) std::this_thread::sleep_for(10ms);
        }
    }
    BOOST_TEST(dead);
    BOOST_TEST(!alive_not_zombie(static_cast<pid_t>(grandchild)));
}

BOOST_AUTO_TEST_CASE(wait_for_line_sees_lines_as_they_come) {
    child_process p{{"sh", "-c", "echo one; sleep 0.2; echo two; sleep 30"}};
    auto l = p.wait_for_line([](std::string_view s) { return s == "two"; }, 10s);
    BOOST_TEST(l.value_or("") == "two");
    BOOST_TEST(!p.exited());
    p.kill();
    BOOST_TEST(p.exited());
}

BOOST_AUTO_TEST_CASE(stdin_eof_reaches_the_child) {
    child_process p{{"sh", "-c", "cat >/dev/null; echo eof"}};
    p.close_stdin();
    const auto& st = p.wait(10s);
    BOOST_TEST(st.code == 0);
    BOOST_TEST(p.out() == "eof\n");
}

BOOST_AUTO_TEST_CASE(missing_program_throws) {
    BOOST_CHECK_THROW(child_process({"/nonexistent/program-twinsms"}), std::system_error);
}
