#pragma once
// One SMPP connection: wires a socket to the codec, the bind-state rules,
// the request window and the keepalive decisions. Runs as three coroutines
// (reader, batching writer, timer) on the session's executor; all methods
// must be called from that executor (one io_context thread per node).
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "config/session.hpp"
#include "smpp/codec/codec.hpp"
#include "smpp/codec/framer.hpp"
#include "smpp/codec/owned.hpp"
#include "smpp/session/bind_state.hpp"
#include "smpp/session/error.hpp"
#include "smpp/session/keepalive.hpp"
#include "smpp/session/transport.hpp"
#include "smpp/session/window.hpp"

namespace twinsms::smpp {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

// The profile's settings are the session's configuration (config/session.hpp).
using session_config = config::session_settings;
static_assert(config::codec_settings{}.max_pdu_size == default_max_pdu_size);
inline codec_options codec_of(const session_config& c) noexcept { return {.max_pdu_size = c.codec.max_pdu_size}; }

// Bind fields common to the three bind requests.
struct bind_params {
    std::string_view system_id;
    std::string_view password;
    std::string_view system_type;
    std::uint8_t interface_version = 0x34;
    std::uint8_t addr_ton = 0;
    std::uint8_t addr_npi = 0;
    std::string_view address_range;
};

class session;

class session_handler {
public:
    virtual ~session_handler() = default;
    // smsc role: accept (ESME_ROK) or refuse a bind.
    virtual command_status on_bind(session&, bind_type, const bind_params&) { return status::bindfail; }
    virtual void on_bound(session&) {}
    // A request allowed in the current bind state (submit_sm, deliver_sm,
    // data_sm, query_sm, ...). Answer with session::respond, now or later;
    // `req` and its views are valid only during this call.
    virtual void on_request(session&, const pdu& req) = 0;
    // Called once. `why` says what ended it (session_error or an asio error).
    virtual void on_closed(session&, const error_code& why) { (void)why; }
};

class session : public std::enable_shared_from_this<session> {
public:
    using clock = std::chrono::steady_clock;
    using tcp = asio::ip::tcp;
    // Called exactly once: with the response, or with an error and nullptr.
    // The response (a *_resp or generic_nack) is valid only during the call.
    using response_handler = std::function<void(const error_code&, const pdu*)>;

    static std::shared_ptr<session> create(tcp::socket socket, role r, session_config cfg);
    // Over TLS (or plain): the listener or carrier client did the handshake.
    static std::shared_ptr<session> create(transport stream, role r, session_config cfg);
    ~session();

    void set_handler(session_handler* h) noexcept { handler_ = h; }
    void start();

    // Sends a request, assigning its sequence number. Requests beyond the
    // window wait in order in a backlog. Fails at once (not_bound) when the
    // bind state forbids sending it.
    void send_request(const pdu& req, response_handler h);

    // Coroutine-friendly send_request: completes with (error_code, owned_pdu).
    template <class Token> auto async_request(const pdu& req, Token&& token);

    // esme role: bind and wait for the answer. Returns ESME_ROK when bound,
    // the SMSC's status when refused, or throws nothing: transport errors
    // come back in `ec`.
    struct bind_result {
        error_code ec;
        command_status status = status::syserr;
        std::string system_id;  // the SMSC's
    };
    asio::awaitable<bind_result> bind(bind_type t, bind_params p);

    // Answers a request handed to on_request (sequence_number must match).
    void respond(const pdu& resp);
    // Answers `req` with its response type carrying only `st` (or generic_nack).
    void respond_status(const pdu& req, command_status st);

    // Waits until the window has room (or the session closed).
    asio::awaitable<void> wait_for_window();

    // Graceful end: stop sending, let outstanding requests finish (up to
    // unbind_timeout), send unbind, wait for unbind_resp (up to
    // unbind_timeout again), close after flushing.
    asio::awaitable<void> unbind();
    void close(const error_code& why = session_error::closed);

