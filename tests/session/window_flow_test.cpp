// The request window over loopback: backlog beyond the window, waiting for
// room, response timeouts, and failing everything when the link goes.
#define BOOST_TEST_MODULE window_flow
#include <boost/test/unit_test.hpp>

#include <map>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;
using smpp::session_error;

namespace {
smpp::session_config with_window(std::size_t w, ms timeout = ms(30'000)) {
    smpp::session_config c;
    c.window = w;
    c.response_timeout = timeout;
    return c;
}

// Per-request callback bookkeeping: how often each fired, and with what.
struct calls {
    std::vector<int> count;
    std::vector<error_code> ec;
    std::vector<std::size_t> order; // request indices in completion order
    session::response_handler make(std::size_t i) {
        if (count.size() <= i) count.resize(i + 1), ec.resize(i + 1);
        return [this, i](const error_code& e, const pdu* r) {
            ++count[i];
            ec[i] = e;
            order.push_back(i);
            BOOST_TEST((e ? r == nullptr : r != nullptr));
        };
    }
    std::size_t done() const { return order.size(); }
};
} // namespace

BOOST_AUTO_TEST_CASE(third_request_waits_in_backlog_until_a_slot_frees) {
    asio::io_context io;
    delayed_handler h{io, ms(30)};
    auto p = make_pair(io, &h, with_window(2));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    std::vector<std::size_t> done_when_received; // client completions seen as each request arrives
    for (std::size_t i = 0; i < 5; ++i) p.client->send_request(submit(), c.make(i));
    BOOST_TEST(p.client->in_flight() == 2u);
    BOOST_TEST(p.client->backlog() == 3u);
    BOOST_TEST(p.client->window_full());

    BOOST_REQUIRE(run_until(io, [&] {
        while (done_when_received.size() < h.requests.size()) done_when_received.push_back(c.done());
        return c.done() == 5;
    }));
    BOOST_TEST(h.max_outstanding == 2u); // the server never saw more than the window
    BOOST_TEST(h.requests.size() == 5u);
    BOOST_TEST(c.order == (std::vector<std::size_t>{0, 1, 2, 3, 4}), boost::test_tools::per_element());
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(c.count[i] == 1);
        BOOST_TEST(!c.ec[i]);
    }
    // Request 3 (index 2) only went out once request 1 had its answer.
    BOOST_REQUIRE(done_when_received.size() == 5u);
    BOOST_TEST(done_when_received[2] >= 1u);
    BOOST_TEST(done_when_received[4] >= 3u);
    BOOST_TEST(p.client->in_flight() == 0u);
    BOOST_TEST(p.client->backlog() == 0u);
    BOOST_TEST(!p.client->window_full());
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(wait_for_window_keeps_the_backlog_empty) {
    asio::io_context io;
    delayed_handler h{io, ms(10)};
    auto p = make_pair(io, &h, with_window(2));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    std::size_t max_backlog = 0;
    bool sent_all = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (std::size_t i = 0; i < 8; ++i) {
            co_await p.client->wait_for_window();
            max_backlog = std::max(max_backlog, p.client->backlog());
            p.client->send_request(submit(), c.make(i));
        }
        sent_all = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return sent_all && c.done() == 8; }));
    BOOST_TEST(max_backlog == 0u);
    BOOST_TEST(h.max_outstanding == 2u);
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(concurrent_window_waiters_do_not_spin) {
    // Two producers wait for room while the only slot is taken for 200ms.
    // Waiting must be idle: a loop that re-arms a shared timer (cancelling
    // the other waiter each time) would run thousands of handlers.
    asio::io_context io;
    delayed_handler h{io, ms(200)};
    auto p = make_pair(io, &h, with_window(1));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    p.client->send_request(submit(), c.make(0));
    int woke = 0;
    for (int i = 0; i < 2; ++i)
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await p.client->wait_for_window();
            ++woke;
        }, asio::detached);
    auto [ok, handlers] = run_counting(io, [&] { return woke == 2; });
    BOOST_REQUIRE(ok);
    BOOST_TEST_MESSAGE("handlers run while two waiters waited 200ms: " << handlers);
    BOOST_TEST(handlers < 200u);
    BOOST_TEST(c.done() == 1u);
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(unbind_drain_beside_a_window_waiter_does_not_spin) {
    // A sender blocked in wait_for_window while stop() unbinds (the carrier
    // client does exactly this): both wait on the window, neither may spin.
    asio::io_context io;
    delayed_handler h{io, ms(200)};
    auto p = make_pair(io, &h, with_window(1));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    p.client->send_request(submit(), c.make(0));
    bool waiter_done = false, unbind_done = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        co_await p.client->wait_for_window();
        waiter_done = true;
    }, asio::detached);
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        co_await p.client->unbind();
        unbind_done = true;
    }, asio::detached);
    auto [ok, handlers] = run_counting(io, [&] { return waiter_done && unbind_done && p.client->closed(); });
    BOOST_REQUIRE(ok);
    BOOST_TEST_MESSAGE("handlers run during a 200ms unbind drain with a waiter: " << handlers);
    BOOST_TEST(handlers < 200u);
    BOOST_TEST(c.count[0] == 1);
    BOOST_TEST(!c.ec[0]); // the outstanding request got its answer before the unbind
    BOOST_TEST(p.client->close_reason() == session_error::unbound);
}

