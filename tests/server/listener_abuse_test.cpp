#define BOOST_TEST_MODULE listener_abuse
#include <random>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include "server/listener_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;
using tcp = asio::ip::tcp;

namespace {
struct fixture : listener_harness {
    fixture() { accounts.push_back(account("alice", "secret")); }

    // A raw connection that writes `chunk` over and over until the listener
    // closes it (or `max_bytes` are written), then reads until EOF.
    struct flood {
        explicit flood(asio::io_context& io) : sock{io} {}
        tcp::socket sock;
        std::size_t written = 0;
        bool closed_by_peer = false;
        error_code read_ec;
    };
    asio::awaitable<void> run_flood(flood& f, std::vector<std::uint8_t> chunk, std::size_t max_bytes) {
        while (f.written < max_bytes) {
            auto [ec, n] = co_await asio::async_write(f.sock, asio::buffer(chunk), use_tuple);
            f.written += n;
            if (ec) break; // reset or broken pipe: the listener closed it
        }
        std::array<std::uint8_t, 4096> sink;
        for (;;) {
            auto [ec, n] = co_await f.sock.async_read_some(asio::buffer(sink), use_tuple);
            if (ec) {
                f.read_ec = ec;
                f.closed_by_peer = ec == asio::error::eof || ec == asio::error::connection_reset;
                co_return;
            }
        }
    }

    // The bound client keeps getting answers, all accepted.
    void check_still_working(client& c, int n) {
        BOOST_TEST(c.bound());
        BOOST_TEST(count(send_n(c, n), status::ok) == n);
    }
};

std::vector<std::uint8_t> random_bytes(std::size_t n, unsigned seed) {
    std::mt19937 rng{seed};
    std::vector<std::uint8_t> v(n);
    for (auto& b : v) b = static_cast<std::uint8_t>(rng());
    return v;
}
} // namespace

BOOST_FIXTURE_TEST_CASE(random_garbage_gets_the_connection_closed, fixture) {
    start();
    auto good = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST_REQUIRE(good.result.status == status::ok);

    flood f{io};
    f.sock.connect(listener->local_endpoint());
    bool done = false;
    asio::co_spawn(io, run_flood(f, random_bytes(64 * 1024, 7), 64 * 1024 * 1024), [&](std::exception_ptr) {
        done = true;
    });
    // Meanwhile the bound client is served normally.
    check_still_working(good, 20);
    BOOST_REQUIRE(run_until(io, [&] { return done; }));
    BOOST_TEST(f.closed_by_peer, f.read_ec.message());
    // Closed early, not after swallowing the whole flood.
    BOOST_TEST(f.written < 64u * 1024 * 1024);
    BOOST_REQUIRE(run_until(io, [&] { return listener->session_count() == 1u; }));
    check_still_working(good, 20);
}

BOOST_FIXTURE_TEST_CASE(oversized_command_length_is_refused_and_closed, fixture) {
    start();
    auto good = bind(bind_type::transceiver, "alice", "secret");
    // A header announcing a 16 MB PDU: must not be buffered, the stream is dropped.
    std::vector<std::uint8_t> hdr{0x01, 0x00, 0x00, 0x00, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1};
    flood f{io};
    f.sock.connect(listener->local_endpoint());
    bool done = false;
    asio::co_spawn(io, run_flood(f, hdr, hdr.size()), [&](std::exception_ptr) { done = true; });
    BOOST_REQUIRE(run_until(io, [&] { return done; }));
    BOOST_TEST(f.closed_by_peer, f.read_ec.message());
    check_still_working(good, 5);
}

BOOST_FIXTURE_TEST_CASE(well_framed_junk_from_an_unbound_client_ends_at_bind_timeout, fixture) {
    // Frames of an unknown command each get a generic_nack, so framing alone
    // never closes this connection: the bind timeout must, even while the
    // junk keeps coming and its answers are never read.
    cfg.session.bind_timeout = ms{300};
    start();
    auto good = bind(bind_type::transceiver, "alice", "secret");
    std::vector<std::uint8_t> chunk;
    for (std::uint32_t i = 1; i <= 1024; ++i) {
        const std::uint8_t frame[16] = {0, 0, 0, 16, 0, 0, 0x77, 0x77, 0, 0, 0, 0, 0, 0, 0, 1};
        chunk.insert(chunk.end(), std::begin(frame), std::end(frame));
    }
    flood f{io};
    f.sock.connect(listener->local_endpoint());
    const auto t0 = std::chrono::steady_clock::now();
    bool done = false;
    asio::co_spawn(io, run_flood(f, chunk, 512 * 1024 * 1024), [&](std::exception_ptr) { done = true; });
    BOOST_REQUIRE(run_until(io, [&] { return done; }, ms{10'000}));
    const auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(f.closed_by_peer, f.read_ec.message());
    BOOST_TEST((took >= ms{300}));
    BOOST_TEST(f.written < 512u * 1024 * 1024);
    BOOST_REQUIRE(run_until(io, [&] { return listener->session_count() == 1u; }));
    check_still_working(good, 20);
}

BOOST_FIXTURE_TEST_CASE(submit_before_bind_is_refused, fixture) {
    start();
    // A raw client sends submit_sm without binding: ESME_RINVBNDSTS, nothing
    // reaches the application.
    std::vector<std::uint8_t> bytes;
    BOOST_TEST_REQUIRE(!encode(submit_pdu(), bytes));
    bytes[15] = 9; // sequence_number 9
    tcp::socket raw{io};
    raw.connect(listener->local_endpoint());
    asio::write(raw, asio::buffer(bytes));
    std::array<std::uint8_t, 16> hdr{};
    bool got = false;
    asio::async_read(raw, asio::buffer(hdr), [&](const error_code& ec, std::size_t) { got = !ec; });
    BOOST_REQUIRE(run_until(io, [&] { return got; }));
    BOOST_TEST(hdr[7] == 0x04);  // submit_sm_resp (0x80000004)
    BOOST_TEST(hdr[4] == 0x80);
    BOOST_TEST(hdr[11] == 0x04); // ESME_RINVBNDSTS
    BOOST_TEST(hdr[15] == 9);
    BOOST_TEST(requests_from.empty());
}

BOOST_FIXTURE_TEST_CASE(destroying_without_stop_closes_clients_and_is_safe, fixture) {
    // Run under ASan this also guards the accept loop, which resumes after
    // the listener is gone (it must not touch it then).
    start();
    auto c = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST_REQUIRE(c.bound());
    listener.reset();
    BOOST_REQUIRE(run_until(io, [&] { return c.probe->closed; }));
    BOOST_TEST(c.probe->why == error_code{session_error::peer_closed}, c.probe->why.message());
}
