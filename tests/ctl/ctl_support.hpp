#pragma once
// twinsmsctl as a child process for the ctl tests: its output and exit
// code, with only the environment the test gives it.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "interop/child_process.hpp"

#ifndef TWINSMSCTL_EXE
#error "TWINSMSCTL_EXE must name the twinsmsctl executable"
#endif

namespace twinsms::test {

namespace fs = std::filesystem;

struct run_result {
    int code = -1;
    std::string out, err;
};

// Asio opens sockets without FD_CLOEXEC; the child must not keep our
// listener open (see tests/daemon/daemon_process.hpp).
inline void close_on_exec_all() {
    for (const auto& e : fs::directory_iterator("/proc/self/fd"))
        if (const int fd = std::stoi(e.path().filename().string()); fd > 2)
            if (const int f = ::fcntl(fd, F_GETFD); f >= 0) ::fcntl(fd, F_SETFD, f | FD_CLOEXEC);
}

// twinsmsctl ARGS with only the environment given here (the admin
// variables of whoever runs the tests must not leak in).
inline run_result ctl(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{"env", "-u", "TWINSMS_ADMIN_URL", "-u", "TWINSMS_ADMIN_TOKEN"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(TWINSMSCTL_EXE);
    argv.insert(argv.end(), args.begin(), args.end());
    close_on_exec_all();
    child_process p{argv};
    const auto& st = p.wait(std::chrono::seconds(30));
    BOOST_TEST_REQUIRE(!st.timed_out, p.describe());
    return {st.code, p.out(), p.err()};
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct scratch_dir {
    fs::path path;
    scratch_dir() {
        std::string tmpl = (fs::temp_directory_path() / "twinsmsctl-test-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~scratch_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

} // namespace twinsms::test
