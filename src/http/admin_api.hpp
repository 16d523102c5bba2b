#pragma once
// The node's admin API: status and cluster/profile commands over HTTP,
// protected by a Bearer token (config: node.yaml admin.listen, admin.token).
//
//   GET  /api/v1/health                          no token; {"status":"ok"}
//   GET  /api/v1/status                          admin_backend::status()
//   POST /api/v1/cluster/{switchover,takeover,failback}
//   POST /api/v1/reload
//   POST /api/v1/profiles/{name}/{activate,deactivate}
//   GET  /metrics                                Prometheus text (app/node_metrics.hpp; twinsmsd adds it)
//
// Commands answer what the backend says: 200 {"result":"ok","message":...}
// or an error such as 404 unknown_profile, 409 conflict. A missing token is
// 401 unauthorized, a wrong one 403 forbidden. twinsmsctl is the client.
// Accepted tokens: the node's admin.token, and a client account's API token
// with the admin role (from a source the account allows), so an operator's
// account can run the pair without the node secret.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "config/cluster.hpp"
#include "guard/credential_guard.hpp"
#include "http/server.hpp"

namespace twinsms::http {

struct admin_reply {
    unsigned status = 200;
    boost::json::value body;
};

// What the node supplies. Called on the server's executor (the node's
// thread), one call at a time.
class admin_backend {
public:
    virtual ~admin_backend() = default;
    virtual boost::json::object status() = 0; // GET /api/v1/status
    // verbs: "switchover" "takeover" "failback" "reload" (profile empty) and
    // "activate" "deactivate" (profile = the profile name)
    virtual admin_reply command(std::string_view verb, std::string_view profile) = 0;
    // The client account whose API token this is, if the token has the admin
    // role and the account allows `remote`; nullopt otherwise (no accounts).
    virtual std::optional<std::string> admin_account(std::string_view /*token*/,
                                                     const boost::asio::ip::address& /*remote*/) {
        return std::nullopt;
    }
    // The node's credential guard: a wrong token counts against the
    // caller's address; null: no guard.
    virtual guard::credential_guard* login_guard() { return nullptr; }
};

// Helpers for backends, so every reply has the same shape.
admin_reply admin_ok(std::string_view message);
admin_reply admin_error(unsigned status, std::string_view code, std::string_view message);

// Adds the endpoints above to `r`. `token` is copied; `backend` is used by
// reference and must outlive the router.
void add_admin_routes(router& r, std::string token, admin_backend& backend);

// The admin endpoints' Bearer token check, for more endpoints on the same
// listener (/metrics): nullopt when `req` carries `token` or an admin-role
// account token `accounts` knows, else the refusal to send (401
// unauthorized with WWW-Authenticate, 403 forbidden, or 429 from the
// backend's login_guard() after repeated wrong tokens from the address).
std::optional<response> check_admin_token(const request& req, std::string_view token,
                                          admin_backend* accounts = nullptr);

// Equal contents in a time that depends only on `expected`'s length, so a
// caller cannot find the token byte by byte by timing 403s.
bool constant_time_equal(std::string_view given, std::string_view expected) noexcept;

// The admin API server the node owns: an http::server on admin.listen with
// the admin routes. Without admin.listen it is disabled: start() and stop()
// do nothing.
class admin_http {
public:
    admin_http(asio::any_io_executor ex, const config::admin_settings& settings, admin_backend& backend);
    ~admin_http();

    bool enabled() const noexcept { return server_ != nullptr; }
    // Throws boost::system::system_error if admin.listen is unusable.
    void start();
    asio::awaitable<void> stop();
    // Only when enabled() (and after start()).
    tcp::endpoint local_endpoint() const;
    // More endpoints for the same listener (send API, /metrics, ...);
    // only when enabled().
    router& routes() noexcept { return server_->routes(); }
    // HTTPS handshakes that failed; 0 when plain or not enabled.
    std::uint64_t tls_failures() const noexcept { return server_ ? server_->tls_failures() : 0; }
    // The HTTPS context; null when plain or not enabled.
    const asio::ssl::context* tls_context() const noexcept { return server_ ? server_->tls_context().get() : nullptr; }
    // Responses by HTTP status code; null when not enabled.
    const metrics::status_counts* responses() const noexcept { return server_ ? &server_->responses() : nullptr; }

private:
    std::unique_ptr<server> server_;
};

} // namespace twinsms::http
