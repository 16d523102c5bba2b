#define BOOST_TEST_MODULE listener_traffic
#include <set>

#include <boost/test/unit_test.hpp>

#include "server/listener_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
struct limited : listener_harness {
    limited() {
        auto a = account("alice", "secret");
        a.tps = 10;
        a.burst = 10;
        accounts.push_back(a);
        accounts.push_back(account("bob", "pw")); // unlimited
        auto c = account("carol", "pw");
        c.tps = 10; // burst 0: one second's worth
        accounts.push_back(c);
    }
};

pdu query_pdu() {
    pdu p{status::ok, 0, query_sm{}};
    p.as<query_sm>()->message_id = "alice-1";
    return p;
}
} // namespace

BOOST_FIXTURE_TEST_CASE(per_account_tps, limited) {
    start();
    auto c = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST_REQUIRE(c.result.status == status::ok);
    const auto st = send_n(c, 50);
    const int ok = count(st, status::ok);
    const int throttled = count(st, status::throttled);
    BOOST_TEST(ok >= 10); // the burst
    BOOST_TEST(ok <= 12); // plus what trickled in while the 50 were handled
    BOOST_TEST(ok + throttled == 50);
    BOOST_TEST(listener->throttled_count() == static_cast<std::uint64_t>(throttled));
    // Only accepted submits reach the application, and the burst comes first.
    BOOST_TEST(requests_from.size() == static_cast<std::size_t>(ok));
    BOOST_TEST(count({st.begin(), st.begin() + 10}, status::ok) == 10);

    // Requests that are not submissions are never throttled.
    const auto q = send_n(c, 5, query_pdu());
    BOOST_TEST(count(q, status::ok) == 5);

    // This is a rate test: wait for the bucket to refill, then submit again.
    wait(ms{1100});
    const auto again = send_n(c, 10);
    BOOST_TEST(count(again, status::ok) == 10);
}

BOOST_FIXTURE_TEST_CASE(burst_defaults_to_one_second_of_tps, limited) {
    start();
    auto c = bind(bind_type::transmitter, "carol", "pw");
    const int ok = count(send_n(c, 30), status::ok);
    BOOST_TEST(ok >= 10);
    BOOST_TEST(ok <= 12);
}

