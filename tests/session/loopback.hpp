#pragma once
// Test harness: an io_context with a connected pair of SMPP sessions on
// loopback (an smsc-role session accepted from an esme-role one).
#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "smpp/session/session.hpp"

namespace twinsms::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A connected socket pair on 127.0.0.1 with an ephemeral port.
inline std::pair<tcp::socket, tcp::socket> socket_pair(asio::io_context& io) {
    tcp::acceptor acc{io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
    tcp::socket client{io};
    client.connect(acc.local_endpoint());
    tcp::socket server = acc.accept();
    return {std::move(client), std::move(server)};
}

// Runs the io_context until `done()` holds or `limit` passes; returns done().
template <class Pred> bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done() && std::chrono::steady_clock::now() < until) {
        io.run_for(std::chrono::milliseconds(5));
        io.restart();
    }
    return done();
}

// A bounded observation window for "this must not happen": runs the loop
// for `window` and returns false as soon as `forbidden()` holds (true when
// it stayed false the whole window). Use it where a test checks that
// nothing (more) happens within a time, never to wait for something.
template <class Pred> bool observe_quiet(asio::io_context& io, std::chrono::milliseconds window, Pred forbidden) {
    return !run_until(io, forbidden, window);
}

// Runs the handlers that are ready (and those they make ready) until none
// is left, at most `limit`: what close() set in motion has finished.
inline bool drain_ready(asio::io_context& io, std::chrono::milliseconds limit = std::chrono::seconds(5)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    do {
        io.restart();
        if (io.poll() == 0) return true;
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

} // namespace twinsms::test