    bind_state state() const noexcept { return state_; }
    role local_role() const noexcept { return role_; }
    bool closed() const noexcept { return state_ == bind_state::closed; }
    const session_config& config() const noexcept { return cfg_; }
    const std::string& remote() const noexcept { return remote_; }
    const tcp::endpoint& remote_endpoint() const noexcept { return remote_ep_; }
    bool secure() const noexcept { return io_.secure(); }
    const transport& stream() const noexcept { return io_; }
    std::size_t in_flight() const noexcept { return window_.size(); }
    // Changes the probe pace of a running session (the listener's sessions
    // share one config; the cluster's peer link probes faster). Counts from
    // now, as if the peer had just been heard.
    void set_keepalive(const keepalive_config& k) {
        cfg_.keepalive = k;
        keepalive_ = keepalive{k, clock::now()};
        tick_.cancel(); // the timer loop re-reads next_wake()
    }
    // When the peer last sent anything (the cluster's liveness evidence).
    clock::time_point last_receive() const noexcept { return keepalive_.last_receive(); }
    std::size_t backlog() const noexcept { return backlog_.size(); }
    bool window_full() const noexcept { return window_.full() || !backlog_.empty(); }
    std::size_t incoming_pending() const noexcept { return incoming_pending_; }
    const error_code& close_reason() const noexcept { return close_reason_; }
    asio::any_io_executor get_executor() const noexcept { return executor_; }

    struct counters {
        std::uint64_t rx_pdus = 0, tx_pdus = 0, decode_errors = 0, nacks_sent = 0;
        std::uint64_t timeouts = 0, throttled_incoming = 0, writes = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    session(transport stream, role r, session_config cfg);

    struct queued {
        std::uint32_t seq;
        std::vector<std::uint8_t> bytes;
        response_handler handler;
    };

    asio::awaitable<void> read_loop();
    asio::awaitable<void> write_loop();
    asio::awaitable<void> timer_loop();

    void on_frame(std::span<const std::uint8_t> frame, const header& h);
    void on_response(const pdu& p);
    void on_bind_request(const pdu& p);
    void enqueue(const pdu& p);
    bool post_encoded(std::uint32_t seq, std::span<const std::uint8_t> bytes, response_handler h);
    void pump_backlog();
    void send_nack(std::uint32_t seq, command_status st);
    void send_probe();
    void close_after_flush(const error_code& why);
    void linger_then_close();
    void linger_check();
    void wake(asio::steady_timer& t) noexcept;
    std::uint32_t next_sequence() noexcept;

    asio::any_io_executor executor_;
    transport io_;
    role role_;
    session_config cfg_;
    session_handler* handler_ = nullptr;
    bind_state state_ = bind_state::open;
    std::string remote_;
    tcp::endpoint remote_ep_;

    framer framer_;
    std::vector<std::uint8_t> out_;      // encoded, waiting for the writer
    std::vector<std::uint8_t> writing_;  // being written
    asio::steady_timer write_signal_;    // wakes the writer
    asio::steady_timer tick_;            // keepalive, expiry, bind timeout
    // Condition signals: their expiry stays at time_point::max() and only
    // wake() (cancel) completes a wait. Never re-arm them with expires_*():
    // that cancels every other waiter, and two waiters re-arming in turn
    // spin the event loop at 100% CPU.
    asio::steady_timer window_signal_;   // wakes wait_for_window / unbind drain
    asio::steady_timer written_signal_;  // wakes the reader paused on write_high_water
    window<response_handler> window_;
    std::deque<queued> backlog_;
    keepalive keepalive_;
    clock::time_point bind_deadline_;
    std::uint32_t seq_ = 0;
    std::size_t incoming_pending_ = 0;
    bool draining_ = false;        // unbind in progress: no new requests
    bool flush_then_close_ = false;
    // Unbind exchanged, socket kept open until both sides' requests sent
    // before it are answered (bounded by linger_deadline_).
    bool lingering_ = false;
    clock::time_point linger_deadline_;
    error_code close_reason_;
    counters stats_;
};

template <class Token> auto session::async_request(const pdu& req, Token&& token) {
    return asio::async_initiate<Token, void(error_code, owned_pdu)>(
        [this](auto handler, const pdu& r) {
            // response_handler must be copyable; asio handlers are move-only.
            auto h = std::make_shared<decltype(handler)>(std::move(handler));
            send_request(r, [h](const error_code& ec, const pdu* resp) {
                owned_pdu o = resp ? owned_pdu{*resp} : owned_pdu{};
                (*h)(ec, std::move(o));
            });
        },
        token, std::cref(req));
}

} // namespace twinsms::smpp
