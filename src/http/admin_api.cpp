// The admin endpoints: token check, then one backend call each.
#include "http/admin_api.hpp"
#include "util/secret_equal.hpp"

#include <algorithm>
#include <optional>

#include <boost/json/serialize.hpp>

#include "http/login_guard.hpp"
#include "http/status_page.hpp"
#include "util/log.hpp"

namespace twinsms::http {
namespace {

namespace json = boost::json;

response to_response(admin_reply&& reply) {
    // Tolerate a backend that forgot the body: callers rely on JSON.
    if (reply.body.is_null()) {
        if (reply.status < 400) return json_response(reply.status, R"({"result":"ok"})");
        return json_error(reply.status, "error", "the node gave no details");
    }
    return json_response(reply.status, json::serialize(reply.body));
}

} // namespace

// Bearer token, or why not: 401 for no usable credentials (the client
// should send some), 403 for credentials that are wrong (sending them
// again will not help).
std::optional<response> check_admin_token(const request& req, std::string_view token, admin_backend* accounts) {
    const auto h = req.header("authorization");
    constexpr std::string_view scheme = "bearer ";
    const bool bearer = h.size() > scheme.size() && std::equal(scheme.begin(), scheme.end(), h.begin(), [](char s, char c) {
                            return s == (c >= 'A' && c <= 'Z' ? c + 32 : c);
                        });
    if (!bearer) {
        log::warn("admin", "unauthorized").kv("remote", req.remote).kv("path", req.path)
            .kv("reason", h.empty() ? "no Authorization header" : "not a Bearer token");
        auto r = json_error(401, "unauthorized", "this endpoint needs Authorization: Bearer <admin token>");
        r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="twinsms")");
        return r;
    }
    auto* const g = accounts ? accounts->login_guard() : nullptr;
    // A blocked address is refused before its token is compared.
    if (const auto v = login_check(g, guard::door::admin, req, {}); v != guard::verdict::allow)
        return too_many_failures(*g, v);
    auto given = h.substr(scheme.size());
    while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
    while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
    if (constant_time_equal(given, token)) {
        login_succeeded(g, guard::door::admin, req, {});
        return std::nullopt;
    }
    if (accounts != nullptr) {
        if (auto who = accounts->admin_account(given, req.remote_address)) {
            login_succeeded(g, guard::door::admin, req, *who);
            // debug: the status page polls; commands are logged with their verb.
            log::debug("admin", "account_admin").kv("account", *who).kv("remote", req.remote).kv("method", req.method)
                .kv("path", req.path);
            return std::nullopt;
        }
    }
    log::warn("admin", "forbidden").kv("remote", req.remote).kv("path", req.path).kv("reason", "wrong token");
    login_failed(g, guard::door::admin, req, {}, "admin");
    return json_error(403, "forbidden", "the admin token is not valid");
}

bool constant_time_equal(std::string_view given, std::string_view expected) noexcept {
    return secret_equal(given, expected);
}

admin_reply admin_ok(std::string_view message) {
    return {200, json::object{{"result", "ok"}, {"message", message}}};
}

admin_reply admin_error(unsigned status, std::string_view code, std::string_view message) {
    return {status, json::object{{"error", json::object{{"code", code}, {"message", message}}}}};
}

void add_admin_routes(router& r, std::string token, admin_backend& backend) {
    r.add("GET", "/api/v1/health", [](const request&, const path_params&) {
        return json_response(200, R"({"status":"ok"})");
    });
    // Every other route: token first, then the backend.
    auto guarded = [token = std::move(token), &backend](auto fn) {
        return [token, fn, &backend](const request& req, const path_params& p) -> response {
            if (auto refused = check_admin_token(req, token, &backend)) return *refused;
            return fn(req, p);
        };
    };
    r.add("GET", "/api/v1/status", guarded([&backend](const request&, const path_params&) {
              return json_response(200, json::serialize(backend.status()));
          }));
    auto command = [&backend](std::string verb, bool with_profile) {
        return [&backend, verb = std::move(verb), with_profile](const request& req, const path_params& p) {
            const std::string_view profile = with_profile ? std::string_view{p.find("name")->second} : "";
            auto reply = backend.command(verb, profile);
            log::info("admin", "command").kv("verb", verb).kv("profile", profile).kv("remote", req.remote)
                .kv("status", reply.status);
            return to_response(std::move(reply));
        };
    };
    for (const char* verb : {"switchover", "takeover", "failback"})
        r.add("POST", std::string{"/api/v1/cluster/"} + verb, guarded(command(verb, false)));
    r.add("POST", "/api/v1/reload", guarded(command("reload", false)));
    r.add("POST", "/api/v1/profiles/{name}/activate", guarded(command("activate", true)));
    r.add("POST", "/api/v1/profiles/{name}/deactivate", guarded(command("deactivate", true)));
}

admin_http::admin_http(asio::any_io_executor ex, const config::admin_settings& settings, admin_backend& backend) {
    if (!settings.listen) return;
    server_config cfg;
    cfg.endpoint = *settings.listen;
    cfg.log_component = "admin";
    // Operators, scripts and client applications (the send API), not the
    // public. Commands carry a few KiB; a send API request of 255 GSM parts
    // (39 015 septets) fits in 64 KiB.
    cfg.max_connections = settings.max_connections;
    cfg.max_body_bytes = 64 * 1024;
    cfg.read_timeout = settings.request_timeout;
    if (settings.tls) {
        cfg.tls = tls::server_context(*settings.tls); // throws tls::setup_error: the node cannot start
        cfg.handshake_timeout = settings.tls->handshake_timeout;
    }
    server_ = std::make_unique<server>(ex, cfg);
    add_admin_routes(server_->routes(), settings.token, backend);
    add_status_page(server_->routes()); // public page; its data comes from the routes above
}

admin_http::~admin_http() = default;

void admin_http::start() {
    if (server_) server_->start();
}

asio::awaitable<void> admin_http::stop() {
    if (server_) co_await server_->stop();
}

tcp::endpoint admin_http::local_endpoint() const { return server_->local_endpoint(); }

} // namespace twinsms::http
