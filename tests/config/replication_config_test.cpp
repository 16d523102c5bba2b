#define BOOST_TEST_MODULE config_replication
// node.replication: off when absent, sync by default once present, the
// values of an async section with the replica path defaulted, and every
// refusal with file:line:column; replication.tls read with paths relative
// to the folder, and its refusals (a missing file, no certificate) located.
#include <boost/test/unit_test.hpp>

#include "config/profiles_copy.hpp"
#include "tls/test_pki.hpp"

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

// replication.tls: one section for the listener and the connecting side,
// the node's certificate for both.
BOOST_FIXTURE_TEST_CASE(tls_for_both_ends_of_the_channel, repl_profiles) {
    twinsms::test::test_ca ca{dir / "pki", "pair-ca"};
    const auto node = ca.issue("site1");
    std::filesystem::create_directories(dir / "tls");
    std::filesystem::copy_file(node.cert, dir / "tls/site1.crt");
    std::filesystem::copy_file(node.key, dir / "tls/site1.key");
    std::filesystem::copy_file(ca.cert_file(), dir / "tls/pair-ca.crt");
    const std::string base = "    listen: 127.0.0.1:2790\n    peer: 127.0.0.1:2890\n    token: pair-replication-secret\n";
    replication(base + "    tls:\n      certificate: tls/site1.crt\n      private_key: tls/site1.key\n"
                       "      client_ca: tls/pair-ca.crt\n      ca_file: tls/pair-ca.crt\n"
                       "      server_name: site2.example.net\n      handshake_timeout: 3s\n");
    const auto r = load_profiles(dir).node.replication;
    BOOST_REQUIRE(r.tls);
    BOOST_TEST(r.tls->server.certificate == (dir / "tls/site1.crt").string());
    BOOST_TEST(r.tls->server.private_key == (dir / "tls/site1.key").string());
    BOOST_TEST(r.tls->server.client_ca == (dir / "tls/pair-ca.crt").string());
    BOOST_TEST(r.tls->server.handshake_timeout.count() == 3000);
    BOOST_TEST(r.tls->client.enabled);
    BOOST_TEST(r.tls->client.verify_peer);
    BOOST_TEST(r.tls->client.ca_file == (dir / "tls/pair-ca.crt").string());
    BOOST_TEST(r.tls->client.server_name == "site2.example.net");
    BOOST_TEST(r.tls->client.certificate == r.tls->server.certificate); // our client certificate
    BOOST_TEST(r.tls->client.private_key == r.tls->server.private_key);
    BOOST_TEST(r.tls->client.handshake_timeout.count() == 3000);

    // Without a certificate: no listener can run TLS.
    replace("node.yaml", "      certificate: tls/site1.crt\n", "");
    auto e = error();
    BOOST_TEST(has(e, "node.replication.tls: missing required key 'certificate'"), e);
    BOOST_TEST(has(e, at("node.yaml", "      private_key: tls/site1.key", 7)), e);
    // A key file that is not there: the key and the file are named.
    replace("node.yaml", "      private_key: tls/site1.key\n",
            "      certificate: tls/site1.crt\n      private_key: tls/missing.key\n");
    e = error();
    BOOST_TEST(has(e, at("node.yaml", "private_key: tls/missing.key", 20)), e);
    BOOST_TEST(has(e, "node.replication.tls.private_key"), e);
    BOOST_TEST(has(e, "missing.key: cannot read"), e);
    // An unknown key (carrier.tls's `enabled` is not one here: the section is TLS).
    replace("node.yaml", "      private_key: tls/missing.key\n", "      private_key: tls/site1.key\n      enabled: false\n");
    e = error();
    BOOST_TEST(has(e, "enabled"), e);
    BOOST_TEST(has(e, "node.yaml:"), e);
}
