// twinsmsd under every kind of hostile and broken client at once, while a
// well-behaved client sends one message at a time: slowloris on SMPP, HTTP
// and SMTP, clients that never read, password guessing from 20 addresses,
// huge command_length, windows flooded past the limit, unbind mid-window,
// 10 000 idle binds and 100 MB HTTP bodies. The daemon stays up, deals with
// each as it should, keeps its memory and descriptors bounded, and answers
// the good client within a bounded p99 (its every message committed and
// sent to the carrier).
#define BOOST_TEST_MODULE hostile_clients
#include "hostile/abusers_smpp.hpp"
#include "hostile/hostile_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace twinsms::test::hostile;

namespace {
constexpr int idle_binds = 10'000, good_messages = 400;
constexpr int slow_smpp = 100, slow_http = 50, slow_smtp = 20, never_readers = 3, guessers = 20, guesses = 12;
constexpr int huge = 20, floods = 4, flood_size = 1000, unbinds = 4, unbind_window = 50, bodies = 2;
constexpr double p99_bound_ms = 250;

// Binds `n` idle clients one after another; their enquire_link loops run on.
asio::awaitable<void> open_idle(tcp::endpoint to, int n, tally_ptr t) {
    for (int i = 0; i < n; ++i) {
        auto s = std::make_shared<tcp::socket>(co_await asio::this_coro::executor);
        t->idle_sockets.push_back(s);
        if (co_await raw_bind(*s, asio::ip::make_address("127.0.0.1"), to, "idle", "idle1") != 0u) {
            ++t->idle_refused;
            continue;
        }
        ++t->idle_bound;
        asio::co_spawn(s->get_executor(), [](std::shared_ptr<tcp::socket> s, tally_ptr t) -> asio::awaitable<void> {
            while (auto h = co_await read_pdu(*s))
                if (h->id == id_enquire_link && !co_await write_all(*s, header_bytes(16, 0x80000015u, 0, h->seq))) break;
            ++t->idle_closed;
        }(s, t), asio::detached);
    }
}
} // namespace

