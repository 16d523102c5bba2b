#define BOOST_TEST_MODULE carrier_link
#include <cstdio>
#include <fstream>

#include <boost/asio/read.hpp>
#include <boost/test/unit_test.hpp>

#include "carrier/carrier_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;
using std::chrono::duration_cast;

namespace {
ms gap(const std::vector<steady::time_point>& v, std::size_t i) { return duration_cast<ms>(v[i + 1] - v[i]); }

std::optional<command_status> hold(std::size_t, const test_smsc::submit_seen&) { return std::nullopt; }
} // namespace

BOOST_AUTO_TEST_CASE(refused_binds_retry_with_growing_backoff) {
    carrier_harness h;
    h.cfg.reconnect.initial = ms{100};
    h.cfg.reconnect.max = ms{10'000};
    h.cfg.reconnect.multiplier = 2;
    h.smsc.bind_policy = [&h](const test_smsc::bind_seen&) {
        return h.smsc.binds.size() < 4 ? status::bindfail : status::ok;
    };
    h.start();
    BOOST_TEST_REQUIRE(h.wait_bound(ms{5000}));
    const auto& c = h.smsc.connects;
    BOOST_TEST_REQUIRE(c.size() == 5u);
    // Attempts after 100, 200, 400 and 800 ms (timers never fire early; the
    // upper bound on the first shows the delays grow, not just are long).
    const ms want[] = {ms{100}, ms{200}, ms{400}, ms{800}};
    for (std::size_t i = 0; i < 4; ++i)
        BOOST_TEST((gap(c, i) >= want[i]), "attempt " << i + 1 << " after " << gap(c, i).count() << " ms");
    BOOST_TEST((gap(c, 0) < ms{400}));
    BOOST_TEST(h.client->stats().bind_failures == 4u);
    BOOST_TEST(h.client->stats().binds == 1u);
    BOOST_TEST(h.handler.link_up == 1); // refused binds are not links
    // Every refused connection was closed by the client, not left open.
    BOOST_TEST(h.smsc.closes.size() == 4u);

    // A successful bind resets the backoff: the SMSC dropping the link now
    // brings a reconnect after ~100 ms, not the 1600 ms that would be next.
    h.smsc.drop_all();
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.connects.size() == 6u; }, ms{5000}));
    BOOST_TEST((gap(c, 4) < ms{1000}), "reconnect after " << gap(c, 4).count() << " ms");
}

BOOST_AUTO_TEST_CASE(backoff_is_capped) {
    carrier_harness h;
    h.cfg.reconnect.initial = ms{50};
    h.cfg.reconnect.max = ms{100};
    h.smsc.bind_policy = [](const test_smsc::bind_seen&) { return status::invpaswd; };
    h.start();
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.connects.size() == 6u; }, ms{5000}));
    // 50, 100, 100, 100, 100: the fifth gap is the cap, not 800 ms.
    BOOST_TEST((gap(h.smsc.connects, 4) < ms{400}));
    BOOST_TEST(!h.client->bound());
}

BOOST_AUTO_TEST_CASE(smsc_closing_the_link_brings_reconnect_and_rebind) {
    carrier_harness h;
    h.start();
    BOOST_TEST_REQUIRE(h.wait_bound());
    h.smsc.drop_all();
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.handler.link_down == 1; }));
    BOOST_TEST(h.handler.down_reasons[0] == error_code{session_error::peer_closed}, h.handler.down_reasons[0].message());
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.binds.size() == 2u && h.client->bound(); }));
    BOOST_TEST(h.smsc.connects.size() == 2u);
    BOOST_TEST(h.handler.link_up == 2);
    // And the new link carries traffic.
    h.submit_n(3);
    BOOST_TEST_REQUIRE(h.wait_done(3));
    for (int i = 0; i < 3; ++i) BOOST_TEST(h.ok(i));
}

