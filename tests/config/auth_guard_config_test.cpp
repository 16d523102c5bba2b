#define BOOST_TEST_MODULE config_auth_guard
// node.auth_guard and node.admin.request_timeout on a copy of profiles/demo:
// the defaults, the values read, and refusals with file:line:column and path.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"

using namespace twinsms::config;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct demo_copy {
    fs::path dir{fs::temp_directory_path() / ("twinsms-guard-conf-" + std::to_string(::getpid()))};
    demo_copy() {
        fs::remove_all(dir);
        fs::copy(fs::path{TWINSMS_SOURCE_DIR} / "profiles/demo", dir, fs::copy_options::recursive);
    }
    ~demo_copy() { fs::remove_all(dir); }
    // Adds `yaml` (indented for node) before node.log_level.
    void node_lines(const std::string& yaml) const {
        std::ifstream in{dir / "node.yaml"};
        std::string text{std::istreambuf_iterator<char>{in}, {}};
        const auto at = text.find("  log_level:");
        BOOST_REQUIRE(at != std::string::npos);
        text.insert(at, yaml);
        std::ofstream{dir / "node.yaml"} << text;
    }
    std::string error() const {
        try {
            load_profiles(dir);
        } catch (const config_error& e) {
            return e.what();
        }
        return "(no error)";
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(defaults_when_absent, demo_copy) {
    const auto p = load_profiles(dir);
    const auto& g = p.node.auth_guard;
    BOOST_TEST(g.max_failures == 5u);
    BOOST_TEST((g.window == 60s && g.block_for == 60s));
    BOOST_TEST(g.account_max_failures == 20u);
    BOOST_TEST((g.account_window == 10min && g.account_lockout == 15min && g.trust_for == 24h));
    BOOST_TEST(g.max_addresses == 10'000u);
    BOOST_TEST((p.node.admin.request_timeout == 15s));
}

BOOST_FIXTURE_TEST_CASE(values_are_read, demo_copy) {
    node_lines("  auth_guard:\n    max_failures: 3\n    window: 30s\n    block_for: 5m\n    account_max_failures: 50\n"
               "    account_window: 1h\n    account_lockout: 2h\n    trust_for: 7d\n    max_tracked: 500\n"
               "  admin: {listen: 127.0.0.1:0, token: config-admin-token-0123456789, request_timeout: 3s}\n");
    const auto g = load_profiles(dir).node.auth_guard;
    BOOST_TEST(g.max_failures == 3u);
    BOOST_TEST((g.window == 30s && g.block_for == 5min));
    BOOST_TEST(g.account_max_failures == 50u);
    BOOST_TEST((g.account_window == 1h && g.account_lockout == 2h && g.trust_for == 7 * 24h));
    BOOST_TEST(g.max_addresses == 500u);
    BOOST_TEST((load_profiles(dir).node.admin.request_timeout == 3s));
}

BOOST_FIXTURE_TEST_CASE(bad_values_name_file_line_and_path, demo_copy) {
    node_lines("  auth_guard:\n    max_failures: 0\n");
    const auto e = error();
    BOOST_TEST(e.find("node.yaml:") != std::string::npos, e);
    BOOST_TEST(e.find("node.auth_guard.max_failures") != std::string::npos, e);
}

BOOST_FIXTURE_TEST_CASE(unknown_keys_are_refused, demo_copy) {
    node_lines("  auth_guard: {max_failure: 3}\n");
    BOOST_TEST(error().find("max_failure") != std::string::npos, error());
}

BOOST_FIXTURE_TEST_CASE(zero_durations_are_refused, demo_copy) {
    node_lines("  auth_guard: {block_for: 0s}\n");
    const auto e = error();
    BOOST_TEST(e.find("node.auth_guard.block_for") != std::string::npos, e);
    BOOST_TEST(e.find("must be positive") != std::string::npos, e);
}
