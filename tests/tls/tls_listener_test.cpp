// SMPP over TLS on the client listener: an ESME binds and submits over TLS;
// a plaintext client, a silent client and a TLS 1.1 client are refused
// without disturbing the listener; client certificates when client_ca is set.
#define BOOST_TEST_MODULE tls_listener
#include <boost/test/unit_test.hpp>

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "smpp/server/listener.hpp"
#include "tls/tls_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace std::chrono_literals;

namespace {

struct listener_fixture {
    asio::io_context io;
    test_pki pki;
    std::unique_ptr<client_listener> listener;
    std::vector<std::string> submitted; // short_message of each submit the listener took

    void start(tls::server_settings s) {
        listener_config lc;
        lc.endpoint = {asio::ip::make_address("127.0.0.1"), 0};
        lc.tls = tls::server_context(s);
        lc.handshake_timeout = s.handshake_timeout;
        client_account a;
        a.system_id = "acme";
        a.password = "secret";
        auto table = std::make_shared<account_table>(std::vector<client_account>{a});
        listener = std::make_unique<client_listener>(
            io.get_executor(), lc, table, [this](session& ss, const client_account&, const pdu& req) {
                if (const auto* sm = req.as<submit_sm>()) submitted.emplace_back(sm->short_message);
                pdu resp = make_response(req, status::ok);
                if (auto* r = resp.as<submit_sm_resp>()) r->message_id = "tls-" + std::to_string(submitted.size());
                ss.respond(resp);
            });
        listener->start();
    }
    ~listener_fixture() {
        if (listener) {
            bool done = false;
            asio::co_spawn(io, listener->stop(), [&](std::exception_ptr) { done = true; });
            run_until(io, [&] { return done; });
        }
    }
    tcp::endpoint ep() const { return listener->local_endpoint(); }