BOOST_AUTO_TEST_CASE(in_flight_requests_fail_on_disconnect_queued_ones_go_out_after_reconnect) {
    carrier_harness h;
    h.cfg.session.window = 2;
    h.smsc.policy = hold;
    h.start();
    h.submit_n(5);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.held() == 2u; }));
    BOOST_TEST(h.client->queued() == 3u);
    h.smsc.policy = nullptr; // the next connection answers normally
    h.smsc.drop_all();
    BOOST_TEST_REQUIRE(h.wait_done(5));
    // The two in flight were neither lost nor silently resent: they failed
    // with the transport error (the carrier may or may not have them).
    for (int i : {0, 1}) {
        BOOST_TEST_REQUIRE(h.outcomes[i].has_value());
        BOOST_TEST(h.outcomes[i]->ec == error_code{session_error::peer_closed}, h.outcomes[i]->ec.message());
    }
    for (int i : {2, 3, 4}) BOOST_TEST(h.ok(i), "message " << i);
    BOOST_TEST(h.done_order == iota_vec(0, 5), boost::test_tools::per_element());
    BOOST_TEST(h.arrivals() == numbers({0, 1, 2, 3, 4}), boost::test_tools::per_element());
    BOOST_TEST(h.done_calls == 5);
    BOOST_TEST(h.client->stats().transport_errors == 2u);
}

BOOST_AUTO_TEST_CASE(response_timeout_is_an_error_outcome) {
    carrier_harness h;
    h.cfg.session.response_timeout = ms{200};
    h.smsc.policy = [](std::size_t n, const test_smsc::submit_seen&) -> std::optional<command_status> {
        if (n == 0) return std::nullopt; // never answered
        return status::ok;
    };
    h.start();
    h.submit_n(2);
    BOOST_TEST_REQUIRE(h.wait_done(2));
    BOOST_TEST(h.outcomes[0]->ec == error_code{session_error::response_timeout}, h.outcomes[0]->ec.message());
    BOOST_TEST(h.ok(1));
}

BOOST_AUTO_TEST_CASE(stop_unbinds_and_fails_queued_messages) {
    carrier_harness h;
    h.cfg.session.window = 2;
    h.smsc.policy = hold;
    h.start();
    h.submit_n(5);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.held() == 2u; }));
    bool stopped = false;
    asio::co_spawn(h.io, h.client->stop(), [&](std::exception_ptr) { stopped = true; });
    // stop() lets the two in flight finish before it unbinds.
    h.smsc.release_all();
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return stopped && h.done_calls == 5; }));
    BOOST_TEST(h.ok(0));
    BOOST_TEST(h.ok(1));
    for (int i : {2, 3, 4}) {
        BOOST_TEST_REQUIRE(h.outcomes[i].has_value());
        BOOST_TEST(h.outcomes[i]->ec == error_code{session_error::closed}, "message " << i);
    }
    BOOST_TEST(h.smsc.submits.size() == 2u); // the queued ones never went out
    BOOST_TEST_REQUIRE(h.smsc.closes.size() == 1u);
    BOOST_TEST(h.smsc.closes[0] == error_code{session_error::unbound}, h.smsc.closes[0].message());
    BOOST_TEST(!h.client->bound());
    // Submitting after stop fails at once, never queues.
    h.submit_n(1, 5);
    BOOST_TEST_REQUIRE(h.wait_done(6));
    BOOST_TEST(h.outcomes[5]->ec == error_code{session_error::closed});
    BOOST_TEST(h.smsc.connects.size() == 1u); // and no reconnect
}

BOOST_AUTO_TEST_CASE(stop_during_reconnect_backoff_is_prompt) {
    carrier_harness h;
    h.cfg.reconnect.initial = ms{30'000};
    h.smsc.bind_policy = [](const test_smsc::bind_seen&) { return status::bindfail; };
    h.start();
    h.submit_n(2);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.closes.size() == 1u; }));
    const auto t0 = steady::now();
    BOOST_TEST_REQUIRE(h.run([&] { return h.client->stop(); }, ms{5000}));
    BOOST_TEST_REQUIRE(h.wait_done(2, ms{1000}));
    BOOST_TEST((steady::now() - t0 < ms{1000}));
    for (int i : {0, 1}) BOOST_TEST(h.outcomes[i]->ec == error_code{session_error::closed});
}

