// Volume behaviour: batched writes, a flooding peer that never reads, and
// write backpressure, each while another session keeps being served.
#define BOOST_TEST_MODULE throughput
#include <boost/test/unit_test.hpp>

#include "session/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace st = smpp::status;

namespace {
smpp::session_config window_of(std::size_t w) {
    smpp::session_config c;
    c.window = w;
    c.keepalive.interval = ms(0);
    return c;
}

// Runs a full bind + submit + answer round trip on a fresh session pair in
// the same io_context: proof that the process still serves others.
bool other_session_works(asio::io_context& io) {
    recording_handler h;
    auto p = make_pair(io, &h);
    bool ok = bind_now(io, *p.client).status == st::ok;
    bool done = false;
    error_code ec;
    p.client->send_request(submit(), [&](const error_code& e, const pdu*) {
        ec = e;
        done = true;
    });
    ok = ok && run_until(io, [&] { return done; }) && !ec && h.requests.size() == 1;
    shutdown(io, {p.client, p.server});
    return ok;
}
} // namespace

BOOST_AUTO_TEST_CASE(thousand_requests_back_to_back_are_batched) {
    for (std::size_t window : {1000u, 100u}) {
        BOOST_TEST_CONTEXT("window " << window) {
            asio::io_context io;
            recording_handler h;
            auto p = make_pair(io, &h, window_of(window));
            BOOST_REQUIRE(bind_now(io, *p.client).status == st::ok);
            const auto writes_before = p.client->stats().writes;
            int ok = 0, failed = 0;
            asio::co_spawn(io, [&]() -> asio::awaitable<void> {
                for (int i = 0; i < 1000; ++i)
                    p.client->send_request(submit(), [&](const error_code& e, const pdu*) { ++(e ? failed : ok); });
                co_return;
            }, asio::detached);
            BOOST_REQUIRE(run_until(io, [&] { return ok + failed == 1000; }));
            const auto writes = p.client->stats().writes - writes_before;
            BOOST_TEST_MESSAGE("window " << window << ": 1000 requests in " << writes << " writes; server answered in "
                                         << p.server->stats().writes << " writes");
            BOOST_TEST(ok == 1000);
            BOOST_TEST(h.requests.size() == 1000u);
            BOOST_TEST(writes <= 100u); // far below one write per PDU
            BOOST_TEST(p.server->stats().writes <= 200u);
            BOOST_TEST(p.client->stats().tx_pdus == 1001u); // bind + 1000
            shutdown(io, {p.client, p.server});
        }
    }
}

BOOST_AUTO_TEST_CASE(flood_beyond_max_incoming_pending_is_throttled) {
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    tcp::socket flooder = std::move(a);
    recording_handler h;
    h.hold = true; // never answers
    smpp::session_config cfg;
    cfg.name = "flooded";
    cfg.max_incoming_pending = 100;
    auto server = session::create(std::move(b), smpp::role::smsc, cfg);
    server->set_handler(&h);
    server->start();

    // Bind, then 5000 submit_sm in one write without reading anything.
    std::vector<std::uint8_t> flood = encoded(bind_trx(1));
    for (std::uint32_t seq = 2; seq <= 5001; ++seq) flood = cat(std::move(flood), encoded(pdu{st::ok, seq, submit().body}));
    bool written = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        const auto ec = co_await write_all(flooder, std::move(flood));
        BOOST_TEST(!ec);
        written = true;
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return written && server->stats().rx_pdus == 5001; }));
    BOOST_TEST(h.requests.size() == 100u); // the first 100 reached the handler
    BOOST_TEST(server->incoming_pending() == 100u);
    BOOST_TEST(server->stats().throttled_incoming == 4900u);
    BOOST_TEST(!server->closed());

    // Meanwhile another session in the same process is served normally.
    BOOST_TEST(other_session_works(io));

    // Now read what the flooder was sent: bind_resp, then 4900 throttled answers.
    std::vector<reply> got;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        while (got.size() < 4901) {
            got.push_back(co_await read_pdu(flooder));
            if (got.back().ec) co_return;
        }
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return got.size() == 4901 || (!got.empty() && got.back().ec); }));
    BOOST_REQUIRE(got.size() == 4901u);
    BOOST_TEST(got[0].id() == command_id::bind_transceiver_resp);
    std::size_t bad = 0;
    for (std::size_t i = 1; i < got.size(); ++i) {
        const auto& r = got[i];
        if (r.ec || r.id() != command_id::submit_sm_resp || r.hdr.command_status != st::throttled ||
            r.hdr.sequence_number != 101 + i)
            ++bad;
    }
    BOOST_TEST(bad == 0u); // seqs 102..5001, each ESME_RTHROTTLED, in order

    // Answering frees room: the next submit is handed to the handler again.
    h.hold = false;
    h.answer_held(*server);
    BOOST_TEST(server->incoming_pending() == 0u);
    std::vector<reply> more;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 100; ++i) more.push_back(co_await read_pdu(flooder)); // the 100 held answers
        auto next = encoded(pdu{st::ok, 6000, submit().body});
        co_await write_all(flooder, std::move(next));
        more.push_back(co_await read_pdu(flooder));
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return more.size() == 101; }));
    BOOST_TEST(more.back().hdr.sequence_number == 6000u);
    BOOST_TEST(more.back().hdr.command_status == st::ok);
    shutdown(io, {server});
}

