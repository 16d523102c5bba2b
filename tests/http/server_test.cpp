// The generic HTTP server: router rules (no network), then a real server on
// its own io thread against raw sockets: keep-alive, pipelining, limits
// (413, 431, 400, 503 over max_connections), read timeout, 100-continue,
// and stop() closing idle keep-alive connections.
#define BOOST_TEST_MODULE http_server
#include <boost/test/unit_test.hpp>

#include <memory>

#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
using http::path_params;
using http::request;
using http::response;

namespace {

request make(std::string method, std::string path) {
    request r;
    r.method = std::move(method);
    r.path = r.target = std::move(path);
    return r;
}

http::router sample_router() {
    http::router r;
    r.add("GET", "/hello", [](const request&, const path_params&) {
        response res;
        res.content_type = "text/plain";
        res.body = "hi";
        return res;
    });
    r.add("POST", "/echo", [](const request& q, const path_params&) {
        response res;
        res.content_type = "text/plain";
        res.body = q.body;
        return res;
    });
    r.add("GET", "/items/{id}/parts/{part}", [](const request&, const path_params& p) {
        return http::json_response(200, p.at("id") + "|" + p.at("part"));
    });
    r.add("DELETE", "/items/{id}/parts/{part}", [](const request&, const path_params&) {
        return http::json_response(204, "");
    });
    r.add("GET", "/boom", [](const request&, const path_params&) -> response { throw std::runtime_error("bug"); });
    return r;
}

struct running_server {
    io_thread io;
    std::unique_ptr<http::server> srv;
    std::uint16_t port = 0;
    explicit running_server(http::server_config cfg = {}) {
        io.run([&] {
            srv = std::make_unique<http::server>(io.executor(), cfg);
            srv->routes() = sample_router();
            srv->start();
            port = srv->local_endpoint().port();
        });
    }
    ~running_server() {
        io.await(srv->stop());
        io.run([&] { srv.reset(); });
    }
    std::size_t connections() { return io.run([&] { return srv->connection_count(); }); }
};

http::server_config small_limits() {
    http::server_config c;
    c.max_body_bytes = 1024;
    c.max_header_bytes = 2048;
    return c;
}

} // namespace

BOOST_AUTO_TEST_CASE(router_matches_literals_and_params) {
    const auto r = sample_router();
    BOOST_TEST(r.dispatch(make("GET", "/hello")).body == "hi");
    const auto p = r.dispatch(make("GET", "/items/a%2Fb/parts/7"));
    BOOST_TEST(p.status == 200u);
    BOOST_TEST(p.body == "a/b|7"); // percent-decoded, and a %2F stays inside its segment
}

BOOST_AUTO_TEST_CASE(router_unknown_path_is_404_json) {
    const auto r = sample_router();
    for (const auto* path : {"/nope", "/hello/", "/items//parts/7", "/items/1/parts", "", "/items/%zz/parts/1"}) {
        const auto res = r.dispatch(make("GET", path));
        BOOST_TEST(res.status == 404u, path);
        BOOST_TEST(res.content_type == "application/json");
        BOOST_TEST(boost::json::parse(res.body).at("error").at("code").as_string() == "not_found");
    }
}

