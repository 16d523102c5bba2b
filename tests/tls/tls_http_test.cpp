// The HTTP server over TLS (what admin.tls: true serves): requests and
// keep-alive, the handshake timeout, the connection limit, client
// certificates; driven by the blocking TLS client of tests/http.
#define BOOST_TEST_MODULE tls_http
#include <boost/test/unit_test.hpp>

#include "http/test_support.hpp"
#include "tls/test_pki.hpp"
#include "tls/context.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct https_server {
    struct dir {
        fs::path path = fs::temp_directory_path() / ("twinsms-tls-http-" + std::to_string(::getpid()));
        dir() { fs::create_directories(path); }
        ~dir() { fs::remove_all(path); }
    } tmp;
    test_ca ca{tmp.path, "http-test-ca"};
    test_ca other{tmp.path, "other-ca"};
    pki_files cert = ca.issue("localhost");
    pki_files client = ca.issue("operator", "");
    io_thread io;
    std::unique_ptr<http::server> srv;
    std::uint16_t port = 0;

    void start(http::server_config cfg, const std::string& client_ca = {}) {
        tls::server_settings s;
        s.certificate = cert.cert;
        s.private_key = cert.key;
        s.client_ca = client_ca;
        cfg.tls = tls::server_context(s);
        io.run([&] {
            srv = std::make_unique<http::server>(io.executor(), cfg);
            srv->routes().add("GET", "/hello", [](const http::request& r, const http::path_params&) {
                http::response res;
                res.content_type = "text/plain";
                res.body = "hi " + r.remote.substr(0, r.remote.find(':'));
                return res;
            });
            srv->start();
            port = srv->local_endpoint().port();
        });
    }
    ~https_server() {
        if (!srv) return;
        io.await(srv->stop());
        io.run([&] { srv.reset(); });
    }
    std::size_t connections() { return io.run([&] { return srv->connection_count(); }); }
    std::uint64_t tls_failures() { return io.run([&] { return srv->tls_failures(); }); }
    tls_options trust() const { return tls_options{ca.cert_file()}; }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(requests_and_keep_alive_over_tls, https_server) {
    start({});
    raw_client c{port, trust()};
    auto r = c.request("GET", "/hello");
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.body == "hi 127.0.0.1");
    BOOST_TEST(c.request("GET", "/nope").status == 404u);
    BOOST_TEST(c.request("GET", "/hello").body == "hi 127.0.0.1");
    BOOST_TEST(connections() == 1u);
    // Connection: close ends with close_notify: the client reads a clean end.
    c.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    BOOST_TEST(c.read_reply()->status == 200u);
    BOOST_TEST(c.wait_closed());
    BOOST_TEST(tls_failures() == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_silent_or_plaintext_client_is_closed, https_server) {
    http::server_config cfg;
    cfg.handshake_timeout = std::chrono::milliseconds(300);
    start(cfg);
    raw_client silent{port};
    BOOST_TEST(silent.wait_closed(std::chrono::seconds(5)));
    // The slot is freed: the handshake's end reaches the server's coroutine a
    // few handler hops after the close we saw; each connections() is one.
    bool freed = false;
    for (int hop = 0; hop < 1000 && !freed; ++hop) freed = connections() == 0;
    BOOST_TEST(freed);
    BOOST_TEST(tls_failures() == 1u); // counted for /metrics (twinsms_admin_tls_failures_total)
    raw_client plain{port};
    plain.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    BOOST_TEST(plain.wait_closed());
    bool counted = false;
    for (int hop = 0; hop < 1000 && !counted; ++hop) counted = tls_failures() == 2u;
    BOOST_TEST(counted);
    // Still serving.
    raw_client c{port, trust()};
    BOOST_TEST(c.request("GET", "/hello").status == 200u);
    BOOST_TEST(tls_failures() == 2u);
}

BOOST_FIXTURE_TEST_CASE(over_the_connection_limit_a_tls_client_is_closed_without_a_plaintext_503, https_server) {
    http::server_config cfg;
    cfg.max_connections = 1;
    start(cfg);
    raw_client first{port, trust()};
    BOOST_TEST(first.request("GET", "/hello").status == 200u);
    BOOST_CHECK_THROW((raw_client{port, trust()}), std::runtime_error);
    BOOST_TEST(first.request("GET", "/hello").status == 200u);
}

BOOST_FIXTURE_TEST_CASE(client_certificates_when_a_client_ca_is_set, https_server) {
    start({}, ca.cert_file());
    // Without one: refused (TLS 1.3: the client learns it on its first read).
    {
        bool refused = false;
        try {
            raw_client c{port, trust()};
            c.request("GET", "/hello");
        } catch (const std::runtime_error&) {
            refused = true;
        }
        BOOST_TEST(refused);
    }
    auto with = trust();
    with.cert = client.cert;
    with.key = client.key;
    raw_client c{port, with};
    BOOST_TEST(c.request("GET", "/hello").status == 200u);
}

BOOST_FIXTURE_TEST_CASE(a_client_that_does_not_trust_our_ca_fails_its_handshake, https_server) {
    start({});
    try {
        raw_client c{port, tls_options{other.cert_file()}};
        BOOST_FAIL("connected");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string{e.what()}.find("certificate verify failed") != std::string::npos, e.what());
    }
    raw_client c{port, trust()};
    BOOST_TEST(c.request("GET", "/hello").status == 200u);
}
