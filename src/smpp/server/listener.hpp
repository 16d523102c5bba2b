#pragma once
// The SMPP listener for client applications (ESMEs): accepts connections,
// authenticates binds against the account table, enforces per-account
// throughput limits, and hands allowed requests to the application.
#include <functional>
#include <map>
#include <set>
#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "smpp/server/account.hpp"
#include "smpp/server/authenticator.hpp"
#include "smpp/session/session.hpp"
#include "util/token_bucket.hpp"

namespace twinsms::smpp {

struct listener_config {
    asio::ip::tcp::endpoint endpoint{asio::ip::make_address("127.0.0.1"), 2775};
    session_config session{};   // template for every client session
    // The node's credential guard, shared by all its listeners (plain, TLS,
    // the second path) and its other doors; null: one of its own with `guard_config`.
    std::shared_ptr<guard::credential_guard> guard;
    guard::credential_guard_config guard_config{};
    std::size_t max_connections = 10'000;
    // What a submission costs against the account's throughput limit: the
    // SMS it becomes (parts of a long message_payload, destinations of a
    // submit_multi). Unset: 1 per request.
    std::function<double(const pdu&)> cost;
    // Told of every submission answered ESME_RTHROTTLED for the account's
    // limit (per account figures); may be unset.
    std::function<void(const client_account&)> on_throttled;
    // SMPP over TLS: every connection handshakes first (bounded by
    // handshake_timeout, counted against max_connections meanwhile).
    std::shared_ptr<asio::ssl::context> tls;
    std::chrono::milliseconds handshake_timeout{10'000};
};

class client_listener final : public session_handler {
public:
    // Receives every request a bound client may send (submit_sm, data_sm,
    // query_sm, ...), after the throughput check. It must answer through
    // session::respond, now or later.
    using request_fn = std::function<void(session&, const client_account&, const pdu&)>;
    using bound_fn = std::function<void(session&, const client_account&)>;

    client_listener(asio::any_io_executor ex, listener_config cfg, std::shared_ptr<const account_table> accounts,
                    request_fn on_request);
    ~client_listener() override;

    // Binds and listens; throws boost::system::system_error if the address is unusable.
    void start();
    asio::ip::tcp::endpoint local_endpoint() const;
    // Stops accepting and unbinds every client gracefully.
    asio::awaitable<void> stop();

    // Reload: new binds see the new table; bound sessions keep their account
    // until they rebind.
    void set_accounts(std::shared_ptr<const account_table> accounts) { accounts_ = std::move(accounts); }
    void on_bound_session(bound_fn f) { on_bound_ = std::move(f); }

    // Bound sessions of an account that may receive deliver_sm (rx or trx).
    std::vector<std::shared_ptr<session>> receivers_of(std::string_view system_id) const;
    // Every bound session of an account, with its bind state.
    std::vector<std::shared_ptr<session>> sessions_of(std::string_view system_id) const;
    // Unbinds (gracefully: their in-progress requests are answered first)
    // the sessions whose account the current table no longer has active,
    // e.g. a profile the cluster deactivated; returns how many are left.
    std::size_t unbind_inactive();
    std::size_t session_count() const noexcept { return clients_.size(); }
    bool secure() const noexcept { return cfg_.tls != nullptr; }
    // Reload: new TLS connections use `ctx` (a renewed certificate); no-op when plain.
    void set_tls(std::shared_ptr<asio::ssl::context> ctx) {
        if (cfg_.tls && ctx) cfg_.tls = std::move(ctx);
    }
    std::uint64_t tls_failures() const noexcept { return tls_failures_; }
    // The context new TLS connections get (null when plain): its certificate's expiry for /metrics.
    const std::shared_ptr<asio::ssl::context>& tls_context() const noexcept { return cfg_.tls; }
    std::size_t handshakes_in_progress() const noexcept { return handshakes_.size(); }
    std::uint64_t throttled_count() const noexcept { return throttled_; }
    guard::credential_guard& guard() noexcept { return auth_.guard(); }

private:
    struct client {
        std::shared_ptr<session> s;
        const client_account* account = nullptr; // into accounts_at_bind
        std::shared_ptr<const account_table> accounts_at_bind;
        token_bucket* bucket = nullptr; // the account's, in buckets_
    };

    asio::awaitable<void> accept_loop();
    asio::awaitable<void> secure_then_start(asio::ip::tcp::socket sock);
    void start_session(transport t);
    void close_handshakes();
    command_status on_bind(session& s, bind_type t, const bind_params& p) override;
    void on_request(session& s, const pdu& req) override;
    void on_closed(session& s, const error_code& why) override;
    unsigned binds_of(const client_account& a) const;

    asio::any_io_executor executor_;
    listener_config cfg_;
    std::shared_ptr<const account_table> accounts_;
    request_fn on_request_;
    bound_fn on_bound_;
    asio::ip::tcp::acceptor acceptor_;
    asio::steady_timer stopped_; // cancelled when the last client is gone during stop()
    authenticator auth_;
    std::map<session*, client> clients_;
    std::set<session*> unbinding_; // unbind_inactive() started these
    // TLS handshakes in progress: each the socket being handshaken (for stop()).
    std::set<asio::ip::tcp::socket**> handshakes_;
    std::uint64_t tls_failures_ = 0;
    // One throughput allowance per account, shared by all of its binds: the
    // limit is the account's, and a client must not multiply it by opening
    // more binds. Kept after the last unbind (one entry per account that
    // ever bound), so reconnecting does not refill it either.
    std::map<std::string, token_bucket, std::less<>> buckets_;
    std::uint64_t throttled_ = 0;
    bool stopping_ = false;
    std::shared_ptr<void> alive_ = std::make_shared<int>(0); // expires with us; see accept_loop()
};

} // namespace twinsms::smpp