BOOST_FIXTURE_TEST_CASE(unlimited_account_is_never_throttled, limited) {
    start();
    auto c = bind(bind_type::transceiver, "bob", "pw");
    BOOST_TEST(count(send_n(c, 300), status::ok) == 300);
    BOOST_TEST(listener->throttled_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(tps_is_shared_by_all_binds_of_an_account, limited) {
    // The limit is the account's: opening more binds must not multiply it.
    start();
    auto a1 = bind(bind_type::transceiver, "alice", "secret");
    auto a2 = bind(bind_type::transmitter, "alice", "secret");
    const int ok = count(send_n(a1, 25), status::ok) + count(send_n(a2, 25), status::ok);
    BOOST_TEST(ok >= 10);
    BOOST_TEST(ok <= 12);
    // Another account has its own allowance.
    auto b = bind(bind_type::transceiver, "bob", "pw");
    BOOST_TEST(count(send_n(b, 20), status::ok) == 20);
}

BOOST_FIXTURE_TEST_CASE(receivers_of_lists_rx_and_trx_sessions_of_the_account, limited) {
    start();
    auto tx = bind(bind_type::transmitter, "alice", "secret");
    auto rx = bind(bind_type::receiver, "alice", "secret");
    auto trx = bind(bind_type::transceiver, "alice", "secret");
    auto other = bind(bind_type::transceiver, "bob", "pw");
    auto refused = bind(bind_type::receiver, "alice", "bad");
    BOOST_TEST_REQUIRE(refused.result.status == status::invpaswd);

    auto rcv = listener->receivers_of("alice");
    BOOST_TEST_REQUIRE(rcv.size() == 2u);
    std::set<unsigned short> ports;
    for (const auto& s : rcv) ports.insert(s->remote_endpoint().port());
    BOOST_TEST((ports == std::set<unsigned short>{rx.local.port(), trx.local.port()}));
    BOOST_TEST(listener->receivers_of("bob").size() == 1u);
    BOOST_TEST(listener->receivers_of("nobody").empty());

    // The sessions it returns are usable for deliver_sm to that client.
    int answered = 0;
    for (const auto& s : rcv) {
        pdu d{status::ok, 0, deliver_sm{}};
        d.as<deliver_sm>()->short_message = "mo";
        s->send_request(d, [&](const error_code& ec, const pdu* r) { answered += !ec && r->status == status::ok; });
    }
    BOOST_REQUIRE(run_until(io, [&] { return answered == 2; }));
    BOOST_TEST(rx.probe->delivered.size() == 1u);
    BOOST_TEST(trx.probe->delivered.size() == 1u);
    BOOST_TEST(tx.probe->delivered.empty());

    run([&]() -> asio::awaitable<void> { co_await rx.s->unbind(); });
    BOOST_REQUIRE(run_until(io, [&] { return listener->receivers_of("alice").size() == 1u; }));
    BOOST_TEST(listener->receivers_of("alice")[0]->remote_endpoint().port() == trx.local.port());
}

BOOST_FIXTURE_TEST_CASE(stop_unbinds_every_client, limited) {
    start();
    std::vector<client> cs;
    cs.push_back(bind(bind_type::transmitter, "alice", "secret"));
    cs.push_back(bind(bind_type::receiver, "bob", "pw"));
    cs.push_back(bind(bind_type::transceiver, "bob", "pw"));
    const auto ep = listener->local_endpoint();
    // A connected client that never binds is closed as well.
    asio::ip::tcp::socket idle{io};
    idle.connect(ep);
    BOOST_REQUIRE(run_until(io, [&] { return listener->session_count() == 4u; }));

    const auto t0 = std::chrono::steady_clock::now();
    run([&]() -> asio::awaitable<void> { co_await listener->stop(); });
    const auto took = std::chrono::steady_clock::now() - t0;
    // Every client got an unbind and answered it (not a bare disconnect)...
    for (auto& c : cs) {
        BOOST_TEST(c.probe->closed);
        BOOST_TEST(c.probe->why == error_code{session_error::unbound}, c.probe->why.message());
    }
    // ...and stop() returned as soon as they were gone, not after its timeout.
    BOOST_TEST(listener->session_count() == 0u);
    BOOST_TEST((took < ms{1000}));
    std::array<char, 16> buf;
    error_code idle_ec;
    idle.read_some(asio::buffer(buf), idle_ec);
    BOOST_TEST(idle_ec == asio::error::eof, idle_ec.message());
    // No new connections are accepted.
    asio::ip::tcp::socket late{io};
    error_code ec;
    late.connect(ep, ec);
    BOOST_TEST(ec == asio::error::connection_refused, ec.message());
}

BOOST_FIXTURE_TEST_CASE(stop_without_clients_returns_at_once, limited) {
    start();
    run([&]() -> asio::awaitable<void> { co_await listener->stop(); }, ms{1000});
    BOOST_TEST(listener->session_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(reload_keeps_bound_sessions_on_their_account, limited) {
    start();
    auto a = bind(bind_type::transceiver, "bob", "pw");
    BOOST_TEST_REQUIRE(a.result.status == status::ok);
    // The new table drops bob; the old table must stay alive for his session.
    listener->set_accounts(std::make_shared<const account_table>(std::vector{account("dave", "pw2")}));
    BOOST_TEST(count(send_n(a, 3), status::ok) == 3);
    BOOST_TEST(requests_from == std::vector<std::string>(3, "bob"), boost::test_tools::per_element());
    BOOST_TEST(bind(bind_type::transceiver, "bob", "pw").result.status == status::invpaswd); // unknown now
    BOOST_TEST(bind(bind_type::transceiver, "dave", "pw2").result.status == status::ok);
}

BOOST_FIXTURE_TEST_CASE(max_connections, limited) {
    cfg.max_connections = 2;
    start();
    auto a = bind(bind_type::transceiver, "bob", "pw");
    auto b = bind(bind_type::transceiver, "bob", "pw");
    BOOST_TEST_REQUIRE(b.result.status == status::ok);
    auto c = bind(bind_type::transceiver, "bob", "pw");
    BOOST_TEST(c.result.ec); // connection closed without an answer
    BOOST_TEST(!c.bound());
    BOOST_TEST(listener->session_count() == 2u);
}

// session::unbind() waits, within unbind_timeout, for the requests the peer
// sent that are still unanswered, so their answers go out before the unbind.
BOOST_FIXTURE_TEST_CASE(stop_lets_requests_in_progress_be_answered, limited) {
    // A submit the application is still working on when stop() begins must
    // still get its answer: otherwise the client resends a message we may
    // have stored (a duplicate) or gives it up.
    hold = true;
    start();
    auto c = bind(bind_type::transceiver, "bob", "pw");
    command_status got = 0xFFFFFFFF;
    error_code got_ec;
    c.s->send_request(submit_pdu(), [&](const error_code& ec, const pdu* r) {
        got_ec = ec;
        if (r) got = r->status;
    });
    BOOST_REQUIRE(run_until(io, [&] { return held.size() == 1u; }));
    bool stopped = false;
    run([&]() -> asio::awaitable<void> {
        // From inside the io_context co_spawn runs stop() at once, up to its
        // first wait: the unbinds are under way when the answer comes.
        asio::co_spawn(io, listener->stop(), [&](std::exception_ptr) { stopped = true; });
        BOOST_TEST(held[0].respond(status::ok, [](pdu& r) { r.as<submit_sm_resp>()->message_id = "late-1"; }));
        co_return;
    });
    BOOST_REQUIRE(run_until(io, [&] { return stopped; }));
    BOOST_TEST((!got_ec && got == status::ok), "late answer lost: " << got_ec.message());
    BOOST_TEST(c.probe->why == error_code{session_error::unbound}, c.probe->why.message());
}
