#pragma once
// Just enough HTTP/1.x on Boost.Asio for the Kannel test, on the test's own
// io_context (single thread, pumped by pump_until): a GET client for
// smsbox's sendsms and bearerbox's admin status page, and a listener that
// records the request targets Kannel calls (dlr-url, sms-service get-url).
// Loopback only. Not a general HTTP implementation: no chunked bodies, one
// request per connection, every connection closed after the answer.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace twinsms::test {

namespace http_asio = boost::asio;
using http_tcp = http_asio::ip::tcp;

struct http_reply {
    bool ok = false;   // a response arrived (any status)
    int status = 0;
    std::string body;
    std::string error; // transport error when !ok
};

// Percent-encodes a query component (RFC 3986 unreserved characters kept).
inline std::string url_encode(std::string_view s) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0xF]);
        }
    }
    return out;
}

inline std::string url_decode(std::string_view s) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && nibble(s[i + 1]) >= 0 && nibble(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(nibble(s[i + 1]) * 16 + nibble(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

// The decoded value of `key` in the query string of `target`
// ("/path?a=1&b=2"); nullopt when absent.
inline std::optional<std::string> query_param(std::string_view target, std::string_view key) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return std::nullopt;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (url_decode(pair.substr(0, eq)) == key)
            return eq == std::string_view::npos ? std::string{} : url_decode(pair.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

// GET http://127.0.0.1:port/target, HTTP/1.0 so the server closes after
// answering and the body runs to end of stream. `done` is set when the
// exchange ends either way; the caller bounds the wait (pump_until).
inline void http_get(http_asio::io_context& io, std::uint16_t port, std::string target,
                     std::shared_ptr<std::optional<http_reply>> done) {
    http_asio::co_spawn(io, [&io, port, target = std::move(target), done]() -> http_asio::awaitable<void> {
        constexpr auto tuple = http_asio::as_tuple(http_asio::use_awaitable);
        http_reply r;
        http_tcp::socket sock{io};
        auto [cec] = co_await sock.async_connect({http_asio::ip::make_address("127.0.0.1"), port}, tuple);
        if (cec) {
            r.error = "connect: " + cec.message();
            *done = std::move(r);
            co_return;
        }
        const std::string req = "GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        auto [wec, wn] = co_await http_asio::async_write(sock, http_asio::buffer(req), tuple);
        std::string in;
        auto [rec, rn] = co_await http_asio::async_read(sock, http_asio::dynamic_buffer(in), tuple);
        (void)wn;
        (void)rn;
        if (wec || (rec && rec != http_asio::error::eof)) {
            r.error = "exchange: " + (wec ? wec : rec).message();
        } else if (in.rfind("HTTP/", 0) == 0 && in.find(' ') != std::string::npos) {
            r.ok = true;
            r.status = std::atoi(in.c_str() + in.find(' ') + 1);
            const auto body = in.find("\r\n\r\n");
            r.body = body == std::string::npos ? std::string{} : in.substr(body + 4);
        } else {
            r.error = "not an HTTP response: " + in.substr(0, 200);
        }
        *done = std::move(r);
    }, http_asio::detached);
}

// Accepts on 127.0.0.1 (OS-chosen port), records each request's target
// and answers 200 with an empty body.
class http_recorder {
public:
    explicit http_recorder(http_asio::io_context& io)
        : acceptor_{io, {http_asio::ip::make_address("127.0.0.1"), 0}}, state_{std::make_shared<state>()} {
        http_asio::co_spawn(io, accept_loop(acceptor_, state_), http_asio::detached);
    }
    ~http_recorder() {
        boost::system::error_code ec;
        acceptor_.close(ec);
    }
    http_recorder(const http_recorder&) = delete;
    http_recorder& operator=(const http_recorder&) = delete;

    std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port()); }
    // Targets ("/dlr?type=1&...") in arrival order.
    const std::vector<std::string>& targets() const { return state_->targets; }

private:
    struct state {
        std::vector<std::string> targets;
    };

    static http_asio::awaitable<void> accept_loop(http_tcp::acceptor& acc, std::shared_ptr<state> st) {
        constexpr auto tuple = http_asio::as_tuple(http_asio::use_awaitable);
        for (;;) {
            auto [ec, sock] = co_await acc.async_accept(tuple);
            if (ec) co_return; // closed by the destructor
            http_asio::co_spawn(acc.get_executor(), serve(std::move(sock), st), http_asio::detached);
        }
    }

    static http_asio::awaitable<void> serve(http_tcp::socket sock, std::shared_ptr<state> st) {
        constexpr auto tuple = http_asio::as_tuple(http_asio::use_awaitable);
        std::string in;
        auto [ec, n] = co_await http_asio::async_read_until(sock, http_asio::dynamic_buffer(in), "\r\n\r\n", tuple);
        if (ec) co_return;
        (void)n;
        // Request line: METHOD SP TARGET SP VERSION
        const auto sp1 = in.find(' ');
        const auto sp2 = sp1 == std::string::npos ? sp1 : in.find(' ', sp1 + 1);
        if (sp2 != std::string::npos) st->targets.push_back(in.substr(sp1 + 1, sp2 - sp1 - 1));
        static constexpr std::string_view ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        co_await http_asio::async_write(sock, http_asio::buffer(ok), tuple);
        boost::system::error_code ignored;
        sock.shutdown(http_tcp::socket::shutdown_both, ignored);
    }

    http_tcp::acceptor acceptor_;
    std::shared_ptr<state> state_;
};

} // namespace twinsms::test
