// The admin API against a recording backend: token rules (401 missing,
// 403 wrong), each endpoint's verb and profile, status and replies passed
// through, JSON errors throughout.
#define BOOST_TEST_MODULE http_admin_api
#include <boost/test/unit_test.hpp>

#include <memory>

#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

const std::string token = "0123456789abcdef-admin";
const std::string auth = "Authorization: Bearer " + token;

struct admin_fixture {
    io_thread io;
    recording_backend backend;
    std::unique_ptr<http::admin_http> admin;
    std::uint16_t port = 0;
    admin_fixture() {
        config::admin_settings s;
        s.listen = tcp_endpoint();
        s.token = token;
        io.run([&] {
            admin = std::make_unique<http::admin_http>(io.executor(), s, backend);
            admin->start();
            port = admin->local_endpoint().port();
        });
    }
    ~admin_fixture() {
        io.await(admin->stop());
        io.run([&] { admin.reset(); });
    }
    static boost::asio::ip::tcp::endpoint tcp_endpoint() { return {boost::asio::ip::make_address("127.0.0.1"), 0}; }
    http_reply post(const std::string& path, const std::vector<std::string>& headers = {auth}) {
        raw_client c{port};
        return c.request("POST", path, headers);
    }
    http_reply get(const std::string& path, const std::vector<std::string>& headers = {auth}) {
        raw_client c{port};
        return c.request("GET", path, headers);
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(constant_time_equal_compares_exactly) {
    BOOST_TEST(http::constant_time_equal("secret-token-123", "secret-token-123"));
    BOOST_TEST(!http::constant_time_equal("secret-token-12", "secret-token-123"));
    BOOST_TEST(!http::constant_time_equal("secret-token-1234", "secret-token-123"));
    BOOST_TEST(!http::constant_time_equal("secret-token-124", "secret-token-123"));
    BOOST_TEST(!http::constant_time_equal("", "secret-token-123"));
    BOOST_TEST(!http::constant_time_equal(std::string_view{"secret-token-123\0", 17}, "secret-token-123"));
}

BOOST_FIXTURE_TEST_SUITE(admin, admin_fixture)

BOOST_AUTO_TEST_CASE(health_needs_no_token) {
    const auto r = get("/api/v1/health", {});
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.json().at("status").as_string() == "ok");
    BOOST_TEST(r.header("content-type") == "application/json");
}

BOOST_AUTO_TEST_CASE(missing_token_is_401_and_reaches_no_backend) {
    for (const auto& headers : std::vector<std::vector<std::string>>{
             {}, {"Authorization: Basic dXNlcjpwYXNz"}, {"Authorization: Bearer"}, {"Authorization: " + token}}) {
        const auto r = post("/api/v1/cluster/takeover", headers);
        BOOST_TEST(r.status == 401u);
        BOOST_TEST(r.error_code() == "unauthorized");
        BOOST_TEST(r.header("www-authenticate").find("Bearer") == 0u);
        BOOST_TEST(get("/api/v1/status", headers).status == 401u);
    }
    BOOST_TEST(backend.calls().empty());
}

BOOST_AUTO_TEST_CASE(wrong_token_is_403) {
    for (const auto& bad : {token + "x", token.substr(0, token.size() - 1), std::string(token.size(), 'a')}) {
        const auto r = post("/api/v1/reload", {"Authorization: Bearer " + bad});
        BOOST_TEST(r.status == 403u);
        BOOST_TEST(r.error_code() == "forbidden");
    }
    BOOST_TEST(backend.calls().empty());
    // The scheme is case-insensitive and surrounding spaces do not count.
    BOOST_TEST(post("/api/v1/reload", {"authorization: bearer   " + token + " "}).status == 200u);
}

BOOST_AUTO_TEST_CASE(status_passes_the_backend_document_through) {
    backend.set_status(sample_status());
    const auto r = get("/api/v1/status");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.json() == boost::json::value(sample_status()));
    BOOST_TEST((backend.calls() == std::vector<recording_backend::call>{{"status", ""}}));
}

