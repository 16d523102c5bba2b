#pragma once
// Hostile and broken clients of a twinsmsd, as coroutines on raw sockets
// (tests/hostile/hostile_clients_test.cpp runs them all at once). Each
// records what the daemon did to it in a shared tally; none of them ends
// before the daemon has answered or closed it, so the test awaits the
// tally, never a clock. They connect from addresses on 127.0.0.0/8 only.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smpp/codec/codec.hpp"

namespace twinsms::test::hostile {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
inline constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct tally {
    int slow_smpp_closed = 0, slow_http_closed = 0, slow_smtp_closed = 0;
    int never_readers_closed = 0;
    std::uint64_t never_reader_bytes = 0; // written before the daemon closed them
    int guess_invpaswd = 0, guess_bindfail = 0, guess_other = 0, guessers_done = 0;
    int huge_closed = 0;
    int flood_ok = 0, flood_throttled = 0, flood_other = 0, floods_done = 0;
    int unbind_resps_before = 0, unbinds_done = 0; // submit_sm_resps that came before the unbind_resp
    int big_body_413 = 0, big_bodies_done = 0;
    std::uint64_t big_body_bytes = 0;
    int idle_bound = 0, idle_refused = 0, idle_closed = 0;
    std::vector<std::shared_ptr<tcp::socket>> idle_sockets; // closed by the test when it is done
};
using tally_ptr = std::shared_ptr<tally>;

inline std::vector<std::uint8_t> bytes_of(const smpp::pdu& p) {
    std::vector<std::uint8_t> b;
    if (smpp::encode(p, b)) throw std::runtime_error("cannot encode a test PDU");
    return b;
}
inline std::vector<std::uint8_t> bind_bytes(std::string_view sys, std::string_view pw, std::uint32_t seq = 1) {
    smpp::pdu p{smpp::status::ok, seq, smpp::bind_transceiver{}};
    auto& b = *p.as<smpp::bind_transceiver>();
    b.system_id = sys;
    b.password = pw;
    b.interface_version = 0x34;
    return bytes_of(p);
}
inline std::vector<std::uint8_t> submit_bytes(std::uint32_t seq) {
    smpp::pdu p{smpp::status::ok, seq, smpp::submit_sm{}};
    auto& b = *p.as<smpp::submit_sm>();
    b.source_addr = "447700900999";
    b.destination_addr = "447700900001";
    b.short_message = "abuse";
    return bytes_of(p);
}
inline std::vector<std::uint8_t> header_bytes(std::uint32_t len, std::uint32_t id, std::uint32_t status, std::uint32_t seq) {
    std::vector<std::uint8_t> b;
    for (std::uint32_t v : {len, id, status, seq})
        for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
    return b;
}

struct header {
    std::uint32_t length = 0, id = 0, status = 0, seq = 0;
};
// One PDU (its body read and dropped); nullopt once the connection ends.
inline asio::awaitable<std::optional<header>> read_pdu(tcp::socket& s) {
    std::array<std::uint8_t, 16> h{};
    auto [ec, n] = co_await asio::async_read(s, asio::buffer(h), use_tuple);
    if (ec) co_return std::nullopt;
    auto be = [&h](int at) {
        return std::uint32_t{h[at]} << 24 | std::uint32_t{h[at + 1]} << 16 | std::uint32_t{h[at + 2]} << 8 | h[at + 3];
    };
    header r{be(0), be(4), be(8), be(12)};
    if (r.length < 16 || r.length > (1u << 20)) co_return std::nullopt;
    std::vector<std::uint8_t> body(r.length - 16);
    if (!body.empty()) {
        auto [ec2, n2] = co_await asio::async_read(s, asio::buffer(body), use_tuple);
        if (ec2) co_return std::nullopt;
    }
    co_return r;
}
inline asio::awaitable<bool> connect_from(tcp::socket& s, asio::ip::address from, tcp::endpoint to) {
    boost::system::error_code ec;
    s.open(tcp::v4(), ec);
    if (!ec) s.bind({from, 0}, ec);
    if (ec) co_return false;
    auto [cec] = co_await s.async_connect(to, use_tuple);
    co_return !cec;
}
inline asio::awaitable<bool> write_all(tcp::socket& s, const std::vector<std::uint8_t>& b) {
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(b), use_tuple);
    co_return !ec;
}
inline asio::awaitable<void> pause_for(std::chrono::milliseconds d) {
    asio::steady_timer t{co_await asio::this_coro::executor, d};
    co_await t.async_wait(use_tuple);
}

// Slowloris: `request` one byte every `pace`, until the daemon closes the
// connection (a write fails). `counted` is incremented then.
inline asio::awaitable<void> slowloris(tcp::endpoint to, std::string request, std::chrono::milliseconds pace,
                                       tally_ptr t, int tally::*counted) {
    tcp::socket s{co_await asio::this_coro::executor};
    if (!co_await connect_from(s, asio::ip::make_address("127.0.0.1"), to)) co_return;
    for (std::size_t i = 0;; i = (i + 1) % request.size()) {
        auto [ec, n] = co_await asio::async_write(s, asio::buffer(&request[i], 1), use_tuple);
        if (ec) break;
        co_await pause_for(pace);
    }
    ++((*t).*counted);
}

} // namespace twinsms::test::hostile
