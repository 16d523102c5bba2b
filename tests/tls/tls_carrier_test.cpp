// Carrier links over TLS: the carrier client against our simulator behind a
// TLS acceptor. verify_peer passes with the right CA (by name and by IP
// address) and fails, with a clear logged reason, with a wrong CA or name;
// client certificates when the SMSC asks for them.
#define BOOST_TEST_MODULE tls_carrier
#include <boost/test/unit_test.hpp>

#include "smpp/carrier/carrier_client.hpp"
#include "tls/tls_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace std::chrono_literals;

namespace {

struct recorder : carrier_handler {
    void on_deliver(carrier_client&, const pdu& req, responder r) override {
        if (const auto* d = req.as<deliver_sm>()) delivered.emplace_back(d->short_message);
        r.respond(status::ok);
    }
    std::vector<std::string> delivered;
};

struct carrier_fixture {
    asio::io_context io;
    test_pki pki;
    std::unique_ptr<smsc_simulator> sim;
    recorder rec;
    std::shared_ptr<carrier_client> link;

    void start_sim(tls::server_settings s, std::chrono::milliseconds handshake_timeout = 2s) {
        sim::smsc_config c;
        c.accounts = {{"twinsms", "carpw1"}};
        c.tls = tls::server_context(s);
        c.handshake_timeout = handshake_timeout;
        sim = std::make_unique<smsc_simulator>(io, std::move(c));
        sim->start();
    }
    void start_link(tls::client_settings t, std::string host = "127.0.0.1") {
        carrier_config c;
        c.name = "tls-carrier";
        c.host = std::move(host);
        c.port = sim->port();
        c.system_id = "twinsms";
        c.password = "carpw1";
        c.reconnect.initial = 50ms;
        c.reconnect.max = 200ms;
        c.tls = std::move(t);
        link = std::make_shared<carrier_client>(io.get_executor(), c, &rec);
        link->start();
    }
    ~carrier_fixture() {
        if (link) {
            bool done = false;
            asio::co_spawn(io, link->stop(), [&](std::exception_ptr) { done = true; });
            run_until(io, [&] { return done; });
        }
    }
    submit_outcome submit(std::string text) {
        std::optional<submit_outcome> out;
        link->submit(owned_pdu{make_submit("447700900002", text, 1)}, [&](const submit_outcome& o) { out = o; });
        BOOST_REQUIRE(run_until(io, [&] { return out.has_value(); }));
        return *out;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(verify_peer_with_the_right_ca_binds_and_submits, carrier_fixture) {
    start_sim(pki.server_settings());
    start_link(pki.client_settings(pki.ca.cert_file())); // server_name localhost, verify_peer
    BOOST_REQUIRE(run_until(io, [&] { return link->bound(); }));
    BOOST_TEST(link->bound_session()->secure());
    BOOST_TEST(link->last_error().empty());
    const auto o = submit("to the carrier over tls");
    BOOST_TEST(!o.ec);
    BOOST_TEST(o.status == status::ok);
    BOOST_TEST(!o.message_id.empty());
    BOOST_REQUIRE_EQUAL(sim->messages().size(), 1u);
    BOOST_TEST(sim->messages().front().text == "to the carrier over tls");
    // The receipt comes back over the same TLS link.
    BOOST_REQUIRE(run_until(io, [&] { return !rec.delivered.empty(); }));
    BOOST_TEST(rec.delivered.front().find("id:" + o.message_id) != std::string::npos, rec.delivered.front());
}

BOOST_FIXTURE_TEST_CASE(verify_by_ip_address_when_no_server_name_is_set, carrier_fixture) {
    start_sim(pki.server_settings());
    auto t = pki.client_settings(pki.ca.cert_file());
    t.server_name.clear(); // checked against the host, 127.0.0.1, in the certificate's IP SAN
    start_link(t);
    BOOST_REQUIRE(run_until(io, [&] { return link->bound(); }));
}

BOOST_FIXTURE_TEST_CASE(a_wrong_ca_fails_with_a_clear_logged_error, carrier_fixture) {
    start_sim(pki.server_settings());
    stderr_capture log;
    start_link(pki.client_settings(pki.other_ca.cert_file()));
    // Two attempts: it keeps retrying with backoff, and never binds.
    BOOST_REQUIRE(run_until(io, [&] { return link->stats().tls_failures >= 2; }));
    log.restore();
    BOOST_TEST(!link->bound());
    BOOST_TEST(link->stats().binds == 0u);
    BOOST_TEST(sim->bound_sessions() == 0u);
    BOOST_TEST(sim->messages().empty());
    const auto& why = link->last_error();
    BOOST_TEST(why.find("certificate verify failed") != std::string::npos, why);
    BOOST_TEST(why.find("unable to get local issuer certificate") != std::string::npos, why);
    const auto line = log.line_with({"level=warn", "comp=carrier", "event=tls_handshake_failed", "carrier=tls-carrier"});
    BOOST_TEST_REQUIRE(!line.empty(), log.text());
    BOOST_TEST(line.find("server_name=localhost") != std::string::npos, line);
    BOOST_TEST(line.find("unable to get local issuer certificate") != std::string::npos, line);
    // The SMSC side saw our refusal.
    BOOST_REQUIRE(run_until(io, [&] { return sim->counters().tls_failures >= 1; }));
}

BOOST_FIXTURE_TEST_CASE(a_name_the_certificate_does_not_carry_fails, carrier_fixture) {
    start_sim(pki.server_settings());
    auto t = pki.client_settings(pki.ca.cert_file());
    t.server_name = "smsc.example.net";
    start_link(t);
    BOOST_REQUIRE(run_until(io, [&] { return link->stats().tls_failures >= 1; }));
    BOOST_TEST(!link->bound());
    BOOST_TEST(link->last_error().find("hostname mismatch") != std::string::npos, link->last_error());
}

BOOST_FIXTURE_TEST_CASE(verify_peer_off_binds_to_any_certificate, carrier_fixture) {
    start_sim(pki.server_settings());
    auto t = pki.client_settings(pki.other_ca.cert_file());
    t.verify_peer = false;
    start_link(t);
    BOOST_REQUIRE(run_until(io, [&] { return link->bound(); }));
}

BOOST_FIXTURE_TEST_CASE(client_certificate_for_an_smsc_that_asks_for_one, carrier_fixture) {
    auto s = pki.server_settings();
    s.client_ca = pki.ca.cert_file();
    start_sim(s);
    auto t = pki.client_settings(pki.ca.cert_file());
    start_link(t); // none: the SMSC refuses
    BOOST_REQUIRE(run_until(io, [&] { return sim->counters().tls_failures >= 1; }));
    BOOST_TEST(!link->bound());
    bool done = false;
    asio::co_spawn(io, link->stop(), [&](std::exception_ptr) { done = true; });
    BOOST_REQUIRE(run_until(io, [&] { return done; }));
    t.certificate = pki.client.cert;
    t.private_key = pki.client.key;
    start_link(t);
    BOOST_REQUIRE(run_until(io, [&] { return link->bound(); }));
    BOOST_TEST(submit("with a client certificate").status == status::ok);
}

BOOST_FIXTURE_TEST_CASE(unreadable_ca_file_is_reported_and_retried, carrier_fixture) {
    start_sim(pki.server_settings());
    start_link(pki.client_settings((pki.dir.path / "missing.pem").string()));
    BOOST_REQUIRE(run_until(io, [&] { return link->stats().tls_failures >= 1; }));
    BOOST_TEST(link->last_error().find("ca_file") != std::string::npos, link->last_error());
    BOOST_TEST(link->last_error().find("missing.pem: cannot read") != std::string::npos, link->last_error());
    BOOST_TEST(sim->counters().connections == 0u);
}

BOOST_FIXTURE_TEST_CASE(simulator_stop_closes_handshakes_in_progress, carrier_fixture) {
    start_sim(pki.server_settings(), 60s);
    tcp::socket silent{io};
    silent.connect(sim->local_endpoint());
    std::array<char, 16> buf;
    std::optional<error_code> end;
    silent.async_read_some(asio::buffer(buf), [&](const error_code& ec, std::size_t) { end = ec; });
    BOOST_REQUIRE(run_until(io, [&] { return sim->handshakes_in_progress() == 1; }));
    sim->stop();
    BOOST_REQUIRE(run_until(io, [&] { return end.has_value(); }, 5s));
    BOOST_TEST(*end == asio::error::eof);
}
