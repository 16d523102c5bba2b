#pragma once
// The sending side of replication (the walsender): listens for the peer's
// receiver, checks its hello, and streams this node's committed store
// changes to it from the position it names, or a snapshot of the store
// first when that position is no longer in the bounded buffer. The peer's
// acknowledgements move sender_state's acknowledged position; nothing else
// is shared between the two nodes.
//
// The store's change sink runs on the writer thread: it only encodes the
// batch and posts it here. Everything else runs on the given executor.
#include <filesystem>
#include <functional>
#include <memory>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "replication/change_frame.hpp"
#include "replication/stream_state.hpp"
#include "store/message_store.hpp"
#include "tls/context.hpp"
#include "tls/transport.hpp"

namespace twinsms::replication {

struct sender_config {
    boost::asio::ip::tcp::endpoint listen;
    std::string token;                          // what the receiver's hello must carry
    std::size_t max_buffer_bytes = 64u << 20;   // changes kept for a receiver behind
    std::size_t max_write_bytes = 1u << 20;     // per socket write
    std::filesystem::path snapshot_file;        // where a snapshot is copied before it is sent
    std::chrono::milliseconds hello_timeout{5'000};
    // Sync replication: when_replicated() waits for the peer's
    // acknowledgement, at most `sync_timeout`; past it the sender degrades
    // to local-only until the peer has caught up again.
    bool sync = false;
    std::chrono::milliseconds sync_timeout{1'000};
    // Set: the receiver must complete a TLS handshake (and, with client_ca,
    // present a certificate) before its hello is read.
    std::optional<tls::server_settings> tls;
};

class sender {
public:
    using clock_fn = std::function<store::epoch_ms()>;
    sender(boost::asio::any_io_executor ex, store::message_store& st, sender_config cfg, clock_fn now);
    ~sender();

    // Installs the change sink and starts listening; throws system_error when the address is unusable.
    void start();
    // Stops listening and ends the connection; returns once none of the
    // sender's coroutines runs any more (a snapshot copy in progress is
    // waited for): only then may it be destroyed.
    boost::asio::awaitable<void> stop();
    boost::asio::ip::tcp::endpoint local_endpoint() const;

    const sender_state& state() const noexcept { return state_; }
    struct counters {
        std::uint64_t connections = 0, refused = 0, snapshots = 0, bytes_sent = 0, frames_sent = 0;
        std::uint64_t tls_failures = 0; // handshakes that failed (counted in refused too)
    };
    const counters& stats() const noexcept { return stats_; }
    // Runs `f` once everything committed so far is acknowledged by the
    // peer (sync), or at once (async, or degraded). Called from a store
    // write's completion, it covers that write: its change was taken in
    // before the completion ran (both are posted in commit order).
    void when_replicated(std::function<void()> f);
    // Sync mode gave up waiting for the peer (true) or it caught up again (false).
    void on_degraded(std::function<void(bool)> f) { on_degraded_ = std::move(f); }
    bool degraded() const noexcept { return degraded_; }

    // Failback catch-up (reclaim.hpp): the returning peer asks for its own
    // store back on this listener. `prepare` gives a file holding a
    // consistent copy of the store this node keeps for it as the authority
    // (its promoted replica), or nullopt when it keeps none; `adopted`
    // runs once the peer says the copy is its store now.
    struct reclaim_handler {
        std::function<boost::asio::awaitable<std::optional<std::filesystem::path>>(std::string node)> prepare;
        std::function<void(std::string node)> adopted;
    };
    void on_reclaim(reclaim_handler h) { reclaim_ = std::move(h); }

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket s);
    boost::asio::awaitable<void> read_acks(std::shared_ptr<tls::transport> s, frame_reader r, std::uint64_t generation);
    boost::asio::awaitable<bool> send_snapshot(tls::transport& s);
    // A file as snapshot chunks and end; its size, or nullopt when the write failed.
    boost::asio::awaitable<std::optional<std::uint64_t>> send_file(tls::transport& s, std::filesystem::path path);
    boost::asio::awaitable<void> serve_reclaim(std::shared_ptr<tls::transport> s, reclaim r); // sender_reclaim.cpp
    // A hello (first or after a snapshot): false when its token is wrong.
    bool greet(const hello& h);
    void committed_from_writer(std::uint64_t seq, std::string frame);

    boost::asio::any_io_executor executor_;
    store::message_store& store_;
    sender_config cfg_;
    clock_fn now_;
    sender_state state_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer signal_; // a change to send, or the connection to end
    boost::asio::thread_pool copier_{1}; // the blocking snapshot copy
    std::mutex pending_mutex_;          // frames from the writer thread, not yet taken in
    std::vector<std::pair<std::uint64_t, std::string>> pending_;
    bool need_snapshot_ = false, awaiting_hello_ = false;
    std::uint64_t generation_ = 0;     // of the current connection; a newer one ends the old
    bool stopping_ = false;
    std::size_t running_ = 0; // coroutines not returned yet
    std::vector<std::weak_ptr<tls::transport>> sockets_; // to close on stop
    std::set<boost::asio::ip::tcp::socket**> handshakes_; // TLS handshakes under way (their sockets), ditto
    counters stats_;
    void release_acked();
    boost::asio::awaitable<void> watch_waiters();
    struct waiter {
        std::uint64_t seq;
        std::chrono::steady_clock::time_point deadline;
        std::function<void()> f;
    };
    std::deque<waiter> waiters_; // in commit order
    bool degraded_ = false, watching_ = false;
    std::function<void(bool)> on_degraded_;
    reclaim_handler reclaim_;
    bool reclaim_pending_ = false; // a copy went out, the peer has not said it adopted it
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true); // for the change sink's posts
};

} // namespace twinsms::replication
