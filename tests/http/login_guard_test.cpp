// The credential guard at the HTTP doors, through the router: wrong admin
// tokens, wrong API tokens and wrong sendsms passwords count against the
// address (429 with Retry-After once blocked, before the credentials are
// looked at, even right ones); guessing one sendsms account from many
// addresses locks it, answered like a wrong password; every door shares the
// guard, and its figures count by door.
#define BOOST_TEST_MODULE http_login_guard
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "http/admin_api.hpp"
#include "http/send_api.hpp"

using namespace twinsms;
using namespace twinsms::http;
namespace json = boost::json;
using guard::door;
using guard::verdict;

namespace {

struct backends final : send_backend, admin_backend {
    guard::credential_guard* g = nullptr;
    unsigned submits = 0;
    std::optional<api_caller> by_token(std::string_view t) override {
        if (t == "send-token-0123456789") return api_caller{"acme", true, true, false};
        return std::nullopt;
    }
    std::optional<api_caller> by_login(std::string_view u, std::string_view p) override {
        if (u == "acme" && p == "secret") return api_caller{"acme", true, false, false};
        return std::nullopt;
    }
    bool has_login(std::string_view u) override { return u == "acme"; }
    guard::credential_guard* login_guard() override { return g; }
    bool source_allowed(const api_caller&, const boost::asio::ip::address&) override { return true; }
    void submit(const api_caller&, send_job job, std::function<void(submit_result)> done) override {
        ++submits;
        submit_result r;
        r.ids.assign(job.to.size(), {"id"});
        done(std::move(r));
    }
    std::variant<json::object, api_error> message(const api_caller&, std::string_view) override {
        return json::object{};
    }
    std::variant<json::object, api_error> search(const api_caller&, const search_query&) override {
        return json::object{};
    }
    json::object status() override { return {{"node", "n1"}}; }
    admin_reply command(std::string_view, std::string_view) override { return admin_ok("done"); }
};

struct fixture {
    guard::credential_guard g{{.max_failures = 3, .block_for = std::chrono::seconds(45), .account_max_failures = 4}};
    backends b;
    router r;
    fixture() {
        b.g = &g;
        add_send_routes(r, b);
        add_admin_routes(r, "node-admin-token-0123456789", b);
    }
    response call(std::string method, std::string target, std::string from, std::string auth = {},
                  std::string body = {}, std::string type = {}) {
        request q;
        q.method = std::move(method);
        const auto qm = target.find('?');
        q.path = target.substr(0, qm);
        if (qm != std::string::npos) q.query = target.substr(qm + 1);
        q.target = std::move(target);
        if (!auth.empty()) q.headers.emplace_back("authorization", "Bearer " + auth);
        if (!type.empty()) q.headers.emplace_back("content-type", type);
        q.body = std::move(body);
        q.remote = from + ":1";
        q.remote_address = boost::asio::ip::make_address(from);
        return r.dispatch(q); // the fake backend answers at once
    }
    response status(std::string from, std::string token) { return call("GET", "/api/v1/status", from, token); }
    response sendsms(std::string from, std::string user, std::string pw) {
        return call("GET", "/cgi-bin/sendsms?username=" + user + "&password=" + pw + "&to=447700900001&text=hi", from);
    }
};

std::string header(const response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}
std::string code(const response& r) { return std::string{json::parse(r.body).at("error").at("code").as_string()}; }

} // namespace

BOOST_FIXTURE_TEST_SUITE(login_guard, fixture)

BOOST_AUTO_TEST_CASE(wrong_admin_tokens_block_the_address_before_the_token_is_compared) {
    BOOST_TEST(status("192.0.2.1", "node-admin-token-0123456789").status == 200u);
    for (int i = 0; i < 3; ++i) BOOST_TEST(status("192.0.2.1", "wrong-token-0123456789").status == 403u);
    const auto blocked = status("192.0.2.1", "node-admin-token-0123456789");
    BOOST_TEST(blocked.status == 429u);
    BOOST_TEST(code(blocked) == "too_many_failures");
    BOOST_TEST(header(blocked, "Retry-After") == "45");
    BOOST_TEST(status("192.0.2.2", "node-admin-token-0123456789").status == 200u); // others are served
    BOOST_TEST(g.counts(door::admin).failures == 3u);
    BOOST_TEST(g.counts(door::admin).refused[static_cast<std::size_t>(verdict::address_blocked)] == 1u);
    // No credentials at all is not a guess.
    for (int i = 0; i < 5; ++i) BOOST_TEST(call("GET", "/api/v1/status", "192.0.2.3").status == 401u);
    BOOST_TEST(status("192.0.2.3", "node-admin-token-0123456789").status == 200u);
}

BOOST_AUTO_TEST_CASE(wrong_api_tokens_count_with_the_other_doors) {
    BOOST_TEST(status("192.0.2.9", "wrong-token-0123456789").status == 403u); // the admin door
    for (int i = 0; i < 2; ++i)
        BOOST_TEST(call("GET", "/api/v1/messages/1", "192.0.2.9", "unknown-token-0123456789").status == 401u);
    const auto blocked = call("POST", "/api/v1/messages", "192.0.2.9", "send-token-0123456789",
                              R"({"to":["447700900001"],"text":"hi"})", "application/json");
    BOOST_TEST(blocked.status == 429u);
    BOOST_TEST(b.submits == 0u);
    BOOST_TEST(g.counts(door::api).failures == 2u);
    BOOST_TEST(call("POST", "/api/v1/messages", "192.0.2.10", "send-token-0123456789",
                    R"({"to":["447700900001"],"text":"hi"})", "application/json").status == 202u);
}

BOOST_AUTO_TEST_CASE(sendsms_guessing_locks_the_account_like_a_wrong_password) {
    BOOST_TEST(sendsms("198.51.100.1", "acme", "secret").status == 202u); // acme's own server, trusted
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(sendsms("203.0.113." + std::to_string(i), "acme", "guess").status == 403u);
    const auto locked = sendsms("203.0.113.99", "acme", "secret");
    BOOST_TEST(locked.status == 403u);
    BOOST_TEST(locked.body == sendsms("203.0.113.98", "nobody", "secret").body); // no hint that acme exists
    BOOST_TEST(sendsms("198.51.100.1", "acme", "secret").status == 202u);
    BOOST_TEST(g.started().account_lockouts == 1u);
    // Unknown names count against the address only.
    for (int i = 0; i < 3; ++i) BOOST_TEST(sendsms("203.0.113.200", "user" + std::to_string(i), "x").status == 403u);
    BOOST_TEST(g.tracked_accounts() == 1u);
    const auto blocked = sendsms("203.0.113.200", "acme", "secret");
    BOOST_TEST(blocked.status == 429u);
    BOOST_TEST(!header(blocked, "Retry-After").empty());
    BOOST_TEST(b.submits == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
