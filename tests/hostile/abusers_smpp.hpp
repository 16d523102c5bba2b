#pragma once
// The abusers that speak SMPP (or push an HTTP body) past slowloris; see abusers.hpp.
#include "hostile/abusers.hpp"

namespace twinsms::test::hostile {

inline constexpr std::uint32_t id_enquire_link = 0x00000015, id_unbind = 0x00000006, id_submit_resp = 0x80000004,
                               id_unbind_resp = 0x80000006, id_bind_trx_resp = 0x80000009, id_generic_nack = 0x80000000;

// Connects from `from` and binds; the bind_resp status, or nullopt if the
// connection failed or ended first.
inline asio::awaitable<std::optional<std::uint32_t>> raw_bind(tcp::socket& s, asio::ip::address from, tcp::endpoint to,
                                                              std::string sys, std::string pw) {
    if (!co_await connect_from(s, from, to)) co_return std::nullopt;
    if (!co_await write_all(s, bind_bytes(sys, pw))) co_return std::nullopt;
    auto h = co_await read_pdu(s);
    if (!h || h->id != id_bind_trx_resp) co_return std::nullopt;
    co_return h->status;
}

// Binds, then writes submit_sm as fast as the socket takes them and never
// reads: the daemon stops reading it (write_high_water) and closes it when
// its enquire_links go unanswered.
inline asio::awaitable<void> never_reader(tcp::endpoint to, std::string sys, std::string pw, tally_ptr t) {
    tcp::socket s{co_await asio::this_coro::executor};
    const auto st = co_await raw_bind(s, asio::ip::make_address("127.0.0.1"), to, sys, pw);
    if (st != 0u) co_return;
    std::vector<std::uint8_t> batch;
    for (std::uint32_t seq = 2; seq < 2 + 500; ++seq) {
        auto b = submit_bytes(seq);
        batch.insert(batch.end(), b.begin(), b.end());
    }
    for (;;) {
        auto [ec, n] = co_await asio::async_write(s, asio::buffer(batch), use_tuple);
        t->never_reader_bytes += n;
        if (ec) break;
    }
    ++t->never_readers_closed;
}

// `attempts` binds with a wrong password from `from`, one connection each;
// counts the answers.
inline asio::awaitable<void> guesser(tcp::endpoint to, asio::ip::address from, std::string sys, int attempts, tally_ptr t) {
    for (int i = 0; i < attempts; ++i) {
        tcp::socket s{co_await asio::this_coro::executor};
        const auto st = co_await raw_bind(s, from, to, sys, "guess" + std::to_string(i));
        if (st == 0x0Eu) ++t->guess_invpaswd;
        else if (st == 0x0Du) ++t->guess_bindfail;
        else ++t->guess_other;
    }
    ++t->guessers_done;
}

// A header announcing a 2 GiB PDU: refused and closed, never buffered.
inline asio::awaitable<void> huge_length(tcp::endpoint to, tally_ptr t) {
    tcp::socket s{co_await asio::this_coro::executor};
    if (!co_await connect_from(s, asio::ip::make_address("127.0.0.1"), to)) co_return;
    if (!co_await write_all(s, header_bytes(0x7FFFFFF0u, 0x00000009u, 0, 1))) co_return;
    while (auto h = co_await read_pdu(s)) {
    }
    ++t->huge_closed;
}

// `n` submit_sm back to back, sequence numbers from 2 (1 is the bind).
inline std::vector<std::uint8_t> submits_bytes(int n) {
    std::vector<std::uint8_t> all;
    for (int i = 0; i < n; ++i) {
        auto b = submit_bytes(static_cast<std::uint32_t>(2 + i));
        all.insert(all.end(), b.begin(), b.end());
    }
    return all;
}

// Binds and writes `n` submit_sm at once, far past the window, then reads
// until each has its answer (or the connection ends).
inline asio::awaitable<void> window_flood(tcp::endpoint to, std::string sys, std::string pw, int n, tally_ptr t) {
    tcp::socket s{co_await asio::this_coro::executor};
    if (co_await raw_bind(s, asio::ip::make_address("127.0.0.1"), to, sys, pw) != 0u) co_return;
    auto all = submits_bytes(n);
    if (!co_await write_all(s, all)) co_return;
    for (int got = 0; got < n;) {
        auto h = co_await read_pdu(s);
        if (!h) break;
        if (h->id != id_submit_resp) continue; // an enquire_link
        ++got;
        if (h->status == 0) ++t->flood_ok;
        else if (h->status == 0x58) ++t->flood_throttled;
        else ++t->flood_other;
    }
    ++t->floods_done;
}

// Binds, writes `n` submit_sm and an unbind in one go: every submit is
// answered before the unbind_resp.
inline asio::awaitable<void> unbind_mid_window(tcp::endpoint to, std::string sys, std::string pw, int n, tally_ptr t) {
    tcp::socket s{co_await asio::this_coro::executor};
    if (co_await raw_bind(s, asio::ip::make_address("127.0.0.1"), to, sys, pw) != 0u) co_return;
    auto all = submits_bytes(n);
    auto u = header_bytes(16, id_unbind, 0, static_cast<std::uint32_t>(2 + n));
    all.insert(all.end(), u.begin(), u.end());
    if (!co_await write_all(s, all)) co_return;
    int before = 0;
    while (auto h = co_await read_pdu(s)) {
        if (h->id == id_submit_resp) ++before;
        if (h->id == id_unbind_resp) {
            t->unbind_resps_before += before;
            break;
        }
    }
    ++t->unbinds_done;
}

// POST with a 100 MB body: the daemon answers 413 after 64 KiB and closes;
// the body is written until the connection breaks.
inline asio::awaitable<void> big_body(tcp::endpoint to, tally_ptr t) {
    auto s = std::make_shared<tcp::socket>(co_await asio::this_coro::executor);
    if (!co_await connect_from(*s, asio::ip::make_address("127.0.0.1"), to)) co_return;
    constexpr std::uint64_t total = 100ull << 20;
    const std::string head = "POST /api/v1/messages HTTP/1.1\r\nHost: twinsms\r\nContent-Type: application/json\r\n"
                             "Content-Length: " + std::to_string(total) + "\r\n\r\n";
    // The answer is read while the body is written.
    asio::co_spawn(s->get_executor(), [](std::shared_ptr<tcp::socket> s, tally_ptr t) -> asio::awaitable<void> {
        asio::streambuf in;
        auto [ec, n] = co_await asio::async_read_until(*s, in, "\r\n", use_tuple);
        const std::string line{asio::buffers_begin(in.data()), asio::buffers_begin(in.data()) + static_cast<long>(n)};
        if (!ec && line.find(" 413 ") != std::string::npos) ++t->big_body_413;
    }(s, t), asio::detached);
    std::vector<char> chunk(1 << 20, '[');
    auto [ec, n] = co_await asio::async_write(*s, asio::buffer(head), use_tuple);
    for (std::uint64_t sent = 0; !ec && sent < total; sent += n) {
        std::tie(ec, n) = co_await asio::async_write(*s, asio::buffer(chunk), use_tuple);
        t->big_body_bytes += n;
    }
    ++t->big_bodies_done;
}

// A bound client that only answers enquire_link, until the test closes
// its socket (tally::idle_sockets).
inline asio::awaitable<void> idle_bind(tcp::endpoint to, std::string sys, std::string pw, tally_ptr t) {
    auto s = std::make_shared<tcp::socket>(co_await asio::this_coro::executor);
    t->idle_sockets.push_back(s);
    const auto st = co_await raw_bind(*s, asio::ip::make_address("127.0.0.1"), to, sys, pw);
    if (st != 0u) {
        ++t->idle_refused;
        co_return;
    }
    ++t->idle_bound;
    for (;;) {
        auto h = co_await read_pdu(*s);
        if (!h) break;
        if (h->id == id_enquire_link && !co_await write_all(*s, header_bytes(16, 0x80000015u, 0, h->seq))) break;
    }
    ++t->idle_closed;
}

} // namespace twinsms::test::hostile
