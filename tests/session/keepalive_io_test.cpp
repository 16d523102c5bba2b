// Keepalive and inactivity over loopback with short real timers: a silent
// peer is declared dead in about interval * misses, an answering (or merely
// busy) one never is; inactivity unbinds a bound session.
#define BOOST_TEST_MODULE keepalive_io
#include <boost/test/unit_test.hpp>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;
using smpp::session_error;

namespace {
smpp::session_config ka(ms interval, unsigned misses, ms inactivity = ms(0)) {
    smpp::session_config c;
    c.keepalive = {interval, misses, inactivity};
    return c;
}

// A raw peer that reads everything and counts enquire_links; it answers them
// only while `answer` is true. It never closes the connection itself.
struct raw_peer {
    tcp::socket sock;
    bool answer = false;
    int probes = 0, answered = 0;
    std::chrono::steady_clock::time_point last_answer{};
    error_code ended;

    explicit raw_peer(tcp::socket s) : sock{std::move(s)} {}
    asio::awaitable<void> run() {
        for (;;) {
            auto r = co_await read_pdu(sock);
            if (r.ec) {
                ended = r.ec;
                co_return;
            }
            if (r.id() == command_id::bind_transceiver) {
                auto resp = encoded(pdu{st::ok, r.hdr.sequence_number, smpp::bind_transceiver_resp{}});
                co_await write_all(sock, std::move(resp));
            }
            if (r.id() != command_id::enquire_link) continue;
            ++probes;
            if (!answer) continue;
            auto resp = encoded(pdu{st::ok, r.hdr.sequence_number, smpp::enquire_link_resp{}});
            co_await write_all(sock, std::move(resp));
            ++answered;
            last_answer = std::chrono::steady_clock::now();
        }
    }
};

struct raw_fixture {
    asio::io_context io;
    recording_handler h;
    std::shared_ptr<session> s;
    std::unique_ptr<raw_peer> peer;
    std::chrono::steady_clock::time_point created;

    raw_fixture(smpp::role r, smpp::session_config cfg, bool answer) {
        auto [a, b] = socket_pair(io);
        peer = std::make_unique<raw_peer>(std::move(b));
        peer->answer = answer;
        created = std::chrono::steady_clock::now(); // before the session: its silence clock starts after
        cfg.name = "under-test";
        s = session::create(std::move(a), r, cfg);
        s->set_handler(&h);
        s->start();
        asio::co_spawn(io, peer->run(), asio::detached);
    }
    ~raw_fixture() { shutdown(io, {s}); }
};
} // namespace

BOOST_AUTO_TEST_CASE(silent_peer_declared_dead_in_about_interval_times_misses) {
    raw_fixture f{smpp::role::esme, ka(ms(50), 3), false};
    BOOST_REQUIRE(run_until(f.io, [&] { return f.s->closed(); }, ms(5000)));
    const auto took = elapsed_ms(f.created);
    BOOST_TEST_MESSAGE("keepalive 50ms x 3: silent peer declared dead after " << took.count() << " ms ("
                                                                              << f.peer->probes << " probes)");
    BOOST_TEST(f.s->close_reason() == session_error::peer_dead);
    BOOST_TEST(f.h.close_reason == session_error::peer_dead);
    BOOST_TEST(f.h.closed == 1);
    BOOST_TEST(took.count() >= 150);
    BOOST_TEST(took.count() < 300);
    BOOST_TEST(f.peer->probes == 2); // at 50 and 100ms; death at 150ms
    BOOST_REQUIRE(run_until(f.io, [&] { return bool(f.peer->ended); }));
    BOOST_TEST(f.peer->ended == asio::error::eof); // the peer sees the connection go
}

BOOST_AUTO_TEST_CASE(silent_esme_dies_on_the_smsc_side_too) {
    raw_fixture f{smpp::role::smsc, ka(ms(50), 3), false};
    BOOST_REQUIRE(run_until(f.io, [&] { return f.s->closed(); }, ms(5000)));
    const auto took = elapsed_ms(f.created);
    BOOST_TEST_MESSAGE("smsc role: silent peer declared dead after " << took.count() << " ms");
    BOOST_TEST(f.s->close_reason() == session_error::peer_dead);
    BOOST_TEST(took.count() >= 150);
    BOOST_TEST(took.count() < 300);
}

BOOST_AUTO_TEST_CASE(answering_peer_stays_alive_then_dies_when_it_stops) {
    raw_fixture f{smpp::role::esme, ka(ms(50), 3), true};
    const auto start = f.created;
    // 12 answered probes is ~600ms: four times the death budget.
    BOOST_REQUIRE(run_until(f.io, [&] { return f.peer->answered >= 12 || f.s->closed(); }));
    BOOST_TEST(!f.s->closed());
    const auto span = elapsed_ms(start);
    BOOST_TEST_MESSAGE("12 probes answered in " << span.count() << " ms");
    BOOST_TEST(span.count() >= 11 * 50); // probes are not sent faster than the interval

    f.peer->answer = false; // the peer hangs but keeps the TCP connection open
    BOOST_REQUIRE(run_until(f.io, [&] { return f.s->closed(); }, ms(5000)));
    const auto after = std::chrono::duration_cast<ms>(std::chrono::steady_clock::now() - f.peer->last_answer);
    BOOST_TEST_MESSAGE("declared dead " << after.count() << " ms after the last answer");
    BOOST_TEST(f.s->close_reason() == session_error::peer_dead);
    BOOST_TEST(after.count() >= 145); // the answer reached the session just after it was written
    BOOST_TEST(after.count() < 300);
}

