// The real twinsmsctl binary against an in-process admin API with a
// recording backend: every verb, --json, tokens from options, file and
// environment, and each exit code (1 refused, 2 usage, 3 invalid profiles,
// 4 unreachable or no answer, 5 authentication).
#define BOOST_TEST_MODULE ctl
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include <boost/asio/ip/tcp.hpp>

#include "ctl/ctl_support.hpp"
#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace fs = std::filesystem;

namespace {

const std::string& token = ctl_token;

// profiles/example takes two passwords from the environment.
const std::vector<std::string> example_env{"ACME_SMPP_PASSWORD=acme-pw", "UK_MNO_PASSWORD=uk-pw"};

struct node_fixture : admin_node {
    node_fixture() { backend.set_status(sample_status()); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(against_a_node, node_fixture)

BOOST_AUTO_TEST_CASE(status_prints_a_summary) {
    const auto r = run({"status"});
    BOOST_TEST(r.code == 0, r.err);
    for (const auto* part : {"site1", "role primary", "mode normal", "epoch 3", "site2  alive", "link up",
                             "second path up", "last keepalive 120 ms ago", "acme", "sessions 2", "c1", "bound",
                             "in flight 3", "stored 10", "queued 4", "parked 0", "deliveries 1", "takeovers 1",
                             "overflow no"})
        BOOST_TEST(contains(r.out, part), part << " in:\n" << r.out);
    BOOST_TEST((backend.calls() == std::vector<recording_backend::call>{{"status", ""}}));
}

BOOST_AUTO_TEST_CASE(status_json_prints_the_document_pretty) {
    const auto r = run({"status", "--json"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(boost::json::parse(r.out) == boost::json::value(sample_status()));
    BOOST_TEST(contains(r.out, "\n  \"node\": {\n    \"id\": \"site1\","), r.out);
    // Options may also come first.
    BOOST_TEST(ctl({"--json", "--node", url, "--token", token, "status"}).code == 0);
}

BOOST_AUTO_TEST_CASE(status_tolerates_missing_and_odd_fields) {
    backend.set_status(boost::json::object{});
    auto r = run({"status"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "node      -"), r.out);
    BOOST_TEST(contains(r.out, "peer      none"), r.out);
    backend.set_status(boost::json::parse(R"({"node":{"id":7,"epoch":"x"},"peer":{"verdict":null},
        "profiles":[1,{"name":"p"}],"links":{"no":"array"},"queue":[],"counters":{"takeovers":2.5}})").as_object());
    r = run({"status"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "node      7"), r.out);
    BOOST_TEST(contains(r.out, "last keepalive never"), r.out);
    BOOST_TEST(contains(r.out, "takeovers 2.5"), r.out);
}

BOOST_AUTO_TEST_CASE(each_verb_calls_the_backend) {
    const std::vector<std::pair<std::vector<std::string>, recording_backend::call>> table{
        {{"switchover"}, {"switchover", ""}},     {{"takeover"}, {"takeover", ""}},
        {{"failback"}, {"failback", ""}},         {{"reload"}, {"reload", ""}},
        {{"activate", "acme"}, {"activate", "acme"}}, {{"deactivate", "uk-mno"}, {"deactivate", "uk-mno"}},
        {{"activate", "odd name/é"}, {"activate", "odd name/é"}}, // encoded in the path, decoded by the node
    };
    std::vector<recording_backend::call> expected;
    for (const auto& [args, call] : table) {
        const auto r = run(args);
        BOOST_TEST(r.code == 0, call.verb << ": " << r.err);
        BOOST_TEST(contains(r.out, ": ok: " + call.verb + " done"), r.out);
        expected.push_back(call);
    }
    BOOST_TEST((backend.calls() == expected));
}

BOOST_AUTO_TEST_CASE(url_and_token_from_environment_and_file) {
    auto r = ctl({"reload"}, {"TWINSMS_ADMIN_URL=" + url, "TWINSMS_ADMIN_TOKEN=" + token});
    BOOST_TEST(r.code == 0, r.err);
    scratch_dir dir;
    std::ofstream{dir.path / "token"} << token << "\n"; // the newline an editor adds is not part of it
    r = ctl({"--node", url, "--token-file", (dir.path / "token").string(), "takeover"});
    BOOST_TEST(r.code == 0, r.err);
    // --token wins over the environment.
    r = ctl({"--token=" + token, "--node=" + url, "failback"}, {"TWINSMS_ADMIN_TOKEN=wrong-wrong-wrong"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(backend.calls().size() == 3u);
}

BOOST_AUTO_TEST_CASE(bad_or_missing_token_exits_5) {
    auto r = ctl({"--node", url, "--token", "not-the-token-at-all", "takeover"});
    BOOST_TEST(r.code == 5);
    BOOST_TEST(contains(r.err, "bad or missing admin token"), r.err);
    BOOST_TEST(contains(r.err, "forbidden"), r.err);
    r = ctl({"--node", url, "status"});
    BOOST_TEST(r.code == 5);
    BOOST_TEST(contains(r.err, "no token given"), r.err);
    BOOST_TEST(backend.calls().empty());
}

BOOST_AUTO_TEST_CASE(refusals_exit_1_with_the_nodes_message) {
    backend.set_reply([](std::string_view verb, std::string_view profile) {
        if (verb == "switchover") return http::admin_error(409, "conflict", "a switchover is already running");
        return http::admin_error(404, "unknown_profile", "no profile named '" + std::string{profile} + "'");
    });
    auto r = run({"activate", "nosuch"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(contains(r.err, "unknown_profile: no profile named 'nosuch' (HTTP 404)"), r.err);
    BOOST_TEST(contains(r.err, "activate nosuch"), r.err);
    r = run({"switchover"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(contains(r.err, "conflict: a switchover is already running"), r.err);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(node_down_exits_4_naming_url_and_reason) {
    std::uint16_t port;
    {
        // A port that was free a moment ago and has nobody listening now.
        boost::asio::io_context io;
        boost::asio::ip::tcp::acceptor a{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
        port = a.local_endpoint().port();
    }
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    const auto r = ctl({"--node", url, "--token", token, "status"});
    BOOST_TEST(r.code == 4);
    BOOST_TEST(contains(r.err, "cannot reach the node at " + url + ": connection refused"), r.err);
}

BOOST_AUTO_TEST_CASE(no_answer_in_time_exits_4) {
    // Listening, never accepting: the connection completes in the backlog
    // and the request is never answered.
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a{io, {boost::asio::ip::make_address("127.0.0.1"), 0}};
    const std::string url = "http://127.0.0.1:" + std::to_string(a.local_endpoint().port());
    const auto started = std::chrono::steady_clock::now();
    const auto r = ctl({"--node", url, "--token", token, "--timeout", "300ms", "reload"});
    BOOST_TEST(r.code == 4);
    BOOST_TEST(contains(r.err, "no answer within 300 ms"), r.err);
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{}, "no verb given"},
        {{"explode"}, "unknown verb 'explode'"},
        {{"activate"}, "activate needs exactly one PROFILE"},
        {{"activate", "a", "b"}, "activate needs exactly one PROFILE"},
        {{"takeover", "now"}, "takeover takes no arguments"},
        {{"reload", "--json"}, "--json is an option of status only"},
        {{"--frobnicate", "status"}, "unknown option '--frobnicate'"},
        {{"status", "--token"}, "--token needs a value"},
        {{"--timeout", "soon", "status"}, "invalid --timeout 'soon'"},
        {{"--timeout", "0s", "status"}, "invalid --timeout"},
        {{"--node", "ftp://x", "status"}, "invalid node URL 'ftp://x'"},
        {{"--node", "http://host:99999", "status"}, "invalid port"},
        {{"--node", "https://host:0", "status"}, "invalid port"},
        {{"--token", "a", "--token-file", "/x", "status"}, "not both"},
        {{"--token-file", "/nonexistent/token", "status"}, "cannot read the token file"},
        {{"check"}, "check needs exactly one DIR"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = ctl(args);
        BOOST_TEST(r.code == 2, message);
        BOOST_TEST(contains(r.err, message), message << " in: " << r.err);
        BOOST_TEST(contains(r.err, "usage: twinsmsctl"), r.err);
    }
}

BOOST_AUTO_TEST_CASE(help_exits_0) {
    auto r = ctl({"--help"});
    BOOST_TEST(r.code == 0);
    for (const auto* verb : {"status", "switchover", "takeover", "failback", "activate PROFILE", "deactivate PROFILE",
                             "reload", "check DIR", "--token-file", "exit codes"})
        BOOST_TEST(contains(r.out, verb), verb);
    r = ctl({"deactivate", "--help"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(contains(r.out, "usage: twinsmsctl [OPTIONS] deactivate PROFILE"), r.out);
    BOOST_TEST(contains(r.out, "POST /api/v1/profiles/PROFILE/deactivate"), r.out);
    r = ctl({"-h", "status"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(contains(r.out, "--json"), r.out);
}

BOOST_AUTO_TEST_CASE(check_valid_profiles_exits_0) {
    const auto dir = (fs::path{TWINSMS_SOURCE_DIR} / "profiles" / "example").string();
    const auto r = ctl({"check", dir}, example_env);
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == dir + ": valid (node site1, 2 clients, 2 carriers, 3 routes, 3 MO routes)\n");
}

BOOST_AUTO_TEST_CASE(check_invalid_profiles_exits_3_naming_file_line_column) {
    scratch_dir scratch;
    const auto dir = scratch.path / "profiles";
    fs::copy(fs::path{TWINSMS_SOURCE_DIR} / "profiles" / "example", dir, fs::copy_options::recursive);
    const auto file = dir / "carriers" / "uk-mno.yaml";
    std::string text;
    {
        std::ifstream in{file};
        text.assign(std::istreambuf_iterator<char>{in}, {});
    }
    const auto at = text.find("window: 10");
    BOOST_TEST_REQUIRE(at != std::string::npos, "profiles/example changed: no 'window: 10' in uk-mno.yaml");
    text.replace(at, 10, "window: lots");
    std::ofstream{file} << text;

    const auto r = ctl({"check", dir.string()}, example_env);
    BOOST_TEST(r.code == 3);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(std::regex_search(r.err, std::regex{R"(uk-mno\.yaml:\d+:\d+: [a-z_.-]*window: )"}), r.err);
    // No node is contacted: it works with no URL or token anywhere.
    BOOST_TEST(ctl({"check", (scratch.path / "missing").string()}).code == 3);
}