BOOST_AUTO_TEST_CASE(peer_not_reading_pauses_reading_not_the_process) {
    // A peer that writes enquire_links but does not read the answers: once the
    // unwritten answers pass write_high_water the session stops reading that
    // peer (bounded memory), keeps serving others, and resumes when it reads.
    asio::io_context io;
    auto [a, b] = socket_pair(io);
    tcp::socket peer = std::move(a);
    for (auto* s : {&peer, &b}) { // small kernel buffers, so the stall comes soon
        s->set_option(asio::socket_base::receive_buffer_size(16384));
        s->set_option(asio::socket_base::send_buffer_size(16384));
    }
    recording_handler h;
    smpp::session_config cfg;
    cfg.name = "slow-reader";
    cfg.write_high_water = 2048;
    cfg.keepalive.interval = ms(0);
    auto server = session::create(std::move(b), smpp::role::smsc, cfg);
    server->set_handler(&h);
    server->start();

    constexpr std::uint32_t n = 20'000; // 320 KB of enquire_link, far beyond the socket buffers
    std::vector<std::uint8_t> all;
    all.reserve(n * 16);
    for (std::uint32_t seq = 1; seq <= n; ++seq) all = cat(std::move(all), encoded(pdu{st::ok, seq, smpp::enquire_link{}}));
    bool written = false;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        co_await write_all(peer, std::move(all));
        written = true;
    }, asio::detached);
    // The server stalls part-way: it stopped reading, so our write cannot finish.
    std::uint64_t last = 0;
    auto [stalled, handlers] = run_counting(io, [&] {
        const auto rx = server->stats().rx_pdus;
        const bool flat = rx > 0 && rx == last;
        last = rx;
        return flat && !written;
    }, ms(5'000));
    BOOST_REQUIRE(stalled);
    BOOST_TEST(server->stats().rx_pdus < n);
    BOOST_TEST_MESSAGE("server paused after " << server->stats().rx_pdus << " of " << n << " PDUs");
    // While it is paused, the loop idles (no polling) and others are served.
    auto [unexpected, idle_handlers] = run_counting(io, [&] { return written; }, ms(200));
    BOOST_TEST(!unexpected);
    BOOST_TEST(idle_handlers < 50u);
    BOOST_TEST(other_session_works(io));

    // The peer reads: everything completes, in order.
    std::uint32_t answered = 0, out_of_order = 0;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        while (answered < n) {
            auto r = co_await read_pdu(peer);
            if (r.ec) co_return;
            if (r.id() != command_id::enquire_link_resp || r.hdr.sequence_number != answered + 1) ++out_of_order;
            ++answered;
        }
    }, asio::detached);
    BOOST_REQUIRE(run_until(io, [&] { return answered == n && written; }, ms(20'000)));
    BOOST_TEST(out_of_order == 0u);
    BOOST_TEST(!server->closed());
    shutdown(io, {server});
}