BOOST_AUTO_TEST_CASE(response_timeout_fires_and_frees_the_slot) {
    asio::io_context io;
    recording_handler h;
    h.hold = true; // never answers
    auto p = make_pair(io, &h, with_window(1, ms(100)));
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    const auto start = std::chrono::steady_clock::now();
    p.client->send_request(submit(), c.make(0));
    p.client->send_request(submit(), c.make(1)); // backlog: goes out when 0 times out
    std::size_t done_when_second_arrived = 99;
    // Noted by every wait below: the second request may reach the server
    // only after the wait for the first timeout has already returned.
    const auto note_second = [&] {
        if (h.requests.size() == 2 && done_when_second_arrived == 99) done_when_second_arrived = c.done();
    };
    BOOST_REQUIRE(run_until(io, [&] {
        note_second();
        return c.done() == 1;
    }));
    const auto first = elapsed_ms(start);
    BOOST_TEST(c.ec[0] == session_error::response_timeout);
    BOOST_TEST(first.count() >= 100);
    BOOST_TEST(first.count() < 1000);
    BOOST_REQUIRE(run_until(io, [&] {
        note_second();
        return c.done() == 2;
    }));
    const auto second = elapsed_ms(start);
    BOOST_TEST_MESSAGE("timeouts after " << first.count() << " and " << second.count() << " ms");
    BOOST_TEST(c.ec[1] == session_error::response_timeout);
    BOOST_TEST(second.count() >= 200); // its own timeout started when it left the backlog
    BOOST_TEST(done_when_second_arrived == 1u);
    BOOST_TEST(p.client->stats().timeouts == 2u);
    BOOST_TEST(!p.client->closed()); // a timeout is not a disconnect

    // Late answers to timed-out requests are dropped, never a second callback.
    h.answer_held(*p.server);
    calls after;
    p.client->send_request(submit(), after.make(0));
    h.hold = false;
    BOOST_REQUIRE(run_until(io, [&] { return after.done() == 1; }));
    BOOST_TEST(!after.ec[0]);
    BOOST_TEST(c.count[0] == 1);
    BOOST_TEST(c.count[1] == 1);
    shutdown(io, {p.client, p.server});
}