BOOST_AUTO_TEST_CASE(two_sessions_keep_each_other_alive) {
    asio::io_context io;
    recording_handler h;
    auto p = make_pair(io, &h, ka(ms(30), 3), ka(ms(30), 3));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    // Each side has probed and answered at least 20 times (~600ms).
    BOOST_REQUIRE(run_until(io, [&] {
        return (p.client->stats().rx_pdus >= 40 && p.server->stats().rx_pdus >= 40) || p.client->closed() ||
               p.server->closed();
    }));
    BOOST_TEST(!p.client->closed());
    BOOST_TEST(!p.server->closed());
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(busy_peer_that_ignores_probes_is_not_killed) {
    // The SMSC never answers enquire_link but delivers every 30ms: any PDU
    // proves it alive.
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    tcp::socket smsc = std::move(b);
    recording_handler h; // answers deliver_sm
    auto client = session::create(std::move(a), smpp::role::esme, ka(ms(50), 3));
    client->set_handler(&h);
    client->start();
    int delivered = 0;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        auto bind = co_await read_pdu(smsc);
        auto resp = encoded(pdu{st::ok, bind.hdr.sequence_number, smpp::bind_transceiver_resp{}});
        co_await write_all(smsc, std::move(resp));
        asio::steady_timer pace{io};
        for (std::uint32_t seq = 1; seq <= 25; ++seq) {
            pace.expires_after(ms(30));
            co_await pace.async_wait(use_tuple);
            pdu d{st::ok, seq, smpp::deliver_sm{}};
            auto out = encoded(d);
            co_await write_all(smsc, std::move(out));
            ++delivered;
        }
    }, asio::detached);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { // drain what the client writes
        for (;;)
            if ((co_await read_pdu(smsc)).ec) co_return;
    }, asio::detached);
    BOOST_REQUIRE(bind_now(io, *client).status == st::ok);
    BOOST_REQUIRE(run_until(io, [&] { return delivered == 25 || client->closed(); }));
    BOOST_TEST(!client->closed()); // ~750ms of unanswered probes, yet alive
    BOOST_TEST(h.requests.size() >= 24u);
    shutdown(io, {client});
}

BOOST_AUTO_TEST_CASE(inactivity_unbinds_a_bound_session) {
    asio::io_context io;
    recording_handler h;
    // Probes every 20ms must not count as activity.
    auto p = make_pair(io, &h, ka(ms(20), 3, ms(150)), ka(ms(20), 3));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    const auto bound = std::chrono::steady_clock::now();
    BOOST_REQUIRE(run_until(io, [&] { return p.client->closed() && p.server->closed(); }));
    const auto took = elapsed_ms(bound);
    BOOST_TEST_MESSAGE("inactivity 150ms: unbound after " << took.count() << " ms");
    BOOST_TEST(p.client->close_reason() == session_error::unbound);
    BOOST_TEST(p.server->close_reason() == session_error::unbound); // it received an unbind
    BOOST_TEST(took.count() >= 140);
    BOOST_TEST(took.count() < 600);
    BOOST_TEST(p.client->stats().tx_pdus >= 5u); // probes went out meanwhile
}

BOOST_AUTO_TEST_CASE(smsc_side_inactivity_unbinds_the_esme) {
    asio::io_context io;
    recording_handler h;
    auto p = make_pair(io, &h, {}, ka(ms(0), 3, ms(100)));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    BOOST_REQUIRE(run_until(io, [&] { return p.client->closed() && p.server->closed(); }));
    BOOST_TEST(p.server->close_reason() == session_error::unbound);
    BOOST_TEST(p.client->close_reason() == session_error::unbound);
}

BOOST_AUTO_TEST_CASE(traffic_postpones_inactivity) {
    asio::io_context io;
    recording_handler h;
    auto p = make_pair(io, &h, ka(ms(0), 3, ms(150)));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    int answered = 0;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        asio::steady_timer pace{io};
        for (int i = 0; i < 8; ++i) { // a submit every 60ms for ~480ms
            pace.expires_after(ms(60));
            co_await pace.async_wait(use_tuple);
            const pdu req = submit(); // not a temporary inside co_await (GCC 12)
            auto [ec, r] = co_await p.client->async_request(req, use_tuple);
            if (!ec) ++answered;
        }
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return answered == 8 || p.client->closed(); }));
    BOOST_TEST(answered == 8);
    BOOST_TEST(!p.client->closed());
    // Then silence: now it unbinds.
    BOOST_REQUIRE(run_until(io, [&] { return p.client->closed(); }));
    BOOST_TEST(p.client->close_reason() == session_error::unbound);
}

BOOST_AUTO_TEST_CASE(inactivity_before_bind_closes) {
    asio::io_context io;
    recording_handler h;
    auto p = make_pair(io, &h, ka(ms(0), 3, ms(100)));
    BOOST_REQUIRE(run_until(io, [&] { return p.client->closed(); }));
    BOOST_TEST(p.client->close_reason() == session_error::inactivity_timeout);
}

BOOST_AUTO_TEST_CASE(interval_zero_sends_no_probes) {
    raw_fixture f{smpp::role::esme, ka(ms(0), 3), false};
    // The session must stay quiet and alive; observe for 300ms.
    BOOST_TEST(!run_until(f.io, [&] { return f.s->closed() || f.peer->probes > 0; }, ms(300)));
}
