// TLS keys of the profiles: node.listen_tls / node.tls / admin.tls and the
// carrier tls section. Files are checked while reading, so bad ones are
// config errors with file:line:column and the YAML path.
#define BOOST_TEST_MODULE tls_config
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "cli.hpp"
#include "tls/tls_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace fs = std::filesystem;

namespace {

struct folder {
    test_pki pki;
    fs::path dir = pki.dir.path / "profiles";

    folder() {
        fs::create_directories(dir / "tls");
        fs::copy_file(pki.server.cert, dir / "tls/node.crt");
        fs::copy_file(pki.server.key, dir / "tls/node.key");
        fs::copy_file(pki.ca.cert_file(), dir / "tls/ca.crt");
        write("clients/acme.yaml", "client:\n  system_id: acme\n  password: secret\n");
    }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream{dir / rel} << text;
    }
    // node.yaml with `extra` (indented two spaces, under node:).
    void node(const std::string& extra) const {
        write("node.yaml", "node:\n  id: n1\n  role: primary\n  store: {path: " + (dir / "store").string() + "}\n" + extra);
    }
    void carrier(const std::string& tls) const {
        write("carriers/smsc.yaml", "carrier:\n  host: 127.0.0.1\n  port: 2776\n  system_id: twinsms\n  password: pw\n" + tls);
    }
    std::string error() const {
        try {
            config::load_profiles(dir);
        } catch (const config::config_error& e) {
            return e.what();
        }
        return "(no error)";
    }
};

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

} // namespace

BOOST_FIXTURE_TEST_CASE(node_tls_and_listen_tls_are_read_with_paths_relative_to_the_folder, folder) {
    node("  listen: [127.0.0.1:2775]\n  listen_tls: [127.0.0.1:3775, 127.0.0.2:3775]\n"
         "  tls:\n    certificate: tls/node.crt\n    private_key: tls/node.key\n    client_ca: tls/ca.crt\n"
         "    handshake_timeout: 5s\n"
         "  admin: {listen: 127.0.0.1:8081, token: admin-token-0123456789, tls: true}\n");
    carrier("  tls: {ca_file: tls/ca.crt, server_name: smsc.example.net}\n");
    const auto set = config::load_profiles(dir);
    const auto& n = set.node;
    BOOST_TEST(n.listen.size() == 1u);
    BOOST_REQUIRE_EQUAL(n.listen_tls.size(), 2u);
    BOOST_TEST(n.listen_tls[1].port() == 3775);
    BOOST_REQUIRE(n.tls);
    BOOST_TEST(n.tls->certificate == (dir / "tls/node.crt").string());
    BOOST_TEST(n.tls->private_key == (dir / "tls/node.key").string());
    BOOST_TEST(n.tls->client_ca == (dir / "tls/ca.crt").string());
    BOOST_TEST(n.tls->handshake_timeout.count() == 5000);
    BOOST_REQUIRE(n.admin.tls);
    BOOST_TEST((*n.admin.tls == *n.tls));
    const auto& t = set.carrier("smsc")->link.tls;
    BOOST_TEST(t.enabled);
    BOOST_TEST(t.verify_peer);
    BOOST_TEST(t.ca_file == (dir / "tls/ca.crt").string());
    BOOST_TEST(t.server_name == "smsc.example.net");
    BOOST_TEST(t.certificate.empty());
}

BOOST_FIXTURE_TEST_CASE(a_node_may_listen_over_tls_only, folder) {
    node("  listen_tls: [127.0.0.1:3775]\n  tls: {certificate: tls/node.crt, private_key: tls/node.key}\n");
    const auto set = config::load_profiles(dir);
    BOOST_TEST(set.node.listen.empty());
    BOOST_TEST(set.node.listen_tls.size() == 1u);
    BOOST_TEST(!set.node.admin.tls);
}

