#pragma once
// A byte relay between an accepted client socket and the simulator's own
// smpp::session, so that link-level faults the session layer does not
// expose can be injected: the session answers enquire_link itself, so to
// "stop answering enquire_link" the relay swallows inbound enquire_link
// PDUs before the session sees them. Everything else is copied unchanged,
// in both directions, in batches.
#include <atomic>
#include <cstdint>
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "smpp/codec/framer.hpp"

namespace twinsms::sim {

// Shared between the simulator and every relay.
struct link_faults {
    bool answer_enquire_link = true;
    std::uint64_t enquire_links_swallowed = 0;
    std::uint32_t max_pdu_size = 64 * 1024;
};

class link_relay : public std::enable_shared_from_this<link_relay> {
public:
    using tcp = boost::asio::ip::tcp;

    // `outside` is the client; `inside` the relay's end of a loopback pair
    // whose other end the simulator's session owns.
    static std::shared_ptr<link_relay> create(tcp::socket outside, tcp::socket inside,
                                              std::shared_ptr<link_faults> faults);
    void start();
    void close();

private:
    link_relay(tcp::socket outside, tcp::socket inside, std::shared_ptr<link_faults> faults);
    boost::asio::awaitable<void> inbound();  // client -> session, filtered
    boost::asio::awaitable<void> outbound(); // session -> client, raw

    tcp::socket outside_;
    tcp::socket inside_;
    std::shared_ptr<link_faults> faults_;
    smpp::framer framer_;
    bool closed_ = false;
};

// Connects `client` to `acceptor` (listening on loopback, used only for
// this) and accepts the other end into `server`. Blocking, but on loopback
// both complete at once. False on failure.
bool loopback_pair(boost::asio::ip::tcp::acceptor& acceptor, boost::asio::ip::tcp::socket& client,
                   boost::asio::ip::tcp::socket& server);

} // namespace twinsms::sim