BOOST_AUTO_TEST_CASE(router_wrong_method_is_405_with_allow) {
    const auto r = sample_router();
    const auto res = r.dispatch(make("PUT", "/items/1/parts/2"));
    BOOST_TEST(res.status == 405u);
    BOOST_REQUIRE(res.headers.size() == 1u);
    BOOST_TEST(res.headers[0].first == "Allow");
    BOOST_TEST(res.headers[0].second == "GET, DELETE");
    BOOST_TEST(boost::json::parse(res.body).at("error").at("code").as_string() == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(router_handler_exception_is_500) {
    const auto res = sample_router().dispatch(make("GET", "/boom"));
    BOOST_TEST(res.status == 500u);
    BOOST_TEST(boost::json::parse(res.body).at("error").at("code").as_string() == "internal_error");
}

BOOST_AUTO_TEST_CASE(json_error_escapes_its_message) {
    const auto res = http::json_error(400, "bad_request", "a \"quoted\"\nline");
    BOOST_TEST(boost::json::parse(res.body).at("error").at("message").as_string() == "a \"quoted\"\nline");
}

BOOST_AUTO_TEST_CASE(serves_get_post_and_errors) {
    running_server s;
    raw_client c{s.port};
    auto r = c.request("GET", "/hello");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.body == "hi");
    BOOST_TEST(r.header("content-type") == "text/plain");
    r = c.request("POST", "/echo", {}, "payload");
    BOOST_TEST(r.body == "payload");
    r = c.request("GET", "/missing?x=1");
    BOOST_TEST(r.status == 404u);
    BOOST_TEST(r.error_code() == "not_found");
    r = c.request("POST", "/hello");
    BOOST_TEST(r.status == 405u);
    BOOST_TEST(r.header("allow") == "GET");
    BOOST_TEST(r.error_code() == "method_not_allowed");
}

BOOST_AUTO_TEST_CASE(keep_alive_serves_requests_on_one_connection) {
    running_server s;
    raw_client c{s.port};
    BOOST_TEST(c.request("GET", "/hello").body == "hi");
    BOOST_TEST(c.request("GET", "/items/1/parts/2").body == "1|2");
    BOOST_TEST(s.connections() == 1u);
    // Pipelined: both requests in one write, answered in order.
    c.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nPOST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
    BOOST_TEST(c.read_reply()->body == "hi");
    BOOST_TEST(c.read_reply()->body == "abc");
}

BOOST_AUTO_TEST_CASE(http10_and_connection_close_end_the_connection) {
    running_server s;
    {
        raw_client c{s.port};
        c.send("GET /hello HTTP/1.0\r\n\r\n");
        BOOST_TEST(c.read_reply()->status == 200u);
        BOOST_TEST(c.wait_closed());
    }
    raw_client c{s.port};
    const auto r = c.request("GET", "/hello", {"Connection: close"});
    BOOST_TEST(r.header("connection") == "close");
    BOOST_TEST(c.wait_closed());
}

BOOST_AUTO_TEST_CASE(oversized_body_is_413_and_closes) {
    running_server s{small_limits()};
    raw_client c{s.port};
    // Announced size over the limit: refused before the body is read...
    const std::string body(5000, 'x');
    const auto r = c.request("POST", "/echo", {}, body);
    BOOST_TEST(r.status == 413u);
    BOOST_TEST(r.error_code() == "payload_too_large");
    BOOST_TEST(c.wait_closed());
    // ...and a chunked body that grows over it.
    raw_client d{s.port};
    d.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(0x800, 'y') + "\r\n");
    BOOST_TEST(d.read_reply()->status == 413u);
    // Within the limit passes.
    raw_client e{s.port};
    BOOST_TEST(e.request("POST", "/echo", {}, std::string(1024, 'z')).body.size() == 1024u);
}

BOOST_AUTO_TEST_CASE(oversized_headers_are_431) {
    running_server s{small_limits()};
    raw_client c{s.port};
    const auto r = c.request("GET", "/hello", {"X-Big: " + std::string(4000, 'h')});
    BOOST_TEST(r.status == 431u);
    BOOST_TEST(r.error_code() == "header_too_large");
    BOOST_TEST(c.wait_closed());
}

BOOST_AUTO_TEST_CASE(bad_request_line_is_400) {
    running_server s;
    for (const auto* junk : {"GARBAGE\r\n\r\n", "GET /hello HTTP/9\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
                             "GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"}) {
        raw_client c{s.port};
        c.send(junk);
        const auto r = c.read_reply();
        BOOST_REQUIRE_MESSAGE(r.has_value(), junk);
        BOOST_TEST(r->status == 400u, junk);
        BOOST_TEST(r->error_code() == "bad_request");
        BOOST_TEST(c.wait_closed());
    }
}

