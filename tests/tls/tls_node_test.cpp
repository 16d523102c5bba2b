// A whole node from a profile folder with TLS everywhere: ESMEs on
// listen_tls, the carrier link to a TLS simulator with verify_peer, the
// admin API, the status page and the send API over HTTPS; a plaintext
// client on the TLS port is refused while the node keeps serving,
// SIGHUP's reload swaps the certificate, and /metrics shows the loaded
// certificates' expiry.
#define BOOST_TEST_MODULE tls_node
#include <boost/test/unit_test.hpp>

#include <fcntl.h>

#include <future>

#include "app/node.hpp"
#include "app/front_doors/node_admin.hpp"
#include "app/exposition.hpp"
#include "app/front_doors/node_http.hpp"
#include "app/metrics/node_metrics.hpp"
#include "config/profiles.hpp"
#include "http/admin_api.hpp"
#include "http/test_support.hpp"
#include "interop/child_process.hpp"
#include "tls/tls_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* admin_token = "tls-admin-token-0123456789";
constexpr const char* api_token = "acme-api-token-0123456789"; // acme's, send and read

struct tls_node_fixture {
    asio::io_context io;
    test_pki pki;
    fs::path dir = pki.dir.path / "profiles";
    std::unique_ptr<smsc_simulator> sim;
    std::unique_ptr<app::node> node;
    std::unique_ptr<app::node_admin> backend;
    std::unique_ptr<app::node_http> send_api; // outlives `admin`, whose routes use it
    std::unique_ptr<http::admin_http> admin;

    tls_node_fixture() {
        sim::smsc_config c;
        c.accounts = {{"twinsms", "carpw1"}};
        c.tls = tls::server_context(pki.server_settings());
        sim = std::make_unique<smsc_simulator>(io, std::move(c));
        sim->start();
        fs::create_directories(dir / "tls");
        fs::copy_file(pki.server.cert, dir / "tls/node.crt");
        fs::copy_file(pki.server.key, dir / "tls/node.key");
        fs::copy_file(pki.ca.cert_file(), dir / "tls/ca.crt");
        write("node.yaml", "node:\n  id: tls-node\n  role: primary\n  listen: [127.0.0.1:0]\n  listen_tls: [127.0.0.1:0]\n"
                           "  tls: {certificate: tls/node.crt, private_key: tls/node.key, handshake_timeout: 2s}\n"
                           "  store: {path: " + (pki.dir.path / "store").string() + ", map_size_mb: 16}\n"
                           "  admin: {listen: 127.0.0.1:0, token: " + admin_token + ", tls: true}\n");
        write("clients/acme.yaml", std::string{"client:\n  system_id: acme\n  password: secret\n"
                                               "  http: {tokens: [{token: "} + api_token + ", roles: [send, read]}]}\n");
        write("carriers/sim.yaml", "carrier:\n  host: 127.0.0.1\n  port: " + std::to_string(sim->port()) +
                                       "\n  system_id: twinsms\n  password: carpw1\n  reconnect: {initial: 50ms, max: 200ms}\n"
                                       "  tls: {ca_file: tls/ca.crt, server_name: localhost}\n");
        write("routes.yaml", "routes:\n  - name: all\n    carriers: [sim]\n");
    }
    ~tls_node_fixture() {
        if (admin) {
            bool done = false;
            asio::co_spawn(io, admin->stop(), [&](std::exception_ptr) { done = true; });
            run_until(io, [&] { return done; });
        }
        if (node) {
            bool done = false;
            asio::co_spawn(io, node->stop(), [&](std::exception_ptr) { done = true; });
            run_until(io, [&] { return done; }, 15s);
        }
        admin.reset();
        send_api.reset();
        backend.reset();
        node.reset();
        sim.reset();
    }
    void write(const std::string& rel, const std::string& text) const {
        fs::create_directories((dir / rel).parent_path());
        std::ofstream{dir / rel} << text;
    }

