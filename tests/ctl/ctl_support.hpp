#pragma once
// twinsmsctl as a child process for the ctl tests: its output and exit
// code, with only the environment the test gives it.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "http/test_support.hpp"
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

inline const std::string ctl_token = "ctl-test-token-0123456789";

// An admin API on 127.0.0.1:0, on its own io thread, whose token checks and
// commands go to a recording backend; `routes` adds more endpoints (the
// opt-out or credit ones) before it starts.
struct admin_node {
    io_thread io;
    recording_backend backend;
    std::unique_ptr<http::admin_http> admin;
    std::string url;
    explicit admin_node(const std::function<void(http::router&, recording_backend&)>& routes = {}) {
        config::admin_settings s;
        s.listen = boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("127.0.0.1"), 0};
        s.token = ctl_token;
        io.run([&] {
            admin = std::make_unique<http::admin_http>(io.executor(), s, backend);
            if (routes) routes(admin->routes(), backend);
            admin->start();
            url = "http://127.0.0.1:" + std::to_string(admin->local_endpoint().port());
        });
    }
    ~admin_node() {
        io.await(admin->stop());
        io.run([&] { admin.reset(); });
    }
    // twinsmsctl --node URL --token TOKEN PREFIX... ARGS...
    run_result run(std::vector<std::string> args, const std::vector<std::string>& prefix = {}) {
        args.insert(args.begin(), prefix.begin(), prefix.end());
        args.insert(args.begin(), {"--node", url, "--token", ctl_token});
        return ctl(args);
    }
};

} // namespace twinsms::test