BOOST_AUTO_TEST_CASE(expect_100_continue_gets_an_interim_answer) {
    running_server s;
    raw_client c{s.port};
    c.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    BOOST_TEST(c.read_reply()->status == 100u);
    c.send("hello");
    const auto r = c.read_reply();
    BOOST_TEST(r->status == 200u);
    BOOST_TEST(r->body == "hello");
}

BOOST_AUTO_TEST_CASE(many_connections_at_once) {
    running_server s;
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < 40; ++i) clients.push_back(std::make_unique<raw_client>(s.port));
    for (auto& c : clients) c->send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
    for (auto& c : clients) BOOST_TEST(c->read_reply()->body == "hi");
    BOOST_TEST(s.connections() == 40u);
}

BOOST_AUTO_TEST_CASE(connections_over_the_limit_get_503) {
    auto cfg = http::server_config{};
    cfg.max_connections = 3;
    running_server s{cfg};
    std::vector<std::unique_ptr<raw_client>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<raw_client>(s.port));
        BOOST_TEST(clients.back()->request("GET", "/hello").status == 200u); // accepted and counted
    }
    raw_client extra{s.port};
    const auto r = extra.read_reply();
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->status == 503u);
    BOOST_TEST(r->error_code() == "too_many_connections");
    BOOST_TEST(extra.wait_closed());
    // The ones inside keep working.
    BOOST_TEST(clients[0]->request("GET", "/hello").status == 200u);
}

BOOST_AUTO_TEST_CASE(idle_connection_closes_after_read_timeout) {
    auto cfg = http::server_config{};
    cfg.read_timeout = std::chrono::milliseconds(200);
    running_server s{cfg};
    raw_client c{s.port};
    BOOST_TEST(c.request("GET", "/hello").status == 200u);
    BOOST_TEST(c.wait_closed(10s)); // idle keep-alive
    raw_client d{s.port};
    d.send("GET /hello HTTP/1.1\r\n"); // half a request, then silence
    BOOST_TEST(d.wait_closed(10s));
}

BOOST_AUTO_TEST_CASE(stop_closes_idle_keep_alive_connections) {
    auto cfg = http::server_config{};
    cfg.read_timeout = std::chrono::minutes(5); // so only stop() can close them
    auto s = std::make_unique<running_server>(cfg);
    const auto port = s->port;
    raw_client a{port}, b{port};
    BOOST_TEST(a.request("GET", "/hello").status == 200u);
    b.send("GET /hel"); // mid-request
    raw_client idle_never_sent{port};
    BOOST_TEST(a.request("GET", "/hello").status == 200u); // a still open; b and idle are accepted by now
    const auto started = std::chrono::steady_clock::now();
    s->io.await(s->srv->stop());
    BOOST_TEST((std::chrono::steady_clock::now() - started < 2s)); // not the grace, not the timeout
    BOOST_TEST(s->connections() == 0u);
    BOOST_TEST(a.wait_closed());
    BOOST_TEST(b.wait_closed());
    BOOST_TEST(idle_never_sent.wait_closed());
    BOOST_TEST(!raw_client::can_connect(port));
    s.reset(); // a second stop() (in the destructor) is harmless
}

BOOST_AUTO_TEST_CASE(destroying_without_stop_closes_connections_and_calls_no_handler) {
    io_thread io;
    bool called_after = false;
    std::unique_ptr<http::server> srv;
    std::uint16_t port = 0;
    io.run([&] {
        srv = std::make_unique<http::server>(io.executor(), http::server_config{});
        srv->routes() = sample_router();
        srv->routes().add("GET", "/late", [&](const request&, const path_params&) {
            called_after = true;
            return http::json_response(200, "{}");
        });
        srv->start();
        port = srv->local_endpoint().port();
    });
    raw_client c{port};
    BOOST_TEST(c.request("GET", "/hello").status == 200u);
    // The request and the destruction land in the same io turn or close to
    // it; the server must not dispatch once destroyed.
    io.run([&] {
        c.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n");
        srv.reset();
    });
    BOOST_TEST(c.wait_closed());
    BOOST_TEST(!called_after);
    BOOST_TEST(!raw_client::can_connect(port));
}
