#define BOOST_TEST_MODULE config_replication
// node.replication: off when absent, sync by default once present, the
// values of an async section with the replica path defaulted, and every
// refusal with file:line:column.
#include <boost/test/unit_test.hpp>

#include "config/profiles_copy.hpp"

using namespace twinsms::config;

namespace {
struct repl_profiles : twinsms::test::profiles_copy {
    void replication(const std::string& body) const {
        replace("node.yaml", "  log_level:", "  replication:\n" + body + "  log_level:");
    }
};
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_FIXTURE_TEST_CASE(off_without_a_section, repl_profiles) {
    BOOST_TEST((load_profiles(dir).node.replication.mode == replication_mode::off));
}

BOOST_FIXTURE_TEST_CASE(an_async_section, repl_profiles) {
    replication("    mode: async\n    listen: 127.0.0.1:2790\n    peer: 127.0.0.1:2890\n"
                "    token: pair-replication-secret\n    buffer_mb: 8\n");
    const auto r = load_profiles(dir).node.replication;
    BOOST_TEST((r.mode == replication_mode::async));
    BOOST_TEST(r.listen->port() == 2790);
    BOOST_TEST(r.peer->port() == 2890);
    BOOST_TEST(r.token == "pair-replication-secret");
    BOOST_TEST(r.buffer_mb == 8u);
    BOOST_TEST(r.replica_path.empty()); // the store path + ".replica"
    BOOST_TEST(r.timeout.count() == 1000);
}

BOOST_FIXTURE_TEST_CASE(sync_is_the_default_once_the_section_is_there, repl_profiles) {
    replication("    listen: 127.0.0.1:2790\n    peer: 127.0.0.1:2890\n    token: pair-replication-secret\n    timeout: 250ms\n");
    const auto r = load_profiles(dir).node.replication;
    BOOST_TEST((r.mode == replication_mode::sync));
    BOOST_TEST(r.timeout.count() == 250);
}

BOOST_FIXTURE_TEST_CASE(refusals_name_file_line_and_what, repl_profiles) {
    replication("    mode: later\n");
    auto e = error();
    BOOST_TEST(has(e, at("node.yaml", "mode: later", 11)), e);
    BOOST_TEST(has(e, "sync"), e); // the choices are named

    replace("node.yaml", "    mode: later\n", "    mode: async\n    listen: 127.0.0.1:2790\n    peer: 127.0.0.1:2890\n    token: short\n");
    e = error();
    BOOST_TEST(has(e, "token of at least 16"), e);
    BOOST_TEST(has(e, "node.yaml:"), e);

    replace("node.yaml", "    peer: 127.0.0.1:2890\n", "");
    e = error();
    BOOST_TEST(has(e, "needs peer"), e);
}

// Settings replication: clients and carriers by default with the section,
// the list as given, [] for none, and an unknown kind named.
BOOST_FIXTURE_TEST_CASE(profiles_to_replicate, repl_profiles) {
    const std::string base = "    mode: off\n";
    replication(base);
    auto p = load_profiles(dir).node.replication.profiles;
    BOOST_TEST((p.clients && p.carriers && !p.routes));
    replace("node.yaml", base, base + "    profiles: [routes, clients]\n");
    p = load_profiles(dir).node.replication.profiles;
    BOOST_TEST((p.clients && !p.carriers && p.routes));
    replace("node.yaml", "    profiles: [routes, clients]\n", "    profiles: []\n");
    BOOST_TEST(!load_profiles(dir).node.replication.profiles.any());
    replace("node.yaml", "    profiles: []\n", "    profiles: [node]\n");
    const auto e = error();
    BOOST_TEST(has(e, "node.yaml:"), e);
    BOOST_TEST(has(e, "carriers"), e); // the choices are named
}
