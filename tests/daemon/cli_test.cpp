// twinsmsd's command line as an operator meets it: --check on good and
// broken profile folders (the error names file:line:column and the YAML
// path, so it can be fixed without guessing), usage errors, and a listen
// address that is already taken. Exit codes are the ones main.cpp documents:
// 0 ok, 2 usage, 3 invalid profiles, 4 cannot start.
#define BOOST_TEST_MODULE daemon_cli
#include <boost/test/unit_test.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "daemon/daemon_process.hpp"

using namespace twinsms::test;
using namespace std::chrono_literals;

namespace {

struct run_result {
    int code = -1;
    std::string out, err;
};

// Runs twinsmsd to completion (10 s at most: a run that hangs is a failure).
run_result run(std::vector<std::string> args) {
    daemon_process d{std::move(args)};
    const auto& st = d.proc().wait(10s);
    BOOST_TEST(!st.timed_out, "twinsmsd did not exit: " << d.describe());
    return {st.exited && !st.signal ? st.code : -1, d.proc().out(), d.proc().err()};
}

// "LINE:COLUMN" (1-based) of the first `needle` in `text`, as the daemon's
// errors print positions.
std::string position_of(const std::string& text, const std::string& needle) {
    const auto at = text.find(needle);
    BOOST_REQUIRE_MESSAGE(at != std::string::npos, "'" << needle << "' not in the file");
    std::size_t line = 1, col = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') ++line, col = 1;
        else ++col;
    }
    return std::to_string(line) + ":" + std::to_string(col);
}