    void start() {
        node = std::make_unique<app::node>(io, config::load_profiles(dir));
        backend = std::make_unique<app::node_admin>(*node, [] { return std::string{}; });
        admin = std::make_unique<http::admin_http>(io.get_executor(), node->profiles().node.admin, *backend);
        send_api = std::make_unique<app::node_http>(*node); // as twinsmsd wires it
        http::add_send_routes(admin->routes(), *send_api);
        node->start();
        admin->start();
        BOOST_REQUIRE(run_until(io, [&] {
            const auto links = node->carriers().links();
            return !links.empty() && links.front().bound;
        }));
    }
    tcp::endpoint tls_ep() const { return node->tls_endpoints().at(0); }
    tcp::endpoint plain_ep() const { return node->endpoints().at(0); }

    std::unique_ptr<esme> tls_client() {
        auto t = connect_tls_esme(io, tls_ep(), pki.client_settings(pki.ca.cert_file()));
        BOOST_REQUIRE_MESSAGE(t.e, "handshake failed: " + t.error);
        const auto r = try_bind(io, *t.e, bind_type::transceiver, "acme", "secret");
        BOOST_REQUIRE(!r.ec);
        BOOST_REQUIRE_EQUAL(r.status, status::ok);
        return std::move(t.e);
    }

    struct ctl_result {
        int code = -1;
        std::string out, err;
    };
    // twinsmsctl ARGS as a process, the node running meanwhile.
    ctl_result ctl(std::vector<std::string> args, std::vector<std::string> env = {}) {
        std::vector<std::string> argv{"env", "-u", "TWINSMS_ADMIN_URL", "-u", "TWINSMS_ADMIN_TOKEN", "-u", "TWINSMS_ADMIN_CA"};
        argv.insert(argv.end(), env.begin(), env.end());
        argv.push_back(TWINSMSCTL_EXE);
        argv.insert(argv.end(), args.begin(), args.end());
        // Asio opens sockets without FD_CLOEXEC: the child must not hold our listeners.
        for (const auto& e : fs::directory_iterator("/proc/self/fd"))
            if (const int fd = std::stoi(e.path().filename().string()); fd > 2)
                if (const int f = ::fcntl(fd, F_GETFD); f >= 0) ::fcntl(fd, F_SETFD, f | FD_CLOEXEC);
        child_process p{argv};
        BOOST_REQUIRE(run_until(io, [&] { return p.poll(); }, 30s));
        return {p.status().code, p.out(), p.err()};
    }