BOOST_FIXTURE_TEST_CASE(without_tls_nothing_changes, folder) {
    node("  listen: [127.0.0.1:2775]\n");
    carrier("");
    const auto set = config::load_profiles(dir);
    BOOST_TEST(set.node.listen_tls.empty());
    BOOST_TEST(!set.node.tls);
    BOOST_TEST(!set.carrier("smsc")->link.tls.enabled);
    // No listen at all is still an error.
    node("");
    BOOST_TEST(has(error(), "node: missing required key 'listen'"), error());
}

BOOST_FIXTURE_TEST_CASE(node_errors_name_file_line_column_and_path, folder) {
    node("  listen_tls: [127.0.0.1:3775]\n");
    BOOST_TEST(has(error(), "node.yaml:5:15: node.listen_tls: needs a node.tls section"), error());

    node("  listen: [127.0.0.1:2775]\n  tls: {certificate: tls/none.crt, private_key: tls/node.key}\n");
    BOOST_TEST(has(error(), "node.yaml:6:22: node.tls.certificate: certificate " + (dir / "tls/none.crt").string() +
                                ": cannot read: No such file or directory"),
               error());

    // A key that is not the certificate's.
    fs::copy_file(pki.client.key, dir / "tls/other.key");
    node("  listen: [127.0.0.1:2775]\n  tls:\n    certificate: tls/node.crt\n    private_key: tls/other.key\n");
    BOOST_TEST(has(error(), "node.yaml:8:18: node.tls.private_key: private_key " + (dir / "tls/other.key").string() +
                                " does not belong to certificate"),
               error());

    // Not PEM at all.
    write("tls/garbage.crt", "not a certificate\n");
    node("  listen: [127.0.0.1:2775]\n  tls: {certificate: tls/garbage.crt, private_key: tls/node.key}\n");
    BOOST_TEST(has(error(), "node.tls.certificate: certificate " + (dir / "tls/garbage.crt").string() + ": "), error());

    node("  listen: [127.0.0.1:2775]\n  tls: {certificate: tls/node.crt, private_key: tls/node.key, cert_file: x}\n");
    BOOST_TEST(has(error(), "node.tls.cert_file: unknown key"), error());

    node("  listen: [127.0.0.1:2775]\n  tls: {certificate: tls/node.crt}\n");
    BOOST_TEST(has(error(), "node.tls: missing required key 'private_key'"), error());

    node("  listen: [127.0.0.1:2775]\n  tls: {certificate: tls/node.crt, private_key: tls/node.key, handshake_timeout: 0s}\n");
    BOOST_TEST(has(error(), "node.tls.handshake_timeout: must be positive"), error());

    node("  listen: [127.0.0.1:2775]\n  admin: {listen: 127.0.0.1:8081, token: admin-token-0123456789, tls: true}\n");
    BOOST_TEST(has(error(), "node.admin.tls: needs a node.tls section"), error());
}

BOOST_FIXTURE_TEST_CASE(carrier_errors, folder) {
    node("  listen: [127.0.0.1:2775]\n");
    carrier("  tls: {ca_file: tls/missing.pem}\n");
    BOOST_TEST(has(error(), "smsc.yaml:6:18: carrier.tls.ca_file: ca_file " + (dir / "tls/missing.pem").string() +
                                ": cannot read"),
               error());

    carrier("  tls: {ca_file: tls/ca.crt, certificate: tls/node.crt}\n");
    BOOST_TEST(has(error(), "carrier.tls.certificate: a client certificate needs both certificate and private_key"), error());

    carrier("  tls: {ca_file: tls/ca.crt, verify: true}\n");
    BOOST_TEST(has(error(), "carrier.tls.verify: unknown key"), error());

    carrier("  tls: {ca_file: tls/ca.crt, verify_peer: maybe}\n");
    BOOST_TEST(has(error(), "carrier.tls.verify_peer: expected true or false"), error());

    // Switched off: kept, not checked (the files may come later).
    carrier("  tls: {enabled: false, ca_file: tls/missing.pem}\n");
    const auto set = config::load_profiles(dir);
    BOOST_TEST(!set.carrier("smsc")->link.tls.enabled);

    // A client certificate of ours.
    fs::copy_file(pki.client.cert, dir / "tls/client.crt");
    fs::copy_file(pki.client.key, dir / "tls/client.key");
    carrier("  tls:\n    ca_file: tls/ca.crt\n    certificate: tls/client.crt\n    private_key: tls/client.key\n"
            "    verify_peer: false\n");
    const auto c = config::load_profiles(dir).carrier("smsc")->link.tls;
    BOOST_TEST(c.certificate == (dir / "tls/client.crt").string());
    BOOST_TEST(!c.verify_peer);
}