BOOST_AUTO_TEST_CASE(close_fails_pending_and_backlog_at_once_in_send_order) {
    asio::io_context io;
    recording_handler h, ch;
    h.hold = true;
    auto p = make_pair(io, &h, with_window(3));
    p.client->set_handler(&ch);
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    for (std::size_t i = 0; i < 7; ++i) p.client->send_request(submit(), c.make(i));
    BOOST_REQUIRE(run_until(io, [&] { return h.held.size() == 3; })); // 3 on the wire, 4 in backlog
    BOOST_TEST(p.client->backlog() == 4u);
    p.client->close();
    // Synchronously, before any further loop turn.
    BOOST_TEST(c.done() == 7u);
    BOOST_TEST(c.order == (std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6}), boost::test_tools::per_element());
    for (std::size_t i = 0; i < 7; ++i) {
        BOOST_TEST(c.count[i] == 1);
        BOOST_TEST(c.ec[i] == session_error::closed);
    }
    BOOST_TEST(p.client->in_flight() == 0u);
    BOOST_TEST(p.client->backlog() == 0u);
    BOOST_TEST(ch.closed == 1);
    BOOST_TEST(ch.close_reason == session_error::closed);
    // Requests after the close fail too (asynchronously), and the peer sees EOF.
    calls late;
    p.client->send_request(submit(), late.make(0));
    BOOST_TEST(late.done() == 0u);
    BOOST_REQUIRE(run_until(io, [&] { return late.done() == 1 && p.server->closed(); }));
    BOOST_TEST(late.ec[0] == session_error::closed);
    BOOST_TEST(p.server->close_reason() == session_error::peer_closed);
    BOOST_TEST(c.done() == 7u);
    p.client->close(); // idempotent
    BOOST_TEST(ch.closed == 1);
}

BOOST_AUTO_TEST_CASE(peer_vanishing_mid_window_fails_each_request_once) {
    asio::io_context io;
    recording_handler h;
    h.hold = true;
    auto p = make_pair(io, &h);
    BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
    calls c;
    for (std::size_t i = 0; i < 10; ++i) p.client->send_request(submit(), c.make(i));
    BOOST_REQUIRE(run_until(io, [&] { return h.held.size() == 10; }));
    p.server->close(); // the server end goes away with all 10 unanswered
    BOOST_REQUIRE(run_until(io, [&] { return c.done() == 10; }));
    // Keep the loop turning a little: nothing may fire a second time.
    BOOST_TEST(observe_quiet(io, ms(50), [&] { return c.done() != 10; }), "a request completed twice");
    BOOST_TEST(c.done() == 10u);
    for (std::size_t i = 0; i < 10; ++i) {
        BOOST_TEST(c.count[i] == 1);
        BOOST_TEST(c.ec[i] == session_error::peer_closed);
    }
    BOOST_TEST(p.client->closed());
    BOOST_TEST(p.client->close_reason() == session_error::peer_closed);
}

BOOST_AUTO_TEST_CASE(peer_reset_mid_window_fails_each_request_once) {
    // Same with an abortive close (RST) from a raw peer.
    asio::io_context io;
    auto [c_sock, s_sock] = socket_pair(io);
    tcp::socket smsc = std::move(s_sock);
    auto client = session::create(std::move(c_sock), smpp::role::esme, with_window(100));
    client->start();
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        auto b = co_await read_pdu(smsc);
        // Named, not a temporary inside co_await: GCC 12 mishandles those.
        auto resp = encoded(pdu{st::ok, b.hdr.sequence_number, smpp::bind_transceiver_resp{}});
        co_await write_all(smsc, std::move(resp));
        for (int i = 0; i < 10; ++i) co_await read_pdu(smsc);
        smsc.set_option(tcp::socket::linger(true, 0));
        smsc.close();
    }, asio::detached);
    BOOST_REQUIRE(bind_now(io, *client).status == st::ok);
    calls c;
    for (std::size_t i = 0; i < 10; ++i) client->send_request(submit(), c.make(i));
    BOOST_REQUIRE(run_until(io, [&] { return c.done() == 10; }));
    // Nothing may fire a second time.
    BOOST_TEST(observe_quiet(io, ms(50), [&] { return c.done() != 10; }), "a request completed twice");
    BOOST_TEST(c.done() == 10u);
    for (std::size_t i = 0; i < 10; ++i) {
        BOOST_TEST(c.count[i] == 1);
        BOOST_TEST(c.ec[i] == session_error::peer_closed);
    }
}
