// The operator's transition hook: runs detached with the transition in its
// environment, and never blocks the caller even when the command hangs.
#define BOOST_TEST_MODULE transition_hook
#include <boost/test/unit_test.hpp>

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "pair/transition_hook.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct temp_dir {
    fs::path path = fs::temp_directory_path() / ("twinsms-hook-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    temp_dir() { fs::create_directories(path); }
    ~temp_dir() { fs::remove_all(path); }
};

// The hook writes its file with a rename, so the file appears complete; a
// bounded wait for that event (the hook runs in another process), woken by
// inotify on the file's folder (a name created or moved in), at most `limit`.
std::string wait_for_file(const fs::path& p, std::chrono::milliseconds limit = 5s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    const int watch = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watch >= 0) ::inotify_add_watch(watch, p.parent_path().c_str(), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE);
    while (!fs::exists(p)) { // checked after the watch is set: an earlier rename is not missed
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() < 0) {
            if (watch >= 0) ::close(watch);
            return "<timeout>";
        }
        pollfd fd{watch, POLLIN, 0};
        // Without inotify (watch < 0): poll() on no descriptor waits in 5 ms steps.
        ::poll(watch >= 0 ? &fd : nullptr, watch >= 0 ? 1 : 0, static_cast<int>(watch >= 0 ? left.count() + 1 : 5));
        char buf[4096];
        if (watch >= 0) while (::read(watch, buf, sizeof buf) > 0) {}
    }
    if (watch >= 0) ::close(watch);
    std::ifstream in{p};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(hook_sees_the_transition_in_its_environment) {
    temp_dir d;
    const auto out = d.path / "out";
    const std::string cmd = "printf '%s %s %s %s %s' \"$TWINSMS_NODE\" \"$TWINSMS_FROM\" \"$TWINSMS_TO\" "
                            "\"$TWINSMS_EPOCH\" \"$HOME_MARK\" > '" + (d.path / "tmp").string() + "' && mv '" +
                            (d.path / "tmp").string() + "' '" + out.string() + "'";
    ::setenv("HOME_MARK", "kept", 1);
    twinsms::pair::run_transition_hook(cmd, {{"TWINSMS_NODE", "site2"}, {"TWINSMS_FROM", "normal"},
                                            {"TWINSMS_TO", "took_over"}, {"TWINSMS_EPOCH", "4"}});
    BOOST_TEST(wait_for_file(out) == "site2 normal took_over 4 kept");
}

BOOST_AUTO_TEST_CASE(a_hanging_hook_does_not_block_the_caller) {
    temp_dir d;
    const auto out = d.path / "done";
    const auto t0 = std::chrono::steady_clock::now();
    twinsms::pair::run_transition_hook("sleep 1; touch '" + out.string() + "'", {});
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 500ms));
    BOOST_TEST(!fs::exists(out));
    BOOST_TEST(wait_for_file(out) == ""); // and it did run (the test leaves nothing behind)
}

BOOST_AUTO_TEST_CASE(a_failing_hook_is_only_logged) {
    temp_dir d;
    const auto out = d.path / "after";
    twinsms::pair::run_transition_hook("exit 7", {});
    // The caller goes on; a later hook still runs.
    twinsms::pair::run_transition_hook("touch '" + out.string() + "'", {});
    BOOST_TEST(wait_for_file(out) == "");
}
