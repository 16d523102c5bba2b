#define BOOST_TEST_MODULE config_witness
// node.cluster.witness and node.cluster.secret on copies of the demo pair
// (profiles/pair/site1 and site2): the values read, the key both nodes
// default to, every refusal with its file:line:column and YAML path, and
// the partition warnings (none with a witness and a secret on separate
// networks; the demo's loopback second path is warned about).
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"

using namespace twinsms::config;
namespace fs = std::filesystem;

namespace {

struct pair_copy {
    fs::path dir;
    explicit pair_copy(const std::string& suffix = "")
        : dir{fs::temp_directory_path() / ("twinsms-witness-conf-" + std::to_string(::getpid()) + suffix)} {
        fs::remove_all(dir);
        fs::create_directories(dir);
        fs::copy(fs::path{TWINSMS_SOURCE_DIR} / "profiles/pair", dir, fs::copy_options::recursive);
    }
    ~pair_copy() { fs::remove_all(dir); }
    fs::path site(const std::string& s) const { return dir / s; }
    std::string read(const fs::path& p) const {
        std::ifstream in{p};
        return {std::istreambuf_iterator<char>{in}, {}};
    }
    // Puts `yaml` (lines indented for node.cluster) into the site's cluster section.
    void cluster_lines(const std::string& s, const std::string& yaml) const {
        auto text = read(site(s) / "node.yaml");
        const auto at = text.find("    failback:");
        BOOST_REQUIRE(at != std::string::npos);
        text.insert(at, yaml);
        std::ofstream{site(s) / "node.yaml"} << text;
    }
    std::string error(const std::string& s) const {
        try {
            load_profiles(site(s));
        } catch (const config_error& e) {
            return e.what();
        }
        return "(no error)";
    }
};

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

} // namespace

BOOST_FIXTURE_TEST_CASE(values_defaults_and_the_shared_key, pair_copy) {
    cluster_lines("site1", "    witness: {endpoints: [http://127.0.0.1:2379, 'http://127.0.0.2:2379/']}\n");
    cluster_lines("site2", "    witness:\n      endpoints: http://127.0.0.1:2379\n      lease_ttl: 5s\n      timeout: 1s\n"
                           "      username: twinsms\n      password: etcd-pw\n");
    const auto a = load_profiles(site("site1")), b = load_profiles(site("site2"));
    BOOST_REQUIRE(a.node.cluster.witness && b.node.cluster.witness);
    const auto& w = *a.node.cluster.witness;
    BOOST_TEST(w.endpoints.size() == 2u);
    BOOST_TEST(w.endpoints[1] == "http://127.0.0.2:2379"); // trailing slash dropped
    BOOST_TEST(w.lease_ttl.count() == 3);
    BOOST_TEST(w.timeout.count() == 750);
    BOOST_TEST(!w.tls.enabled);
    BOOST_TEST(w.key == "/twinsms/site1/carrier_owner");
    BOOST_TEST(b.node.cluster.witness->key == w.key); // the secondary names the primary's key
    BOOST_TEST(b.node.cluster.witness->lease_ttl.count() == 5);
    BOOST_TEST(b.node.cluster.witness->username == "twinsms");
    BOOST_TEST(b.node.cluster.witness->password == "etcd-pw");
    BOOST_TEST(a.node.cluster.secret == "demo-pair-secret-0123456789");
    // With a witness the pair is partition-safe; the loopback second path is still said.
    const auto warn = partition_warnings(a);
    for (const auto& x : warn) BOOST_TEST(!has(x, "not partition-safe"));
    BOOST_TEST(warn.size() == 1u);
    BOOST_TEST(has(warn.at(0), "listens on loopback"));
}

