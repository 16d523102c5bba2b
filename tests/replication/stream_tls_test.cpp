// The replication channel over TLS (replication.tls): the stream, its
// snapshot and its acks (sync) over mutual TLS; a receiver that does not
// trust the sender's certificate, or a sender that wants a client
// certificate the receiver lacks, is refused with OpenSSL's reason logged
// and nothing applied, and the receiver keeps retrying; a plain end and a
// TLS end say why at once instead of hanging; the failback reclaim speaks
// TLS too. Certificates are made at run time (tests/tls/test_pki.hpp).
#define BOOST_TEST_MODULE replication_stream_tls
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <thread>

#include "replication/reclaim.hpp"
#include "replication/stream_fixture.hpp"
#include "tls/stderr_capture.hpp"
#include "tls/test_pki.hpp"

using namespace twinsms;
using namespace twinsms::replication;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

struct fixture : test::stream_fixture {
    test::stderr_capture log;
    test::test_ca ca{dir.path / "pki", "pair-ca"};
    test::test_ca other_ca{dir.path / "pki", "other-ca"};
    test::pki_files site1 = ca.issue("site1");      // the sender's: names 127.0.0.1
    test::pki_files site2 = ca.issue("site2", "");  // the receiver's client certificate
    test::pki_files stranger = other_ca.issue("stranger", "");

    tls::server_settings server(bool want_client_cert) const {
        tls::server_settings s;
        s.certificate = site1.cert;
        s.private_key = site1.key;
        if (want_client_cert) s.client_ca = ca.cert_file();
        return s;
    }
    // Trusts `trusted`; server_name empty: the peer's address (127.0.0.1).
    tls::client_settings client(const std::string& trusted, const test::pki_files* cert = nullptr) const {
        tls::client_settings c;
        c.enabled = true;
        c.ca_file = trusted;
        if (cert) c.certificate = cert->cert, c.private_key = cert->key;
        return c;
    }
    bool logged(std::initializer_list<std::string_view> parts) { return !log.line_with(parts).empty(); }
    void restart_sender(std::optional<tls::server_settings> tls) {
        if (rcv) stop(rcv->stop());
        rcv.reset();
        stop(snd->stop());
        snd.reset();
        start_sender(1 << 20, false, std::move(tls));
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_stream_its_snapshot_and_sync_acks_run_over_mutual_tls, fixture) {
    const auto before = accept(30); // a late receiver: a snapshot first, over TLS
    start_sender(1 << 20, true, server(true));
    start_receiver("pair-secret", client(ca.cert_file(), &site2));
    BOOST_REQUIRE(run_until([&] { return snd->stats().snapshots == 1 && rep->applied() == primary_seq(); }));
    BOOST_TEST(replica_has(before));
    const auto ids = accept(100);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    BOOST_TEST(replica_has(ids));
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 130u);
    // Sync: the client's OK is released by the ack (well within the 300 ms timeout).
    accept(1);
    bool released = false;
    snd->when_replicated([&] { released = true; });
    BOOST_REQUIRE(run_until([&] { return released; }, 250ms));
    BOOST_TEST(!snd->degraded());
    BOOST_TEST(snd->stats().tls_failures == 0u);
    BOOST_TEST(rcv->stats().tls_failures == 0u);
    log.restore();
    BOOST_TEST(logged({"comp=replication", "event=tls_established", "client_cert=", "CN=site2"}), log.text());
    BOOST_TEST(logged({"event=receiver_connected", "tls=\"TLSv1.", "CN=site1"}), log.text());
}

BOOST_FIXTURE_TEST_CASE(a_receiver_that_does_not_trust_the_sender_is_refused_and_keeps_retrying, fixture) {
    start_sender(1 << 20, false, server(false));
    start_receiver("pair-secret", client(other_ca.cert_file()));
    accept(5);
    BOOST_REQUIRE(run_until([&] { return rcv->stats().tls_failures >= 2; })); // retried, with the backoff
    BOOST_TEST(rcv->stats().connects == 0u);
    BOOST_TEST(snd->stats().connections == 0u);
    BOOST_TEST(rep->applied() == 0u);
    // The certificate does not name what the receiver checks: refused too.
    stop(rcv->stop());
    auto named = client(ca.cert_file());
    named.server_name = "site9.example.net";
    start_receiver("pair-secret", named);
    BOOST_REQUIRE(run_until([&] { return rcv->stats().tls_failures >= 1; }));
    BOOST_TEST(rep->applied() == 0u);
    log.restore();
    BOOST_TEST(logged({"comp=replication", "event=tls_handshake_failed", "peer=127.0.0.1", "certificate verify failed",
                       "unable to get local issuer certificate"}),
               log.text());
    BOOST_TEST(logged({"event=tls_handshake_failed", "site9.example.net", "hostname mismatch"}), log.text());
}