    // Runs `f` (a blocking client) on its own thread while the node runs here.
    template <class F> auto off_thread(F f) {
        auto fut = std::async(std::launch::async, std::move(f));
        BOOST_REQUIRE(run_until(io, [&] { return fut.wait_for(0s) == std::future_status::ready; }));
        return fut.get();
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(esme_over_tls_to_a_carrier_over_tls_with_receipts, tls_node_fixture) {
    start();
    BOOST_TEST(node->endpoints().size() == 2u);
    BOOST_TEST(node->tls_endpoints().size() == 1u);
    BOOST_TEST(node->carriers().bound_link("sim")->bound_session()->secure());
    auto e = tls_client();
    const auto a = request_answer(io, *e, make_submit("447700900003", "tls end to end", 1));
    BOOST_REQUIRE(!a.ec);
    BOOST_REQUIRE_EQUAL(a.status(), status::ok);
    BOOST_REQUIRE(run_until(io, [&] { return sim->messages().size() == 1; }));
    BOOST_TEST(sim->messages().front().text == "tls end to end");
    // The receipt: carrier -> node over TLS, node -> ESME over TLS, with our id.
    BOOST_REQUIRE(run_until(io, [&] { return !e->delivered.empty(); }));
    BOOST_TEST(e->dsm(0).short_message.find("id:" + a.message_id()) != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(plaintext_on_the_tls_port_is_refused_and_the_node_keeps_serving, tls_node_fixture) {
    start();
    auto plain = connect_esme(io, tls_ep());
    BOOST_TEST(try_bind(io, *plain, bind_type::transceiver, "acme", "secret").ec);
    BOOST_REQUIRE(run_until(io, [&] { return plain->closed; }));
    // Both listeners still serve: plain on listen, TLS on listen_tls.
    auto p = connect_esme(io, plain_ep());
    BOOST_REQUIRE_EQUAL(bind_esme(io, *p, bind_type::transceiver, "acme", "secret"), status::ok);
    BOOST_TEST(!p->s->secure());
    BOOST_TEST(request_answer(io, *p, make_submit("447700900003", "plain")).status() == status::ok);
    auto e = tls_client();
    BOOST_TEST(request_answer(io, *e, make_submit("447700900003", "tls")).status() == status::ok);
    BOOST_REQUIRE(run_until(io, [&] { return sim->messages().size() == 2; }));
}

BOOST_FIXTURE_TEST_CASE(admin_status_over_https, tls_node_fixture) {
    start();
    const auto port = admin->local_endpoint().port();
    const auto ca = pki.ca.cert_file();
    const auto r = off_thread([port, ca] {
        raw_client c{port, tls_options{ca}};
        return c.request("GET", "/api/v1/status", {std::string{"Authorization: Bearer "} + admin_token});
    });
    BOOST_TEST(r.status == 200u);
    const auto doc = r.json();
    BOOST_TEST(doc.at("node").at("id").as_string() == "tls-node");
    // Keep-alive works over TLS, and the token is still required.
    const auto two = off_thread([port, ca] {
        raw_client c{port, tls_options{ca}};
        auto first = c.request("GET", "/api/v1/health");
        auto second = c.request("GET", "/api/v1/status");
        return std::pair{first.status, second.status};
    });
    BOOST_TEST(two.first == 200u);
    BOOST_TEST(two.second == 401u);
    // Plain HTTP on the HTTPS port gets no HTTP answer; the server goes on.
    const bool closed = off_thread([port] {
        raw_client c{port};
        c.send("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
        return c.wait_closed();
    });
    BOOST_TEST(closed);
    // A client that does not trust our CA refuses us.
    const auto other = pki.other_ca.cert_file();
    const std::string refused = off_thread([port, other] {
        try {
            raw_client c{port, tls_options{other}};
            return std::string{"connected"};
        } catch (const std::runtime_error& e) {
            return std::string{e.what()};
        }
    });
    BOOST_TEST(refused.find("certificate verify failed") != std::string::npos, refused);
    const auto again = off_thread([port, ca] {
        raw_client c{port, tls_options{ca}};
        return c.request("GET", "/api/v1/health").status;
    });
    BOOST_TEST(again == 200u);
}

BOOST_FIXTURE_TEST_CASE(status_page_and_send_api_over_https, tls_node_fixture) {
    start();
    const auto port = admin->local_endpoint().port();
    const auto ca = pki.ca.cert_file();
    const auto page = off_thread([port, ca] { return raw_client{port, tls_options{ca}}.request("GET", "/"); });
    BOOST_TEST(page.status == 200u);
    BOOST_TEST(page.header("content-type").find("text/html") == 0u);
    BOOST_TEST(page.body.find("id=\"login\"") != std::string::npos);
    const auto script = off_thread([port, ca] { return raw_client{port, tls_options{ca}}.request("GET", "/page/status.js"); });
    BOOST_TEST(script.status == 200u);

    // A client account's message over HTTPS, to the carrier over TLS.
    const std::string bearer = std::string{"Authorization: Bearer "} + api_token;
    const auto sent = off_thread([port, ca, bearer] {
        return raw_client{port, tls_options{ca}}.request("POST", "/api/v1/messages", {bearer, "Content-Type: application/json"},
                                                         R"({"to":"447700900009","text":"over https"})");
    });
    BOOST_TEST_REQUIRE(sent.status == 202u, sent.body);
    const std::string id{sent.json().at("messages").at(0).at("message_ids").at(0).as_string()};
    BOOST_REQUIRE(run_until(io, [&] { return sim->messages().size() == 1; }));
    BOOST_TEST(sim->messages().front().text == "over https");
    const auto read = off_thread([port, ca, bearer, id] {
        return raw_client{port, tls_options{ca}}.request("GET", "/api/v1/messages/" + id, {bearer});
    });
    BOOST_TEST_REQUIRE(read.status == 200u, read.body);
    BOOST_TEST(read.json().at("id").as_string() == id);
}

BOOST_FIXTURE_TEST_CASE(reload_picks_up_a_renewed_certificate, tls_node_fixture) {
    start();
    {
        auto t = connect_tls_esme(io, tls_ep(), pki.client_settings(pki.ca.cert_file()));
        BOOST_REQUIRE(t.e);
        BOOST_TEST(t.e->s->stream().peer_subject().find("CN=localhost") != std::string::npos);
    }
    const auto renewed = pki.ca.issue("renewed.localhost", "DNS:localhost,IP:127.0.0.1");
    fs::copy_file(renewed.cert, dir / "tls/node.crt", fs::copy_options::overwrite_existing);
    fs::copy_file(renewed.key, dir / "tls/node.key", fs::copy_options::overwrite_existing);
    node->apply(config::load_profiles(dir)); // what SIGHUP does
    auto t = connect_tls_esme(io, tls_ep(), pki.client_settings(pki.ca.cert_file()));
    BOOST_REQUIRE_MESSAGE(t.e, t.error);
    BOOST_TEST(t.e->s->stream().peer_subject().find("CN=renewed.localhost") != std::string::npos,
               t.e->s->stream().peer_subject());
    BOOST_TEST(try_bind(io, *t.e, bind_type::transceiver, "acme", "secret").status == status::ok);
}

// test_pki's certificates are valid for a day from now: the notAfter the
// listeners loaded, in Unix seconds, as the certificate-expiry alert reads it.
BOOST_FIXTURE_TEST_CASE(metrics_show_the_loaded_certificates_expiry, tls_node_fixture) {
    start();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto e = parse(app::render_metrics(*node, nullptr, admin.get()));
    BOOST_TEST(e.errors.empty(), errors_of(e));
    for (const char* l : {"smpp", "admin"}) {
        const auto* s = e.find("twinsms_tls_certificate_expiry_timestamp_seconds", {{"listener", l}});
        BOOST_TEST_REQUIRE(s != nullptr, l);
        BOOST_TEST(std::abs(s->value - double(now + 86400)) < 300, l << ": " << s->value << " vs now " << now);
    }
}

BOOST_FIXTURE_TEST_CASE(twinsmsctl_over_https, tls_node_fixture) {
    start();
    const auto port = std::to_string(admin->local_endpoint().port());
    const auto ca = pki.ca.cert_file();
    auto r = ctl({"--node", "https://localhost:" + port, "--cacert", ca, "--token", admin_token, "status", "--json"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out.find("\"tls-node\"") != std::string::npos, r.out);
    // By IP address (the certificate's IP SAN), the CA from the environment.
    r = ctl({"--node", "https://127.0.0.1:" + port, "--token", admin_token, "status"}, {"TWINSMS_ADMIN_CA=" + ca});
    BOOST_TEST(r.code == 0, r.err);
    // A CA that did not sign the node's certificate: unreachable (4), with the reason.
    r = ctl({"--node", "https://localhost:" + port, "--cacert", pki.other_ca.cert_file(), "--token", admin_token, "status"});
    BOOST_TEST(r.code == 4);
    BOOST_TEST(r.err.find("TLS handshake failed: certificate verify failed") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("unable to get local issuer certificate") != std::string::npos, r.err);
}