BOOST_FIXTURE_TEST_CASE(without_a_witness_the_warnings_say_so, pair_copy) {
    const auto a = load_profiles(site("site1")), b = load_profiles(site("site2"));
    BOOST_TEST(!a.node.cluster.witness);
    const auto wa = partition_warnings(a), wb = partition_warnings(b);
    BOOST_REQUIRE(!wa.empty());
    BOOST_TEST(has(wa[0], "not partition-safe: no cluster.witness"));
    BOOST_REQUIRE(wb.size() == 2u);
    BOOST_TEST(has(wb[1], "both end on this host's loopback, in one process"));
    // The same address as the peer link.
    auto text = read(site("site2") / "node.yaml");
    text.replace(text.find("second_path: 127.0.0.2:2785"), 27, "second_path: 127.0.0.1:2785");
    std::ofstream{site("site2") / "node.yaml"} << text;
    const auto same = partition_warnings(load_profiles(site("site2")));
    BOOST_TEST(has(same.back(), "uses the peer link's address 127.0.0.1"));
    // No secret: said too.
    text = read(site("site2") / "node.yaml");
    text.replace(text.find("    secret: demo-pair-secret-0123456789\n"), 41, "");
    std::ofstream{site("site2") / "node.yaml"} << text;
    bool said = false;
    for (const auto& x : partition_warnings(load_profiles(site("site2")))) said |= has(x, "peer_status is not authenticated");
    BOOST_TEST(said);
}

BOOST_FIXTURE_TEST_CASE(refusals_name_file_line_and_path, pair_copy) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"    witness: {endpoints: [etcd:2379]}\n", "node.cluster.witness.endpoints[0]"},
        {"    witness: {endpoints: [http://etcd/v3]}\n", "without a path"},
        {"    witness: {endpoints: []}\n", "at least one etcd endpoint"},
        {"    witness: {endpoints: [http://a:1, https://b:2]}\n", "all endpoints use http or all use https"},
        {"    witness: {endpoints: [http://a:1], lease_ttl: 1500ms}\n", "node.cluster.witness.lease_ttl"},
        {"    witness: {endpoints: [http://a:1], lease_ttl: 1s}\n", "whole seconds from 2s to 60s"},
        {"    witness: {endpoints: [http://a:1], timeout: 2s}\n", "at most a third of lease_ttl"},
        {"    witness: {endpoints: [http://a:1], tls: {verify_peer: false}}\n", "tls needs https:// endpoints"},
        {"    witness: {endpoints: [http://a:1], username: u}\n", "missing required key 'password'"},
        {"    witness: {endpoints: [http://a:1], key: relative}\n", "starting with '/'"},
        {"    witness: {endpoints: [http://a:1], ttl: 3s}\n", "ttl"},
        {"    secret: short\n", "at least 16 characters"},
    };
    for (const auto& [yaml, want] : cases) {
        const pair_copy fresh{"-case"};
        if (has(yaml, "secret:")) {
            auto text = fresh.read(fresh.site("site1") / "node.yaml");
            text.replace(text.find("    secret: demo-pair-secret-0123456789\n"), 41, "");
            std::ofstream{fresh.site("site1") / "node.yaml"} << text;
        }
        fresh.cluster_lines("site1", yaml);
        const auto e = fresh.error("site1");
        BOOST_TEST_CONTEXT(yaml) {
            BOOST_TEST(has(e, want), e);
            BOOST_TEST(has(e, "node.yaml:"), e);
        }
    }
}

// Settings replication rides on peer_status and rewrites accounts on the
// other node: a replication section (profiles replicated by default) in a
// pair without cluster.secret is refused; profiles: [] is not.
BOOST_FIXTURE_TEST_CASE(settings_replication_needs_the_pair_secret, pair_copy) {
    const auto node = site("site1") / "node.yaml";
    auto text = read(node);
    const std::string secret_line = "    secret: demo-pair-secret-0123456789\n";
    text.replace(text.find(secret_line), secret_line.size(), "");
    text.replace(text.find("  alerts:"), 0, "  replication: {mode: off}\n");
    std::ofstream{node} << text;
    const auto e = error("site1");
    BOOST_TEST(has(e, "node.replication.profiles"), e);
    BOOST_TEST(has(e, "node.cluster.secret"), e);
    text.replace(text.find("{mode: off}"), 11, "{mode: off, profiles: []}");
    std::ofstream{node} << text;
    BOOST_TEST(error("site1") == "(no error)");
}
