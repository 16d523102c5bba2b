// A child started through child_process dies with the process that started
// it (PR_SET_PDEATHSIG), also through a wrapper that execs (as ip netns exec
// does): a killed test run leaves no twinsmsd, simulator or etcd behind.
#define BOOST_TEST_MODULE interop_child_process_death
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <fstream>
#include <string>

#include "interop/child_process.hpp"

using twinsms::test::child_process;
using namespace std::chrono_literals;

namespace {
std::string comm_of(pid_t pid) {
    std::ifstream f{"/proc/" + std::to_string(pid) + "/comm"};
    std::string s;
    std::getline(f, s);
    return s;
}

// Forks a stand-in for a test process that starts `argv` and is then killed
// with SIGKILL; returns how the grandchild ended (it is reparented to us, a
// subreaper, so we can reap it), or -1 if it still ran after 10 s.
int grandchild_fate(std::vector<std::string> argv, const std::string& running_as) {
    BOOST_REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1) == 0);
    int p[2];
    BOOST_REQUIRE(::pipe(p) == 0);
    const pid_t test = ::fork();
    BOOST_REQUIRE(test >= 0);
    if (test == 0) {
        ::close(p[0]);
        try {
            child_process c{std::move(argv)};
            const pid_t g = c.pid();
            if (::write(p[1], &g, sizeof g) != sizeof g) ::_exit(2);
            for (;;) ::pause(); // until killed: the destructor never runs
        } catch (...) {
        }
        ::_exit(1);
    }
    ::close(p[1]);
    pid_t g = -1;
    BOOST_REQUIRE(::read(p[0], &g, sizeof g) == static_cast<ssize_t>(sizeof g));
    ::close(p[0]);
    // Until the wrapper has exec'd what it runs (bounded).
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (comm_of(g) != running_as && std::chrono::steady_clock::now() < until) {
        pollfd none{};
        ::poll(&none, 0, 5); // /proc has no event to await
    }
    BOOST_REQUIRE_EQUAL(comm_of(g), running_as);
    ::kill(test, SIGKILL);
    int st = 0;
    BOOST_REQUIRE(::waitpid(test, &st, 0) == test);
    const int fd = static_cast<int>(::syscall(SYS_pidfd_open, g, 0));
    BOOST_REQUIRE(fd >= 0);
    pollfd pfd{fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 10'000);
    ::close(fd);
    if (ready != 1) {
        ::kill(g, SIGKILL);
        ::waitpid(g, &st, 0);
        return -1;
    }
    BOOST_REQUIRE(::waitpid(g, &st, 0) == g);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 1000 + WEXITSTATUS(st);
}
} // namespace

BOOST_AUTO_TEST_CASE(a_child_is_killed_when_the_test_process_is) {
    BOOST_TEST(grandchild_fate({"sleep", "60"}, "sleep") == SIGKILL);
}

BOOST_AUTO_TEST_CASE(a_child_behind_a_wrapper_that_execs_is_killed_too) {
    BOOST_TEST(grandchild_fate({"sh", "-c", "exec sleep 61"}, "sleep") == SIGKILL);
}
