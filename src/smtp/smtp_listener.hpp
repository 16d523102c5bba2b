#pragma once
// The SMTP listener: a thin Boost.Asio coroutine wrapper around
// session_logic. It accepts connections (at most max_sessions at once; more
// get "421 too many connections" and are closed), reads lines with a bounded
// buffer, writes the replies, hands each accepted mail to `deliver` and
// answers once its outcome is in. Every read and write has a deadline (the
// command timeout, and the data timeout for the whole DATA phase), so a slow
// or silent client holds its slot at most that long.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

namespace boost::asio::ssl {
class context;
}

#include "smtp/smtp_session_logic.hpp"

namespace twinsms::smtp {

struct listener_config {
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    std::size_t max_sessions = 100;
    std::chrono::milliseconds command_timeout{300'000}; // waiting for one command line (or a write)
    std::chrono::milliseconds data_timeout{600'000};    // from 354 to the final dot
    // STARTTLS: the server context (our certificate), and how long the
    // handshake may take. Null: no STARTTLS (rules::starttls must match).
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::chrono::milliseconds handshake_timeout{10'000};
};

class smtp_listener {
public:
    using done_fn = std::function<void(delivery_result)>;
    // Sends a mail; calls `done` once (now or later, on the listener's executor).
    using deliver_fn = std::function<void(const mail&, done_fn done)>;

    smtp_listener(boost::asio::any_io_executor ex, listener_config cfg, std::shared_ptr<const rules> r, deliver_fn deliver);
    ~smtp_listener();
    smtp_listener(const smtp_listener&) = delete;
    smtp_listener& operator=(const smtp_listener&) = delete;

    // Binds and listens; throws boost::system::system_error if an address is unusable.
    void start();
    std::vector<boost::asio::ip::tcp::endpoint> local_endpoints() const;
    // Stops accepting; idle sessions get 421 and are closed, a mail being
    // committed is answered first. Bounded by `grace`.
    boost::asio::awaitable<void> stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
    // New sessions use these rules (reload); running ones keep theirs.
    void set_rules(std::shared_ptr<const rules> r) { rules_ = std::move(r); }
    // New handshakes use this context (a renewed certificate after a reload).
    void set_tls(std::shared_ptr<boost::asio::ssl::context> ctx) { cfg_.tls = std::move(ctx); }

    struct counters {
        std::uint64_t sessions = 0, refused = 0, timeouts = 0, mails = 0, tls_failures = 0;
    };
    const counters& stats() const noexcept { return stats_; }
    std::size_t session_count() const noexcept { return conns_.size(); }

private:
    struct conn;
    boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& a);
    boost::asio::awaitable<void> serve(std::shared_ptr<conn> c);
    static boost::asio::awaitable<void> watchdog(std::shared_ptr<conn> c);
    // After "220 ready to start TLS": the handshake; false to close.
    boost::asio::awaitable<bool> start_tls(std::shared_ptr<conn> c);
    void finished(conn* c);

    boost::asio::any_io_executor executor_;
    listener_config cfg_;
    std::shared_ptr<const rules> rules_;
    deliver_fn deliver_;
    std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
    std::map<conn*, std::shared_ptr<conn>> conns_;
    boost::asio::steady_timer drained_; // cancelled when the last session is gone during stop()
    bool stopping_ = false;
    counters stats_;
    std::shared_ptr<void> alive_ = std::make_shared<int>(0); // expires with us: coroutines check it
};

} // namespace twinsms::smtp
