#pragma once
// The receiving side of replication (the walreceiver): connects to the
// peer's sender, says where its replica stands, applies the changes that
// come in order and acknowledges each once it is committed in the replica;
// takes a snapshot in place of the replica when the sender says so.
// Reconnects with backoff whenever the stream breaks (a cut, a gap, a bad
// frame), always resuming from what the replica has committed.
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "replication/replica.hpp"
#include "tls/context.hpp"
#include "tls/transport.hpp"

namespace twinsms::replication {

struct receiver_config {
    boost::asio::ip::tcp::endpoint peer; // the peer's sender
    std::string node;                    // our node id, in the hello
    std::string token;
    std::chrono::milliseconds reconnect_initial{200}, reconnect_max{5'000};
    std::size_t max_unacked_applies = 2'000; // reading pauses beyond this many uncommitted changes
    std::filesystem::path snapshot_file;     // where an incoming snapshot is written
    // Set: the connection is TLS (server_name empty: the peer's address);
    // a failed handshake is logged and retried with the backoff.
    std::optional<tls::client_settings> tls;
};

class receiver {
public:
    receiver(boost::asio::any_io_executor ex, replica& r, receiver_config cfg);
    void start();
    // Closes the connection and returns once nothing of the receiver runs
    // any more (its coroutines ended, the replica's writes it started are
    // committed): only then may it, or the replica, be destroyed.
    boost::asio::awaitable<void> stop();

    bool connected() const noexcept { return connected_; }
    struct counters {
        std::uint64_t connects = 0, breaks = 0, changes = 0, skipped = 0, snapshots = 0, bytes = 0;
        std::uint64_t tls_failures = 0; // handshakes with the peer's sender that failed
    };
    const counters& stats() const noexcept { return stats_; }

private:
    boost::asio::awaitable<void> run();
    // One connection's life; returns when it breaks, with why.
    boost::asio::awaitable<std::string> session(std::shared_ptr<tls::transport> s);
    // Acks and the hello after a snapshot go out one write at a time (two
    // writes at once would interleave, under TLS break the stream).
    void send_ack(const std::shared_ptr<tls::transport>& s);
    boost::asio::awaitable<void> write_out(std::shared_ptr<tls::transport> s);

    boost::asio::any_io_executor executor_;
    replica& replica_;
    receiver_config cfg_;
    boost::asio::steady_timer timer_;   // backoff, and the pause while applies catch up
    std::shared_ptr<tls::transport> socket_;
    boost::asio::ip::tcp::socket* connecting_ = nullptr; // the socket of a connect or TLS handshake under way
    std::string hello_due_;             // encoded, for write_out()
    std::size_t applying_ = 0;          // changes handed to the replica, not committed
    std::uint64_t acked_ = 0;           // last position sent back
    bool ack_writing_ = false;
    bool connected_ = false, stopping_ = false;
    bool running_ = false; // run() has not returned
    counters stats_;
};

} // namespace twinsms::replication