struct demo_copy {
    scratch_dir scratch;
    profile_dir profiles{scratch.path};
    std::vector<std::string> check() const { return {"--check", profiles.path().string()}; }
    // The whole first line of stderr the daemon must print for an invalid set.
    std::string expected(const std::string& rel, const std::string& pos, const std::string& rest) const {
        return "twinsmsd: " + profiles.file(rel).string() + ":" + pos + ": " + rest + "\n";
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(check_accepts_the_demo_profiles, demo_copy) {
    auto r = run(check());
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("valid (node demo, 1 clients, 1 carriers, 1 routes, 1 MO routes)") != std::string::npos, r.out);
    BOOST_TEST(r.err.empty(), r.err);
    // --check only reads: no store is created next to the profiles.
    BOOST_TEST(!fs::exists(profiles.file("store")));
}

BOOST_FIXTURE_TEST_CASE(yaml_syntax_error_names_file_line_and_column, demo_copy) {
    // An unclosed flow sequence: yaml-cpp reports where it gave up.
    profiles.replace("clients/demo.yaml", "binds: [transmitter, receiver, transceiver]",
                     "binds: [transmitter, receiver, transceiver\n  tps: 1000");
    auto r = run(check());
    BOOST_TEST(r.code == 3);
    const std::string prefix = "twinsmsd: " + profiles.file("clients/demo.yaml").string() + ":";
    BOOST_TEST(r.err.rfind(prefix, 0) == 0u, r.err);
    // file:LINE:COLUMN: message (a syntax error has no YAML path yet).
    const auto rest = r.err.substr(std::min(prefix.size(), r.err.size()));
    unsigned line = 0, col = 0;
    char msg[128] = {};
    BOOST_TEST(std::sscanf(rest.c_str(), "%u:%u: %127[^\n]", &line, &col, msg) == 3, r.err);
    BOOST_TEST(line >= 6u, r.err); // at or after the line the bracket opened on
    BOOST_TEST(std::string{msg}.size() > 5u, r.err);
}

BOOST_FIXTURE_TEST_CASE(unknown_key_is_refused_with_its_path, demo_copy) {
    profiles.replace("carriers/sim.yaml", "  window: 50\n", "  windw: 50\n");
    auto r = run(check());
    BOOST_TEST(r.code == 3);
    const auto pos = position_of(profiles.read("carriers/sim.yaml"), "windw");
    BOOST_TEST(r.err == expected("carriers/sim.yaml", pos, "carrier.windw: unknown key"));
    BOOST_TEST(r.out.empty());
}

BOOST_FIXTURE_TEST_CASE(wrong_type_is_refused_with_its_path, demo_copy) {
    profiles.replace("clients/demo.yaml", "tps: 1000", "tps: lots");
    auto r = run(check());
    BOOST_TEST(r.code == 3);
    const auto pos = position_of(profiles.read("clients/demo.yaml"), "lots");
    BOOST_TEST(r.err == expected("clients/demo.yaml", pos, "client.tps: expected a number, got 'lots'"));
}

BOOST_FIXTURE_TEST_CASE(route_to_a_missing_carrier_is_refused, demo_copy) {
    profiles.replace("routes.yaml", "carriers: [sim]", "carriers: [nope]");
    auto r = run(check());
    BOOST_TEST(r.code == 3);
    const auto pos = position_of(profiles.read("routes.yaml"), "nope");
    BOOST_TEST(r.err == expected("routes.yaml", pos, "routes[0].carriers[0]: no carrier profile named 'nope'"));
}

BOOST_FIXTURE_TEST_CASE(config_with_invalid_profiles_exits_3_before_starting, demo_copy) {
    profiles.replace("routes.yaml", "carriers: [sim]", "carriers: [nope]");
    auto r = run({"--config", profiles.path().string()});
    BOOST_TEST(r.code == 3);
    BOOST_TEST(r.err.find("no carrier profile named 'nope'") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(profiles.file("store"))); // refused before opening anything
}

BOOST_AUTO_TEST_CASE(no_arguments_is_usage_exit_2) {
    auto r = run({});
    BOOST_TEST(r.code == 2);
    BOOST_TEST(r.err.rfind("usage: twinsmsd --config DIR | --check DIR | --help\n", 0) == 0u, r.err);
    BOOST_TEST(r.out.empty());
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_usage_exit_2) {
    for (auto args : std::vector<std::vector<std::string>>{{"--config"}, {"--frobnicate", "x"}, {"--check", "a", "b"}}) {
        BOOST_TEST_CONTEXT(args.front() << " (" << args.size() << " args)") {
            auto r = run(args);
            BOOST_TEST(r.code == 2);
            BOOST_TEST(r.err.find("usage:") != std::string::npos, r.err);
        }
    }
}

BOOST_AUTO_TEST_CASE(help_is_usage_on_stdout_exit_0) {
    auto r = run({"--help"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.rfind("usage: twinsmsd", 0) == 0u, r.out);
}

BOOST_AUTO_TEST_CASE(missing_folder_exits_3) {
    auto r = run({"--check", "/nonexistent/twinsms-profiles"});
    BOOST_TEST(r.code == 3);
    BOOST_TEST(r.err == "twinsmsd: /nonexistent/twinsms-profiles: not a profile folder\n");
}

namespace {
// The daemon started on a listen port something else holds.
struct port_taken : demo_copy {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor taken{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    std::string port = std::to_string(taken.local_endpoint().port());
    run_result r;
    port_taken() {
        profiles.set_listen_port(taken.local_endpoint().port());
        r = run({"--config", profiles.path().string()});
    }
};
} // namespace

BOOST_FIXTURE_TEST_CASE(listen_port_in_use_exits_4, port_taken) {
    BOOST_TEST(r.code == 4, r.err);
    BOOST_TEST(r.err.find("twinsmsd: cannot start: ") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("Address already in use") != std::string::npos, r.err);
}

// Which address, without Boost's source location: with several listen
// entries the operator must know which one is taken.
BOOST_FIXTURE_TEST_CASE(listen_port_in_use_message_names_the_address, port_taken) {
    // The last stderr line is the operator's message (log lines come before it).
    const auto from = r.err.rfind("twinsmsd: cannot start: ");
    BOOST_REQUIRE(from != std::string::npos);
    BOOST_TEST(r.err.substr(from) == "twinsmsd: cannot start: cannot listen on 127.0.0.1:" + port + ": Address already in use\n");
    BOOST_TEST(r.err.find("reactive_socket_service") == std::string::npos, r.err);
}
