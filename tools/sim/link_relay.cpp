#include "link_relay.hpp"

#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "smpp/codec/command.hpp"

namespace twinsms::sim {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
namespace {
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
} // namespace

bool loopback_pair(tcp::acceptor& acceptor, tcp::socket& client, tcp::socket& server) {
    boost::system::error_code ec;
    client.connect(acceptor.local_endpoint(), ec);
    if (ec) return false;
    const auto mine = client.local_endpoint(ec);
    // Only we connect to this acceptor; anything else that did is discarded.
    for (int tries = 0; tries < 8; ++tries) {
        tcp::socket s{acceptor.get_executor()};
        acceptor.accept(s, ec);
        if (ec) break;
        boost::system::error_code ec2;
        if (s.remote_endpoint(ec2) == mine && !ec2) {
            server = std::move(s);
            server.set_option(tcp::no_delay(true), ec2);
            client.set_option(tcp::no_delay(true), ec2);
            return true;
        }
    }
    client.close(ec);
    return false;
}

std::shared_ptr<link_relay> link_relay::create(tcp::socket outside, tcp::socket inside,
                                               std::shared_ptr<link_faults> faults) {
    return std::shared_ptr<link_relay>(new link_relay(std::move(outside), std::move(inside), std::move(faults)));
}

link_relay::link_relay(tcp::socket outside, tcp::socket inside, std::shared_ptr<link_faults> faults)
    : outside_{std::move(outside)}, inside_{std::move(inside)}, faults_{std::move(faults)},
      framer_{faults_->max_pdu_size} {
    boost::system::error_code ec;
    outside_.set_option(tcp::no_delay(true), ec);
}

void link_relay::start() {
    auto self = shared_from_this();
    asio::co_spawn(outside_.get_executor(), [self] { return self->inbound(); }, asio::detached);
    asio::co_spawn(outside_.get_executor(), [self] { return self->outbound(); }, asio::detached);
}

void link_relay::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ec;
    outside_.shutdown(tcp::socket::shutdown_both, ec);
    outside_.close(ec);
    inside_.shutdown(tcp::socket::shutdown_both, ec);
    inside_.close(ec);
}

asio::awaitable<void> link_relay::inbound() {
    auto self = shared_from_this();
    std::vector<std::uint8_t> out;
    while (!closed_) {
        auto buf = framer_.prepare();
        auto [ec, n] = co_await outside_.async_read_some(asio::buffer(buf.data(), buf.size()), use_tuple);
        if (closed_) co_return;
        if (ec) {
            // Client gone: let the session see end of stream, then the
            // outbound side closes everything once the session hangs up.
            boost::system::error_code ignored;
            inside_.shutdown(tcp::socket::shutdown_send, ignored);
            co_return;
        }
        framer_.commit(n);
        out.clear();
        bool bad = false;
        for (;;) {
            auto r = framer_.next();
            if (r.st == smpp::framer::status::need_more) break;
            if (r.st == smpp::framer::status::bad_length) {
                // Hand the session the broken header so it nacks and closes as it would.
                put32(out, r.hdr.command_length);
                put32(out, r.hdr.command_id);
                put32(out, r.hdr.command_status);
                put32(out, r.hdr.sequence_number);
                bad = true;
                break;
            }
            if (r.hdr.command_id == static_cast<std::uint32_t>(smpp::command_id::enquire_link) &&
                !faults_->answer_enquire_link) {
                ++faults_->enquire_links_swallowed;
                continue;
            }
            out.insert(out.end(), r.bytes.begin(), r.bytes.end());
        }
        if (!out.empty()) {
            auto [wec, wn] = co_await asio::async_write(inside_, asio::buffer(out), use_tuple);
            if (wec) {
                close();
                co_return;
            }
        }
        if (bad) co_return; // the session closes; outbound() then closes the client
    }
}

asio::awaitable<void> link_relay::outbound() {
    auto self = shared_from_this();
    std::vector<std::uint8_t> buf(64 * 1024);
    while (!closed_) {
        auto [ec, n] = co_await inside_.async_read_some(asio::buffer(buf), use_tuple);
        if (closed_) co_return;
        if (ec) {
            close(); // the session closed: so does the client's connection
            co_return;
        }
        auto [wec, wn] = co_await asio::async_write(outside_, asio::buffer(buf.data(), n), use_tuple);
        if (wec) {
            close();
            co_return;
        }
    }
}

} // namespace twinsms::sim