    // A TLS client bound as acme; fails the test otherwise.
    std::unique_ptr<esme> bound_tls_client(tls::client_settings c) {
        auto t = connect_tls_esme(io, ep(), c);
        BOOST_REQUIRE_MESSAGE(t.e, "handshake failed: " + t.error);
        const auto r = try_bind(io, *t.e, bind_type::transceiver, "acme", "secret");
        BOOST_REQUIRE(!r.ec);
        BOOST_REQUIRE_EQUAL(r.status, status::ok);
        return std::move(t.e);
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(esme_binds_over_tls_and_submits, listener_fixture) {
    start(pki.server_settings());
    auto e = bound_tls_client(pki.client_settings(pki.ca.cert_file()));
    BOOST_TEST(e->s->secure());
    BOOST_TEST(e->s->stream().tls_description().starts_with("TLSv1."));
    BOOST_TEST(e->s->stream().peer_subject().find("CN=localhost") != std::string::npos);
    const auto a = request_answer(io, *e, make_submit("447700900001", "over tls"));
    BOOST_REQUIRE(!a.ec);
    BOOST_TEST(a.status() == status::ok);
    BOOST_TEST(a.message_id() == "tls-1");
    BOOST_TEST(submitted == std::vector<std::string>{"over tls"}, boost::test_tools::per_element());
    BOOST_TEST(listener->tls_failures() == 0u);
    // Many PDUs in both directions, batched writes included.
    std::size_t answered = 0;
    for (int i = 0; i < 500; ++i)
        e->s->send_request(make_submit("447700900001", "bulk"), [&](const error_code& ec, const pdu* r) {
            if (!ec && r && r->status == status::ok) ++answered;
        });
    BOOST_REQUIRE(run_until(io, [&] { return answered == 500; }));
}

BOOST_FIXTURE_TEST_CASE(plaintext_client_is_refused_and_listener_keeps_serving, listener_fixture) {
    start(pki.server_settings());
    stderr_capture log;
    auto plain = connect_esme(io, ep());
    const auto r = try_bind(io, *plain, bind_type::transceiver, "acme", "secret");
    // Its bind is no ClientHello: the listener answers with a TLS alert and
    // closes; the plaintext client gets no bind_resp, only the close.
    BOOST_TEST(r.ec);
    BOOST_TEST(!is_bound(plain->s->state()));
    BOOST_REQUIRE(run_until(io, [&] { return plain->closed; }));
    BOOST_TEST(listener->tls_failures() == 1u);
    BOOST_TEST(listener->session_count() == 0u);
    log.restore();
    BOOST_TEST(!log.line_with({"comp=listener", "event=tls_handshake_failed", "remote=127.0.0.1:"}).empty(), log.text());
    // Still serving TLS clients.
    auto e = bound_tls_client(pki.client_settings(pki.ca.cert_file()));
    BOOST_TEST(request_answer(io, *e, make_submit("447700900001", "after")).status() == status::ok);
}

BOOST_FIXTURE_TEST_CASE(silent_client_is_closed_at_handshake_timeout, listener_fixture) {
    auto s = pki.server_settings();
    s.handshake_timeout = 300ms;
    start(s);
    tcp::socket silent{io};
    silent.connect(ep());
    BOOST_REQUIRE(run_until(io, [&] { return listener->handshakes_in_progress() == 1; }));
    std::array<char, 64> buf;
    std::optional<error_code> read_end;
    silent.async_read_some(asio::buffer(buf), [&](const error_code& ec, std::size_t) { read_end = ec; });
    const auto t0 = std::chrono::steady_clock::now();
    BOOST_REQUIRE(run_until(io, [&] { return read_end.has_value(); }, 5s));
    BOOST_TEST(*read_end == asio::error::eof);
    BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 250ms));
    BOOST_TEST(listener->handshakes_in_progress() == 0u);
    BOOST_TEST(listener->tls_failures() == 1u);
}

BOOST_FIXTURE_TEST_CASE(tls_1_1_is_refused, listener_fixture) {
    start(pki.server_settings());
    // A client that offers at most TLS 1.1 (allowed by its own side at
    // security level 0, so the refusal is ours).
    asio::ssl::context old{asio::ssl::context::tls_client};
    SSL_CTX_set_security_level(old.native_handle(), 0);
    SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
    SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
    old.set_verify_mode(asio::ssl::verify_none);
    asio::ssl::stream<tcp::socket> s{io, old};
    s.next_layer().connect(ep());
    std::optional<error_code> hs;
    s.async_handshake(asio::ssl::stream_base::client, [&](const error_code& ec) { hs = ec; });
    BOOST_REQUIRE(run_until(io, [&] { return hs.has_value(); }));
    BOOST_TEST(*hs);
    BOOST_REQUIRE(run_until(io, [&] { return listener->tls_failures() == 1; }));
    BOOST_TEST(listener->session_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(client_ca_requires_a_certificate_it_signed, listener_fixture) {
    auto s = pki.server_settings();
    s.client_ca = pki.ca.cert_file();
    start(s);
    auto c = pki.client_settings(pki.ca.cert_file());

    // No client certificate: refused (under TLS 1.3 the client learns it
    // from an alert after its side of the handshake, so the bind fails).
    {
        auto t = connect_tls_esme(io, ep(), c);
        if (t.e) BOOST_TEST(try_bind(io, *t.e, bind_type::transceiver, "acme", "secret").ec);
        BOOST_REQUIRE(run_until(io, [&] { return listener->tls_failures() == 1; }));
    }
    // One from another CA: refused too.
    {
        auto stranger = c;
        stranger.certificate = pki.stranger.cert;
        stranger.private_key = pki.stranger.key;
        auto t = connect_tls_esme(io, ep(), stranger);
        if (t.e) BOOST_TEST(try_bind(io, *t.e, bind_type::transceiver, "acme", "secret").ec);
        BOOST_REQUIRE(run_until(io, [&] { return listener->tls_failures() == 2; }));
    }
    BOOST_TEST(listener->session_count() == 0u);
    // Ours: bound, and the server saw who we are.
    c.certificate = pki.client.cert;
    c.private_key = pki.client.key;
    auto e = bound_tls_client(c);
    BOOST_TEST(request_answer(io, *e, make_submit("447700900001", "with cert")).status() == status::ok);
    BOOST_TEST(listener->tls_failures() == 2u);
}

BOOST_FIXTURE_TEST_CASE(stop_closes_handshakes_in_progress, listener_fixture) {
    start(pki.server_settings()); // handshake_timeout 10 s: stop() must not wait for it
    tcp::socket silent{io};
    silent.connect(ep());
    BOOST_REQUIRE(run_until(io, [&] { return listener->handshakes_in_progress() == 1; }));
    bool done = false;
    const auto t0 = std::chrono::steady_clock::now();
    asio::co_spawn(io, listener->stop(), [&](std::exception_ptr) { done = true; });
    BOOST_REQUIRE(run_until(io, [&] { return done && listener->handshakes_in_progress() == 0; }, 5s));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 5s));
    listener.reset();
}