BOOST_FIXTURE_TEST_CASE(a_good_client_is_served_while_hostile_ones_do_their_worst, hostile_daemon) {
    auto good = client(); // demo, bound first: its address is trusted when demo gets locked
    const auto fds0 = fd_count(pid()), rss0 = rss_kb(pid());
    auto t = std::make_shared<tally>();
    for (int i = 0; i < 8; ++i) asio::co_spawn(io, open_idle(smpp, idle_binds / 8, t), asio::detached);
    require([&] { return t->idle_bound + t->idle_refused == idle_binds; }, "10 000 idle binds", 120s);
    BOOST_TEST_REQUIRE(t->idle_bound == idle_binds);
    const auto rss_idle = rss_kb(pid());

    auto spawn = [&](asio::awaitable<void> a) { asio::co_spawn(io, std::move(a), asio::detached); };
    const std::string bind = [] { auto b = bind_bytes("demo", "demo123"); return std::string(b.begin(), b.end()); }();
    for (int i = 0; i < slow_smpp; ++i) spawn(slowloris(smpp, bind, 300ms, t, &tally::slow_smpp_closed));
    for (int i = 0; i < slow_http; ++i)
        spawn(slowloris(admin, "GET /api/v1/health HTTP/1.1\r\nHost: twinsms\r\nX-Slow: aaaaaaaaaaaaaaaa", 300ms, t,
                        &tally::slow_http_closed));
    for (int i = 0; i < slow_smtp; ++i) spawn(slowloris(smtp, "EHLO slowly.example.com", 300ms, t, &tally::slow_smtp_closed));
    for (int i = 0; i < never_readers; ++i) spawn(never_reader(smpp, "abuser", "abuse1", t));
    for (int i = 0; i < guessers; ++i)
        spawn(guesser(smpp, asio::ip::make_address("127.0.0." + std::to_string(10 + i)), "demo", guesses, t));
    for (int i = 0; i < huge; ++i) spawn(huge_length(smpp, t));
    for (int i = 0; i < floods; ++i) spawn(window_flood(smpp, "abuser", "abuse1", flood_size, t));
    for (int i = 0; i < unbinds; ++i) spawn(unbind_mid_window(smpp, "abuser", "abuse1", unbind_window, t));
    for (int i = 0; i < bodies; ++i) spawn(big_body(admin, t));

    prober p{*good, good_messages};
    p.next();
    require([&] { return p.done(); }, "the good client's messages answered", 90s);
    // A well-behaved HTTP client too, with the slowloris connections open.
    {
        raw_client c{admin.port()};
        BOOST_TEST(c.request("GET", "/api/v1/health").status == 200u);
    }
    require([&] {
        return t->slow_smpp_closed == slow_smpp && t->slow_http_closed == slow_http && t->slow_smtp_closed == slow_smtp &&
               t->never_readers_closed == never_readers && t->guessers_done == guessers && t->huge_closed == huge &&
               t->floods_done == floods && t->unbinds_done == unbinds && t->big_bodies_done == bodies;
    }, "every abuser dealt with", 60s);
    const auto rss_end = rss_kb(pid());
    BOOST_TEST_REQUIRE(daemon->running());

    const double p50 = percentile(p.ms, 0.5), p99 = percentile(p.ms, 0.99), worst = percentile(p.ms, 1.0);
    BOOST_TEST_MESSAGE("good client: p50 " << p50 << " ms, p99 " << p99 << " ms, max " << worst << " ms; RSS "
                       << rss0 / 1024 << " MB -> " << rss_idle / 1024 << " MB with 10 000 idle binds -> "
                       << rss_end / 1024 << " MB after the abuse; never-readers wrote "
                       << t->never_reader_bytes / (1 << 20) << " MB, big bodies " << t->big_body_bytes / (1 << 20) << " MB");
    BOOST_TEST(p.ok == good_messages);
    BOOST_TEST(p99 < p99_bound_ms);
    require([&] {
        return std::count_if(carrier.messages().begin(), carrier.messages().end(),
                             [](const auto& m) { return m.text == "good"; }) == good_messages;
    }, "the good client's messages at the carrier", 30s);
    // Guessing: five answers like a wrong password per address, then refused outright.
    BOOST_TEST(t->guess_invpaswd == guessers * 5);
    BOOST_TEST(t->guess_bindfail == guessers * (guesses - 5));
    BOOST_TEST(t->guess_other == 0);
    // Floods and unbinds: every request answered, none lost.
    BOOST_TEST(t->flood_ok + t->flood_throttled == floods * flood_size);
    BOOST_TEST(t->flood_other == 0);
    BOOST_TEST(t->unbind_resps_before == unbinds * unbind_window);
    BOOST_TEST(t->big_body_413 == bodies);
    BOOST_TEST(t->big_body_bytes < std::uint64_t{bodies} * (32u << 20)); // refused at 64 KiB, not read to the end
    // Bounded memory: the never-readers are held at write_high_water (4 MiB) each.
    BOOST_TEST(rss_end < rss_idle + 96 * 1024);
    // 20 wrong passwords lock demo (account_max_failures); the guesses after that are refused unchecked.
    BOOST_TEST(metric("twinsms_auth_failures_total{door=\"smpp\"}") == 20);
    BOOST_TEST(metric("twinsms_auth_refused_total{door=\"smpp\",reason=\"account_locked\"}") == guessers * 5 - 20);
    BOOST_TEST(metric("twinsms_auth_blocks_total{kind=\"address\"}") >= guessers);
    BOOST_TEST(metric("twinsms_auth_blocks_total{kind=\"account\"}") == 1);

    // The idle binds go: the daemon's descriptors come back down.
    for (auto& s : t->idle_sockets) s->close();
    require([&] { return fd_count(pid()) <= fds0 + 8; }, "the daemon's descriptors back to where they were", 30s);
    BOOST_TEST((good->s->state() == smpp::bind_state::bound_trx));
}
