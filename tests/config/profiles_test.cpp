#define BOOST_TEST_MODULE config_profiles
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/profiles.hpp"
#include "config/reader.hpp"

using namespace twinsms;
using namespace twinsms::config;
namespace fs = std::filesystem;

namespace {

// A profile folder copied from `from` (or empty) into a temporary place.
struct temp_profiles {
    fs::path dir = fs::temp_directory_path() / ("twinsms-prof-" + std::to_string(::getpid()) + "-" +
                                                std::to_string(std::rand()));
    explicit temp_profiles(const fs::path& from = {}) {
        fs::create_directories(dir);
        if (!from.empty()) fs::copy(from, dir, fs::copy_options::recursive);
    }
    ~temp_profiles() { fs::remove_all(dir); }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream{dir / rel} << text;
    }
};

std::string error_of(const fs::path& dir) {
    try {
        load_profiles(dir);
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

const fs::path example = fs::path{TWINSMS_SOURCE_DIR} / "profiles/example";

struct example_env {
    example_env() {
        ::setenv("ACME_SMPP_PASSWORD", "acme-pw", 1);
        ::setenv("UK_MNO_PASSWORD", "uk-pw", 1);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(example_profiles_load, example_env) {
    const auto set = load_profiles(example);
    BOOST_TEST(set.node.id == "site1");
    BOOST_TEST((set.node.role == node_role::primary));
    BOOST_REQUIRE_EQUAL(set.node.listen.size(), 1u);
    BOOST_TEST(set.node.listen[0].port() == 2775);
    BOOST_TEST((set.node.store.mode == durability::sync));
    BOOST_TEST(set.node.store.receipt_map_ttl.count() == 72LL * 3600 * 1000);
    BOOST_REQUIRE_EQUAL(set.clients.size(), 2u);
    const auto* acme = set.client("acme");
    BOOST_REQUIRE(acme);
    BOOST_TEST(acme->account.password == "acme-pw");
    BOOST_TEST(acme->account.tps == 200.0);
    BOOST_TEST(acme->account.allowed_sources.size() == 2u);
    BOOST_TEST(acme->account.active);
    const auto* beta = set.client("beta");
    BOOST_REQUIRE(beta);
    BOOST_TEST((beta->state == profile_state::passive));
    BOOST_TEST(!beta->account.active);
    BOOST_REQUIRE_EQUAL(acme->http.tokens.size(), 2u);
    BOOST_TEST(acme->http.tokens[0].token == "acme-send-token-0123456789");
    BOOST_TEST((acme->http.tokens[0].send && !acme->http.tokens[0].read && !acme->http.tokens[0].admin));
    BOOST_TEST((!acme->http.tokens[1].send && acme->http.tokens[1].read));
    BOOST_TEST(!acme->http.sendsms);
    BOOST_TEST(beta->http.tokens.empty());
    BOOST_TEST(!beta->account.allow_transmitter);
    BOOST_TEST(beta->account.allow_transceiver);
    const auto* uk = set.carrier("uk-mno");
    BOOST_REQUIRE(uk);
    BOOST_TEST(uk->binds == 2u);
    BOOST_TEST(uk->link.session.window == 10u);
    BOOST_TEST(uk->link.password == "uk-pw");
    BOOST_TEST(set.carrier("backup")->link.session.window == 10u); // carrier default, not the client default
    BOOST_REQUIRE_EQUAL(set.routes.size(), 3u);
    BOOST_TEST(set.routes[0].prefixes.front() == "44");
    BOOST_TEST((set.routes[1].strategy == route_strategy::weighted));
    BOOST_TEST(set.routes[1].carriers[0].weight == 3u);
    BOOST_TEST(set.routes[2].carriers[0].carrier == "backup");
}

BOOST_FIXTURE_TEST_CASE(route_to_unknown_carrier_is_refused, example_env) {
    temp_profiles p{example};
    p.write("routes.yaml", "routes:\n  - name: x\n    carriers: [nope]\n");
    BOOST_TEST(error_of(p.dir) ==
               (p.dir / "routes.yaml").string() + ":3:16: routes[0].carriers[0]: no carrier profile named 'nope'");
}

BOOST_FIXTURE_TEST_CASE(typo_in_a_carrier_names_file_and_key, example_env) {
    temp_profiles p{example};
    p.write("carriers/backup.yaml", "carrier:\n  host: 127.0.0.1\n  port: 2777\n  system_id: a\n  password: b\n  windw: 3\n");
    BOOST_TEST(error_of(p.dir) == (p.dir / "carriers/backup.yaml").string() + ":6:3: carrier.windw: unknown key");
}

BOOST_FIXTURE_TEST_CASE(bad_values_are_refused_with_position, example_env) {
    temp_profiles p{example};
    p.write("clients/gamma.yaml", "client:\n  system_id: gamma\n  password: pw\n  allowed_sources: [10.0.0.0/33]\n");
    BOOST_TEST(error_of(p.dir).find((p.dir / "clients/gamma.yaml").string() +
                                    ":4:21: client.allowed_sources[0]: prefix length") == 0);
    p.write("clients/gamma.yaml", "client:\n  system_id: gamma\n  password: much-too-long\n");
    BOOST_TEST(error_of(p.dir).find("client.password: password is at most 8 characters") != std::string::npos);
    p.write("clients/gamma.yaml", "client:\n  system_id: acme\n  password: pw\n");
    BOOST_TEST(error_of(p.dir).find("system_id 'acme' is used by another client") != std::string::npos);
    p.write("clients/gamma.yaml", "client:\n  state: standby\n  system_id: g\n  password: pw\n");
    BOOST_TEST(error_of(p.dir).find(":2:10: client.state: expected one of active, passive, got 'standby'") !=
               std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(node_errors, example_env) {
    temp_profiles p{example};
    p.write("node.yaml", "node:\n  id: a\n  role: primary\n  listen: [127.0.0.1:99999]\n  store: {path: /tmp/x}\n");
    BOOST_TEST(error_of(p.dir).find(":4:12: node.listen[0]: invalid port in '127.0.0.1:99999'") != std::string::npos);
    p.write("node.yaml", "node:\n  id: a\n  role: primary\n  listen: [127.0.0.1:2775]\n");
    BOOST_TEST(error_of(p.dir).find("node: missing required key 'store'") != std::string::npos);
    p.write("node.yaml", "nodes:\n  id: a\n");
    BOOST_TEST(error_of(p.dir).find("missing required key 'node'") != std::string::npos);
    p.write("node.yaml", "node: [\n");
    BOOST_TEST(error_of(p.dir).find((p.dir / "node.yaml").string() + ":") == 0);
}

BOOST_FIXTURE_TEST_CASE(missing_secret_env_is_reported, example_env) {
    ::unsetenv("UK_MNO_PASSWORD");
    BOOST_TEST(error_of(example).find("carrier.password.env: environment variable UK_MNO_PASSWORD is not set") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(not_a_folder) {
    BOOST_TEST(error_of("/nonexistent/twinsms") == "/nonexistent/twinsms: not a profile folder");
}

BOOST_FIXTURE_TEST_CASE(example_mo_routes_load, example_env) {
    const auto set = load_profiles(example);
    BOOST_REQUIRE_EQUAL(set.mo_routes.size(), 3u);
    const auto& stop = set.mo_routes[0];
    BOOST_TEST(stop.name == "acme-stop");
    BOOST_TEST(stop.destination_prefixes == (std::vector<std::string>{"88123"}));
    BOOST_TEST(stop.keywords == (std::vector<std::string>{"STOP", "UNSUBSCRIBE"}));
    BOOST_TEST(stop.client == "acme");
    BOOST_TEST(set.mo_routes[1].source_prefixes == (std::vector<std::string>{"44"}));
    BOOST_TEST(set.mo_routes[1].carriers == (std::vector<std::string>{"uk-mno"}));
    BOOST_TEST(set.mo_routes[1].client == "beta");
    BOOST_TEST(set.mo_routes[2].destination_prefixes.empty());
    BOOST_TEST(set.mo_routes[2].client == "acme");
}

BOOST_FIXTURE_TEST_CASE(mo_section_is_optional_and_names_default, example_env) {
    temp_profiles p{example};
    p.write("routes.yaml", "routes:\n  - carriers: [backup]\n");
    BOOST_TEST(load_profiles(p.dir).mo_routes.empty());
    p.write("routes.yaml", "routes:\n  - carriers: [backup]\nmo:\n");
    BOOST_TEST(load_profiles(p.dir).mo_routes.empty());
    p.write("routes.yaml", "routes:\n  - carriers: [backup]\nmo:\n  - client: acme\n  - match: {keyword: hi}\n"
                           "    client: beta\n");
    const auto set = load_profiles(p.dir);
    BOOST_REQUIRE_EQUAL(set.mo_routes.size(), 2u);
    BOOST_TEST(set.mo_routes[0].name == "mo1");
    BOOST_TEST(set.mo_routes[1].name == "mo2");
    BOOST_TEST(set.mo_routes[1].keywords == (std::vector<std::string>{"hi"})); // a scalar is a list of one
}

BOOST_FIXTURE_TEST_CASE(mo_errors_name_file_line_and_path, example_env) {
    temp_profiles p{example};
    const auto file = (p.dir / "routes.yaml").string();
    const std::string head = "routes:\n  - carriers: [backup]\nmo:\n";
    p.write("routes.yaml", head + "  - name: x\n    client: nobody\n");
    BOOST_TEST(error_of(p.dir) == file + ":5:13: mo[0].client: no client profile named 'nobody'");
    p.write("routes.yaml", head + "  - name: x\n");
    BOOST_TEST(error_of(p.dir) == file + ":4:5: mo[0]: missing required key 'client'");
    p.write("routes.yaml", head + "  - match: {carrier: [uk-mno, nope]}\n    client: acme\n");
    BOOST_TEST(error_of(p.dir) == file + ":4:31: mo[0].match.carrier[1]: no carrier profile named 'nope'");
    p.write("routes.yaml", head + "  - match: {keywrd: [STOP]}\n    client: acme\n");
    BOOST_TEST(error_of(p.dir) == file + ":4:13: mo[0].match.keywrd: unknown key");
    p.write("routes.yaml", head + "  - match: {keyword: [\"STOP ALL\"]}\n    client: acme\n");
    BOOST_TEST(error_of(p.dir) == file + ":4:23: mo[0].match.keyword[0]: a keyword is one word, got 'STOP ALL'");
    p.write("routes.yaml", head + "  - client: acme\n    clients: beta\n");
    BOOST_TEST(error_of(p.dir) == file + ":5:5: mo[0].clients: unknown key");
    p.write("routes.yaml", head + "  - match: {destination_prefix: [\"\"]}\n    client: acme\n");
    BOOST_TEST(error_of(p.dir).find(file + ":4:34: mo[0].match.destination_prefix[0]: must not be empty") == 0);
    p.write("routes.yaml", "routes:\n  - carriers: [backup]\nmoo:\n  - client: acme\n");
    BOOST_TEST(error_of(p.dir) == file + ":3:1: moo: unknown key");
}

BOOST_FIXTURE_TEST_CASE(http_tokens_and_roles, example_env) {
    temp_profiles p{example};
    const auto file = (p.dir / "clients/gamma.yaml").string();
    const std::string head = "client:\n  system_id: gamma\n  password: pw\n  http:\n";
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789, roles: [admin]}\n"
                                         "      - {token: gamma-reader-0123456789, roles: read}\n    sendsms: true\n");
    const auto set = load_profiles(p.dir);
    const auto* g = set.client("gamma");
    BOOST_REQUIRE(g);
    BOOST_REQUIRE_EQUAL(g->http.tokens.size(), 2u);
    BOOST_TEST((g->http.tokens[0].admin && g->http.tokens[0].send && g->http.tokens[0].read)); // admin implies both
    BOOST_TEST((g->http.tokens[1].read && !g->http.tokens[1].send && !g->http.tokens[1].admin));
    BOOST_TEST(g->http.sendsms);

    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: short, roles: [send]}\n");
    BOOST_TEST(error_of(p.dir) == file + ":6:17: client.http.tokens[0].token: a token of at least 16 characters is required");
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: \"has a space in it 0123\", roles: [send]}\n");
    BOOST_TEST(error_of(p.dir) == file + ":6:17: client.http.tokens[0].token: a token is printable ASCII without spaces");
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789, roles: [write]}\n");
    BOOST_TEST(error_of(p.dir) ==
               file + ":6:49: client.http.tokens[0].roles[0]: expected one of send, read, admin, got 'write'");
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789, roles: []}\n");
    BOOST_TEST(error_of(p.dir).find("client.http.tokens[0].roles: at least one role") != std::string::npos);
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789}\n");
    BOOST_TEST(error_of(p.dir).find("client.http.tokens[0]: missing required key 'roles'") != std::string::npos);
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789, roles: [send], role: x}\n");
    BOOST_TEST(error_of(p.dir) == file + ":6:56: client.http.tokens[0].role: unknown key");
    p.write("clients/gamma.yaml", head + "    tokenz: []\n");
    BOOST_TEST(error_of(p.dir) == file + ":5:5: client.http.tokenz: unknown key");
    p.write("clients/gamma.yaml", head + "    sendsms: maybe\n");
    BOOST_TEST(error_of(p.dir).find(":5:14: client.http.sendsms:") != std::string::npos);
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: gamma-token-0123456789, roles: [send]}\n"
                                         "      - {token: gamma-token-0123456789, roles: [read]}\n");
    BOOST_TEST(error_of(p.dir) == file + ":7:17: client.http.tokens[1].token: the same token is listed twice");
    // The same token on two accounts: the second file names the first client.
    p.write("clients/gamma.yaml", head + "    tokens:\n      - {token: acme-send-token-0123456789, roles: [read]}\n");
    BOOST_TEST(error_of(p.dir) == file + ":6:17: client.http.tokens[0].token: the token is also used by client 'acme'");
}
