#pragma once
// SMPP client to a carrier SMSC: connects and binds with exponential
// backoff, keeps submissions in order, paces them to the carrier's TPS and
// window, pauses the whole link when the carrier answers ESME_RTHROTTLED,
// and rebinds after any failure.
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "config/carrier.hpp"
#include "metrics/histogram.hpp"
#include "metrics/status_counts.hpp"
#include "smpp/session/responder.hpp"
#include "smpp/session/session.hpp"
#include "tls/context.hpp"
#include "util/backoff.hpp"
#include "util/token_bucket.hpp"

namespace twinsms::smpp {

// A link runs from its profile's plain settings (config/carrier.hpp).
using carrier_config = config::carrier_settings;

struct submit_outcome {
    error_code ec;                         // transport failure: the carrier may or may not have the message
    command_status status = status::syserr; // the carrier's answer when !ec
    std::string message_id;                // the carrier's id when status is ESME_ROK
};

class carrier_client;

class carrier_handler {
public:
    virtual ~carrier_handler() = default;
    // deliver_sm / data_sm from the carrier (receipts and MO). Answer
    // through `r`, now or after the message is stored.
    virtual void on_deliver(carrier_client&, const pdu& req, responder r) = 0;
    virtual void on_link_up(carrier_client&) {}
    virtual void on_link_down(carrier_client&, const error_code&) {}
};

class carrier_client final : public session_handler, public std::enable_shared_from_this<carrier_client> {
public:
    using done_fn = std::function<void(const submit_outcome&)>;

    carrier_client(asio::any_io_executor ex, carrier_config cfg, carrier_handler* handler);
    ~carrier_client() override;

    void start();
    // Unbinds gracefully and stops reconnecting; queued messages stay queued
    // and are reported as failed with session_error::closed.
    asio::awaitable<void> stop();

    // Queues a submit_sm (or data_sm); `done` is called once with the outcome.
    // Messages answered ESME_RTHROTTLED are resent in order, not reported.
    void submit(owned_pdu req, done_fn done);

    // Asked before every bind and every submission: false means this node
    // may not speak for the carrier account now (the witness lease ran out,
    // for example while the process was stopped). The link then closes at
    // once instead of sending, and binds again only once it says true: a
    // stalled node that resumes must not send with a key the peer holds.
    using fence_fn = std::function<bool()>;
    void set_fence(fence_fn f) { fence_ = std::move(f); }

    bool bound() const noexcept { return session_ && is_bound(session_->state()); }
    std::size_t queued() const noexcept { return queue_.size(); }
    // When the bound SMSC last sent anything; nullopt while not bound.
    std::optional<std::chrono::steady_clock::time_point> last_heard() const noexcept {
        if (!bound()) return std::nullopt;
        return session_->last_receive();
    }
    // The bound session (the pair delivers peer_forward PDUs on it).
    std::shared_ptr<session> bound_session() const noexcept { return bound() ? session_ : nullptr; }
    // Sends a control request (peer_status) on the bound session, outside
    // the submission queue; false (and `h` not called) when not bound.
    bool request(const pdu& req, session::response_handler h) {
        if (!bound()) return false;
        session_->send_request(req, std::move(h));
        return true;
    }
    std::size_t in_flight() const noexcept { return session_ ? session_->in_flight() : 0; }
    // deliver_sm (receipts, MO) from the carrier not answered yet, each
    // waiting for its store commit; and the most seen at once on this bind,
    // which is the carrier's window once it has filled it.
    std::size_t incoming_pending() const noexcept { return session_ ? session_->incoming_pending() : 0; }
    std::size_t incoming_high_water() const noexcept { return incoming_high_water_; }
    const carrier_config& config() const noexcept { return cfg_; }
    struct counters {
        std::uint64_t submitted = 0, accepted = 0, rejected = 0, throttled = 0, transport_errors = 0;
        std::uint64_t binds = 0, bind_failures = 0, delivers = 0, tls_failures = 0;
        std::uint64_t fenced = 0; // binds or submissions the fence stopped
        metrics::status_counts responses; // submit responses by command_status (throttled ones too)
    };
    const counters& stats() const noexcept { return stats_; }
    // submit_sm sent to its response, microseconds (answered ones only).
    const metrics::histogram& response_latency() const noexcept { return latency_; }
    // The window of the bound session (0 while not bound).
    std::size_t window() const noexcept { return bound() ? session_->config().window : 0; }
    // Why the last connect or bind attempt failed (as logged), empty once bound.
    const std::string& last_error() const noexcept { return last_error_; }

private:
    struct item {
        std::uint64_t order; // submission order, kept when a throttled message is requeued
        owned_pdu req;
        done_fn done;
        std::chrono::steady_clock::time_point sent{}; // of the latest attempt
    };

    asio::awaitable<void> run();
    asio::awaitable<std::shared_ptr<session>> connect_and_bind();
    // The TLS handshake on a connected socket; nullopt (logged) when it fails.
    asio::awaitable<std::optional<transport>> secure(asio::ip::tcp::socket sock);
    asio::awaitable<void> send_loop(std::shared_ptr<session> s);
    void on_response(item it, const error_code& ec, const pdu* resp);
    void requeue(item it);
    void on_request(session& s, const pdu& req) override;
    void on_closed(session& s, const error_code& why) override;
    bool fenced(std::string_view what);

    asio::any_io_executor executor_;
    carrier_config cfg_;
    carrier_handler* handler_;
    fence_fn fence_;
    std::shared_ptr<session> session_;
    asio::ip::tcp::socket* connecting_ = nullptr; // while connect_and_bind() connects, for stop()
    std::shared_ptr<session> binding_;            // while connect_and_bind() binds, for stop()
    std::deque<item> queue_;
    asio::steady_timer queue_signal_; // wakes the send loop: new work, pause over, link gone
    asio::steady_timer link_closed_;  // wakes run() when the session ends
    asio::steady_timer retry_timer_;
    token_bucket bucket_;
    backoff backoff_;
    std::minstd_rand rng_{std::random_device{}()};
    std::chrono::steady_clock::time_point paused_until_{};
    std::uint64_t next_order_ = 0;
    std::size_t incoming_high_water_ = 0; // of the current bind
    bool stopping_ = false;
    counters stats_;
    metrics::histogram latency_{metrics::latency_us};
    std::string last_error_;
};

} // namespace twinsms::smpp
