// Routes that answer later (router::add_async): the answer reaches the
// client whenever the handler replies, other connections are served
// meanwhile, a handler that drops its reply or throws gives 500, a second
// reply is ignored, and stop() lets a pending answer finish within grace.
#define BOOST_TEST_MODULE http_async_route
#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <future>
#include <mutex>
#include <memory>

#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
using http::path_params;
using http::reply_fn;
using http::request;
using http::response;

namespace {

request make(std::string method, std::string path) {
    request r;
    r.method = std::move(method);
    r.path = r.target = std::move(path);
    return r;
}

// A server whose /later requests wait until the test releases them.
struct later_server {
    io_thread io;
    std::unique_ptr<http::server> srv;
    std::uint16_t port = 0;
    std::vector<reply_fn> held; // io thread only
    std::mutex m;
    std::condition_variable arrived;
    std::size_t arrivals = 0;
    explicit later_server(http::server_config cfg = {}) {
        io.run([&] {
            srv = std::make_unique<http::server>(io.executor(), cfg);
            auto& r = srv->routes();
            r.add_async("POST", "/later/{tag}", [this](const request& q, const path_params& p, reply_fn reply) {
                // The request and params are the caller's: copy what the answer needs.
                const std::string body = p.at("tag") + ":" + q.body;
                held.push_back([reply, body](response) { reply(http::json_response(200, "\"" + body + "\"")); });
                std::lock_guard l{m};
                ++arrivals;
                arrived.notify_all();
            });
            r.add_async("GET", "/now", [](const request&, const path_params&, reply_fn reply) {
                reply(http::json_response(200, R"("now")"));
            });
            r.add_async("GET", "/twice", [](const request&, const path_params&, reply_fn reply) {
                reply(http::json_response(201, R"("first")"));
                reply(http::json_response(202, R"("second")"));
            });
            r.add_async("GET", "/dropped", [](const request&, const path_params&, reply_fn) {});
            r.add_async("GET", "/throws", [](const request&, const path_params&, reply_fn) {
                throw std::runtime_error("bug");
            });
            r.add("GET", "/sync", [](const request&, const path_params&) { return http::json_response(200, R"("sync")"); });
            srv->start();
            port = srv->local_endpoint().port();
        });
    }
    ~later_server() {
        io.await(srv->stop());
        io.run([&] { srv.reset(); });
    }
    std::size_t pending() {
        return io.run([&] { return held.size(); });
    }
    // Answers the oldest held request.
    void release_one() {
        io.run([&] {
            auto f = std::move(held.front());
            held.erase(held.begin());
            f(response{});
        });
    }
    // Waits until `n` requests have arrived (they do on the io thread).
    bool wait_pending(std::size_t n) {
        std::unique_lock l{m};
        return arrived.wait_for(l, 5s, [&] { return arrivals >= n; });
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(router_dispatch_answers_async_routes_that_reply_at_once) {
    http::router r;
    r.add_async("GET", "/now", [](const request&, const path_params&, reply_fn reply) {
        reply(http::json_response(200, "1"));
    });
    r.add_async("GET", "/later", [](const request&, const path_params&, reply_fn) {});
    BOOST_TEST(r.dispatch(make("GET", "/now")).body == "1");
    const auto later = r.dispatch(make("GET", "/later"));
    BOOST_TEST(later.status == 500u);
    BOOST_TEST(later.body.find("internal_error") != std::string::npos);
    BOOST_TEST(r.dispatch(make("POST", "/now")).status == 405u);
}

BOOST_AUTO_TEST_CASE(a_late_answer_reaches_the_client_and_others_are_served_meanwhile) {
    later_server s;
    raw_client a{s.port}, b{s.port};
    a.send("POST /later/x HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    BOOST_TEST_REQUIRE(s.wait_pending(1));
    // a waits; b is served on another connection.
    BOOST_TEST(b.request("GET", "/sync").body == R"("sync")");
    BOOST_TEST(b.request("GET", "/now").body == R"("now")");
    s.release_one();
    const auto r = a.read_reply();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 200u);
    BOOST_TEST(r->body == R"("x:abc")");
    // The connection is still good for the next request.
    BOOST_TEST(a.request("GET", "/now").status == 200u);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
    later_server s;
    raw_client a{s.port};
    a.send("POST /later/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
           "GET /now HTTP/1.1\r\nHost: t\r\n\r\n");
    BOOST_TEST_REQUIRE(s.wait_pending(1));
    s.release_one();
    BOOST_TEST(a.read_reply()->body == R"("1:")");
    BOOST_TEST(a.read_reply()->body == R"("now")");
}

BOOST_AUTO_TEST_CASE(dropped_reply_or_exception_is_500_and_second_reply_ignored) {
    later_server s;
    raw_client c{s.port};
    const auto dropped = c.request("GET", "/dropped");
    BOOST_TEST(dropped.status == 500u);
    BOOST_TEST(dropped.error_code() == "internal_error");
    const auto thrown = c.request("GET", "/throws");
    BOOST_TEST(thrown.status == 500u);
    BOOST_TEST(thrown.error_code() == "internal_error");
    const auto twice = c.request("GET", "/twice");
    BOOST_TEST(twice.status == 201u);
    BOOST_TEST(twice.body == R"("first")");
    BOOST_TEST(c.request("GET", "/now").status == 200u); // nothing else was queued on the connection
}

BOOST_AUTO_TEST_CASE(stop_lets_a_pending_answer_finish) {
    auto cfg = http::server_config{};
    cfg.stop_grace = std::chrono::seconds(10);
    later_server s{cfg};
    raw_client a{s.port};
    a.send("POST /later/s HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nz");
    BOOST_TEST_REQUIRE(s.wait_pending(1));
    // stop() on the io thread; the answer comes while it waits.
    auto stopped = std::async(std::launch::async, [&] { s.io.await(s.srv->stop()); });
    BOOST_TEST((stopped.wait_for(200ms) == std::future_status::timeout)); // waiting for the answer
    s.release_one();
    const auto r = a.read_reply();
    BOOST_TEST_REQUIRE(r.has_value());
    BOOST_TEST(r->body == R"("s:z")");
    BOOST_TEST((stopped.wait_for(5s) == std::future_status::ready));
    BOOST_TEST(a.wait_closed());
}