BOOST_AUTO_TEST_CASE(each_endpoint_calls_its_verb) {
    const std::vector<std::pair<std::string, recording_backend::call>> table{
        {"/api/v1/cluster/switchover", {"switchover", ""}},
        {"/api/v1/cluster/takeover", {"takeover", ""}},
        {"/api/v1/cluster/failback", {"failback", ""}},
        {"/api/v1/reload", {"reload", ""}},
        {"/api/v1/profiles/acme/activate", {"activate", "acme"}},
        {"/api/v1/profiles/acme/deactivate", {"deactivate", "acme"}},
        {"/api/v1/profiles/big%20carrier/activate", {"activate", "big carrier"}},
    };
    std::vector<recording_backend::call> expected;
    for (const auto& [path, call] : table) {
        const auto r = post(path);
        BOOST_TEST(r.status == 200u, path);
        BOOST_TEST(r.json().at("result").as_string() == "ok");
        BOOST_TEST(r.json().at("message").as_string() == call.verb + " done");
        expected.push_back(call);
    }
    BOOST_TEST((backend.calls() == expected));
}

BOOST_AUTO_TEST_CASE(backend_errors_pass_through) {
    backend.set_reply([](std::string_view verb, std::string_view profile) {
        if (verb == "switchover") return http::admin_error(409, "conflict", "a switchover is already running");
        return http::admin_error(404, "unknown_profile", "no profile named '" + std::string{profile} + "'");
    });
    auto r = post("/api/v1/profiles/nosuch/activate");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_code() == "unknown_profile");
    BOOST_TEST(r.json().at("error").at("message").as_string() == "no profile named 'nosuch'");
    r = post("/api/v1/cluster/switchover");
    BOOST_TEST(r.status == 409u);
    BOOST_TEST(r.error_code() == "conflict");
}

BOOST_AUTO_TEST_CASE(a_reply_without_body_is_still_json) {
    backend.set_reply([](std::string_view, std::string_view) { return http::admin_reply{503, nullptr}; });
    auto r = post("/api/v1/reload");
    BOOST_TEST(r.status == 503u);
    BOOST_TEST(!r.error_code().empty());
    backend.set_reply([](std::string_view, std::string_view) { return http::admin_reply{200, nullptr}; });
    BOOST_TEST(post("/api/v1/reload").json().at("result").as_string() == "ok");
}

BOOST_AUTO_TEST_CASE(a_throwing_backend_is_500_and_the_server_lives_on) {
    backend.set_reply([](std::string_view, std::string_view) -> http::admin_reply { throw std::runtime_error("bug"); });
    auto r = post("/api/v1/cluster/failback");
    BOOST_TEST(r.status == 500u);
    BOOST_TEST(r.error_code() == "internal_error");
    BOOST_TEST(get("/api/v1/health").status == 200u);
}

BOOST_AUTO_TEST_CASE(wrong_method_and_unknown_paths_are_json_errors) {
    auto r = get("/api/v1/cluster/takeover");
    BOOST_TEST(r.status == 405u);
    BOOST_TEST(r.header("allow") == "POST");
    BOOST_TEST(r.error_code() == "method_not_allowed");
    r = post("/api/v1/status");
    BOOST_TEST(r.status == 405u);
    BOOST_TEST(r.header("allow") == "GET");
    r = post("/api/v1/profiles/acme/explode");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_code() == "not_found");
    r = post("/api/v1/profiles//activate");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(backend.calls().empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(without_listen_the_admin_api_is_disabled) {
    io_thread io;
    recording_backend backend;
    http::admin_http admin{io.executor(), config::admin_settings{}, backend};
    BOOST_TEST(!admin.enabled());
    admin.start();
    io.await(admin.stop());
}

BOOST_AUTO_TEST_CASE(an_unusable_listen_address_throws_on_start) {
    io_thread io;
    recording_backend backend;
    config::admin_settings s;
    s.listen = boost::asio::ip::tcp::endpoint{boost::asio::ip::make_address("192.0.2.1"), 0}; // not ours
    s.token = token;
    http::admin_http admin{io.executor(), s, backend};
    BOOST_CHECK_THROW(io.run([&] { admin.start(); }), boost::system::system_error);
}