// The TLS keys profiles/example documents (commented out) are valid once
// uncommented, with certificates at the paths it names.
BOOST_FIXTURE_TEST_CASE(the_example_tls_sections_are_valid, folder) {
    const fs::path example = fs::path{TWINSMS_SOURCE_DIR} / "profiles/example";
    const fs::path copy = pki.dir.path / "example";
    fs::copy(example, copy, fs::copy_options::recursive);
    // Uncomments the block of "  # " lines that starts with the line holding `first`.
    auto uncomment = [](const fs::path& file, const std::string& first) {
        std::ifstream in{file};
        std::ostringstream out;
        bool inside = false, found = false;
        for (std::string l; std::getline(in, l);) {
            if (l.find(first) != std::string::npos) inside = found = true;
            else if (inside && l.rfind("  # ", 0) != 0) inside = false;
            if (inside && l.rfind("  # ", 0) == 0) l = "  " + l.substr(4);
            out << l << "\n";
        }
        BOOST_REQUIRE_MESSAGE(found, first + " not in " + file.string());
        std::ofstream{file} << out.str();
    };
    uncomment(copy / "node.yaml", "# listen_tls:");
    uncomment(copy / "carriers/uk-mno.yaml", "# tls:");
    fs::create_directories(copy / "tls");
    fs::copy_file(pki.server.cert, copy / "tls/node.crt");
    fs::copy_file(pki.server.key, copy / "tls/node.key");
    fs::copy_file(pki.ca.cert_file(), copy / "tls/clients.pem");
    fs::copy_file(pki.ca.cert_file(), copy / "tls/uk-mno-ca.pem");
    fs::copy_file(pki.client.cert, copy / "tls/twinsms-client.crt");
    fs::copy_file(pki.client.key, copy / "tls/twinsms-client.key");
    ::setenv("ACME_SMPP_PASSWORD", "acme-pw", 1);
    ::setenv("UK_MNO_PASSWORD", "uk-pw", 1);
    const auto set = config::load_profiles(copy);
    BOOST_TEST(set.node.listen_tls.size() == 1u);
    BOOST_REQUIRE(set.node.tls);
    BOOST_TEST(set.node.tls->client_ca == (copy / "tls/clients.pem").string());
    const auto& t = set.carrier("uk-mno")->link.tls;
    BOOST_TEST(t.enabled);
    BOOST_TEST(t.server_name == "smsc.uk-mno.example");
    BOOST_TEST(t.certificate == (copy / "tls/twinsms-client.crt").string());
}

BOOST_AUTO_TEST_CASE(simulator_tls_options) {
    std::string err;
    const char* ok[] = {"twinsms-smsc-sim", "--accept-any", "--tls-cert", "c.pem", "--tls-key=k.pem", "--tls-client-ca", "ca.pem"};
    const auto o = sim::parse_cli(7, ok, err);
    BOOST_REQUIRE_MESSAGE(o, err);
    BOOST_TEST(o->tls.certificate == "c.pem");
    BOOST_TEST(o->tls.private_key == "k.pem");
    BOOST_TEST(o->tls.client_ca == "ca.pem");
    const char* half[] = {"twinsms-smsc-sim", "--accept-any", "--tls-cert", "c.pem"};
    BOOST_TEST(!sim::parse_cli(4, half, err));
    BOOST_TEST(err == "TLS needs both --tls-cert and --tls-key");
    const char* none[] = {"twinsms-smsc-sim", "--accept-any"};
    BOOST_TEST(sim::parse_cli(2, none, err)->tls.certificate.empty());
}