BOOST_FIXTURE_TEST_CASE(with_client_ca_a_receiver_without_a_trusted_certificate_is_refused, fixture) {
    start_sender(1 << 20, false, server(true));
    start_receiver("pair-secret", client(ca.cert_file())); // no client certificate
    accept(5);
    BOOST_REQUIRE(run_until([&] { return snd->stats().tls_failures >= 2; }));
    stop(rcv->stop());
    start_receiver("pair-secret", client(ca.cert_file(), &stranger)); // one the pair's CA did not sign
    BOOST_REQUIRE(run_until([&] { return snd->stats().tls_failures >= 3 && rcv->stats().tls_failures >= 1; }));
    BOOST_TEST(snd->stats().connections == 0u);
    BOOST_TEST(!snd->state().connected());
    BOOST_TEST(rep->applied() == 0u);
    log.restore();
    BOOST_TEST(logged({"comp=replication", "event=tls_handshake_failed", "from=127.0.0.1", "did not return a certificate"}),
               log.text());
    BOOST_TEST(logged({"event=tls_handshake_failed", "from=127.0.0.1", "certificate verify failed"}), log.text());
}

BOOST_FIXTURE_TEST_CASE(a_plain_end_and_a_tls_end_say_why_at_once, fixture) {
    const auto t0 = std::chrono::steady_clock::now();
    start_sender(1 << 20, false, server(false));
    start_receiver(); // plain
    BOOST_REQUIRE(run_until([&] { return snd->stats().tls_failures >= 1 && rcv->stats().breaks >= 1; }));
    restart_sender(std::nullopt); // plain now, and the receiver wants TLS
    start_receiver("pair-secret", client(ca.cert_file()));
    BOOST_REQUIRE(run_until([&] { return rcv->stats().tls_failures >= 1; }));
    // Well before the 10 s handshake timeout: neither waited for it.
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 5s));
    BOOST_TEST(rep->applied() == 0u);
    log.restore();
    BOOST_TEST(logged({"event=tls_handshake_failed", "from=127.0.0.1", "wrong version number"}), log.text());
    BOOST_TEST(logged({"event=receiver_disconnected", "its listener wants TLS"}), log.text());
    BOOST_TEST(logged({"event=receiver_refused", "the receiver uses TLS, this listener does not"}), log.text());
    BOOST_TEST(logged({"event=tls_handshake_failed", "peer=127.0.0.1", "closed the connection during the TLS handshake"}),
               log.text());
}

BOOST_FIXTURE_TEST_CASE(the_failback_reclaim_speaks_tls_and_refuses_an_untrusted_sender, fixture) {
    start_sender(1 << 20, false, server(true));
    int asked = 0;
    snd->on_reclaim({[&](std::string) -> asio::awaitable<std::optional<fs::path>> {
                         ++asked;
                         co_return std::nullopt; // not held: our store stays as it is
                     },
                     {}});
    config::replication_settings s;
    s.peer = snd->local_endpoint();
    s.token = "pair-secret";
    s.tls = config::channel_tls{server(true), client(ca.cert_file(), &site2)};
    const auto own = test::temp_store_options(dir.path / "own");
    reclaim_options o;
    o.attempts = 1;
    auto ask = [&] {
        std::atomic<bool> done = false;
        reclaim_result r;
        // reclaim_own_store blocks on its own io_context; the sender needs ours.
        std::thread t{[&] {
            r = reclaim_own_store(own, s, "site2", o);
            done = true;
        }};
        run_until([&] { return done.load(); });
        t.join();
        return r;
    };
    auto r = ask();
    BOOST_TEST((r.what == reclaim_result::outcome::own_store));
    BOOST_TEST(r.detail == "the peer does not hold our store");
    BOOST_TEST(asked == 1); // it got through, over TLS
    s.tls->client.ca_file = other_ca.cert_file();
    r = ask();
    BOOST_TEST((r.what == reclaim_result::outcome::own_store));
    BOOST_TEST(r.detail.find("certificate verify failed") != std::string::npos, r.detail);
    BOOST_TEST(asked == 1);
}