BOOST_AUTO_TEST_CASE(stop_with_an_unanswered_full_window_is_bounded) {
    // The SMSC never answers: stop() gives up draining after unbind_timeout,
    // and the unbind (stuck behind the full window) is not waited for longer
    // than unbind_timeout either, not for the 4 s response timeout.
    carrier_harness h;
    h.cfg.session.window = 1;
    h.cfg.session.unbind_timeout = ms{200};
    h.cfg.session.response_timeout = ms{4000};
    h.smsc.policy = hold;
    h.start();
    h.submit_n(3);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.smsc.held() == 1u; }));
    const auto t0 = steady::now();
    BOOST_TEST_REQUIRE(h.run([&] { return h.client->stop(); }, ms{10'000}));
    const auto took = duration_cast<ms>(steady::now() - t0);
    BOOST_TEST((took < ms{1500}), "stop() took " << took.count() << " ms");
    BOOST_TEST_REQUIRE(h.wait_done(3));
    BOOST_TEST(h.outcomes[0]->ec); // the unanswered one fails, it is not lost
    for (int i : {1, 2}) BOOST_TEST(h.outcomes[i]->ec == error_code{session_error::closed});
}

BOOST_AUTO_TEST_CASE(stop_while_the_bind_is_unanswered_is_prompt) {
    // An SMSC that accepts TCP but never answers the bind.
    carrier_harness h;
    tcp::acceptor mute{h.io, {asio::ip::make_address("127.0.0.1"), 0}};
    h.cfg.port = mute.local_endpoint().port();
    h.cfg.session.response_timeout = ms{5000};
    h.start();
    h.submit_n(2);
    tcp::socket peer{h.io};
    std::array<std::uint8_t, 16> bind_hdr{};
    bool got_bind = false;
    mute.async_accept(peer, [&](const error_code& ec) {
        if (!ec) asio::async_read(peer, asio::buffer(bind_hdr), [&](const error_code& e, std::size_t) { got_bind = !e; });
    });
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return got_bind; }));
    BOOST_TEST(bind_hdr[7] == 0x09); // bind_transceiver
    const auto t0 = steady::now();
    BOOST_TEST_REQUIRE(h.run([&] { return h.client->stop(); }));
    // Queued messages are handed back now, not when the bind times out.
    BOOST_TEST_REQUIRE(h.wait_done(2, ms{3000}));
    const auto took = duration_cast<ms>(steady::now() - t0);
    BOOST_TEST((took < ms{1000}), "queued messages failed after " << took.count() << " ms");
    for (int i : {0, 1}) BOOST_TEST(h.outcomes[i]->ec == error_code{session_error::closed});
}

namespace {
// How many connections to 127.0.0.1:`port` the kernel has stuck in SYN_SENT.
std::size_t syn_sent_to(std::uint16_t port) {
    std::ifstream f{"/proc/net/tcp"};
    char want[16];
    std::snprintf(want, sizeof want, ":%04X 02 ", port); // rem_address port, then st == SYN_SENT
    std::size_t n = 0;
    for (std::string line; std::getline(f, line);) n += line.find(want) != std::string::npos;
    return n;
}
} // namespace

BOOST_AUTO_TEST_CASE(stop_while_connecting_to_a_blackholed_smsc_is_prompt) {
    // A listener whose accept queue is full drops SYNs: connects hang, as
    // towards an SMSC behind a firewall that drops packets.
    carrier_harness h;
    tcp::acceptor full{h.io};
    full.open(tcp::v4());
    full.bind({asio::ip::make_address("127.0.0.1"), 0});
    full.listen(0);
    const auto port = full.local_endpoint().port();
    std::vector<std::unique_ptr<tcp::socket>> fillers;
    for (int i = 0; i < 4; ++i) {
        fillers.push_back(std::make_unique<tcp::socket>(h.io));
        fillers.back()->async_connect(full.local_endpoint(), [](const error_code&) {});
    }
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return syn_sent_to(port) > 0; }), "could not fill the accept queue");
    const auto before = syn_sent_to(port);
    h.cfg.port = port;
    h.cfg.connect_timeout = ms{20'000};
    h.start();
    h.submit_n(1);
    // The carrier's own connect hangs too: one more SYN_SENT socket.
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return syn_sent_to(port) > before; }));
    const auto t0 = steady::now();
    BOOST_TEST_REQUIRE(h.run([&] { return h.client->stop(); }));
    // The queued message is handed back now, not after connect_timeout.
    BOOST_TEST_REQUIRE(h.wait_done(1, ms{3000}));
    BOOST_TEST((steady::now() - t0 < ms{1000}));
    BOOST_TEST(h.outcomes[0]->ec == error_code{session_error::closed});
}

BOOST_AUTO_TEST_CASE(stop_right_after_start_is_prompt) {
    // stop() while the first resolve is still running: no connect may start.
    carrier_harness h;
    h.start();
    h.submit_n(1);
    BOOST_TEST_REQUIRE(h.run([&] { return h.client->stop(); }));
    BOOST_TEST_REQUIRE(h.wait_done(1, ms{3000}));
    BOOST_TEST(h.outcomes[0]->ec == error_code{session_error::closed});
    BOOST_TEST(h.smsc.binds.empty());
}
