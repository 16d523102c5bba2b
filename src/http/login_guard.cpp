#include "http/login_guard.hpp"

#include "util/log.hpp"

namespace twinsms::http {

guard::verdict login_check(guard::credential_guard* g, guard::door d, const request& req, std::string_view account) {
    if (g == nullptr) return guard::verdict::allow;
    const auto v = g->check(d, req.remote_address, account, guard::clock::now());
    // debug: a flood would otherwise be a flood of log lines too (the
    // counts are on /metrics; the block's start is a warning).
    if (v != guard::verdict::allow)
        log::debug("http", "login_refused").kv("door", guard::door_name(d)).kv("remote", req.remote)
            .kv("account", account).kv("verdict", guard::verdict_name(v));
    return v;
}

void login_failed(guard::credential_guard* g, guard::door d, const request& req, std::string_view account,
                  std::string_view component) {
    if (g == nullptr) return;
    const auto started = g->failed(d, req.remote_address, account, guard::clock::now());
    if (started != guard::verdict::allow)
        log::warn(component, "auth_guard").kv("door", guard::door_name(d)).kv("remote", req.remote)
            .kv("account", account).kv("started", guard::verdict_name(started));
}

void login_succeeded(guard::credential_guard* g, guard::door d, const request& req, std::string_view account) {
    if (g != nullptr) g->succeeded(d, req.remote_address, account, guard::clock::now());
}

response too_many_failures(const guard::credential_guard& g, guard::verdict v) {
    auto r = json_error(429, "too_many_failures",
                        v == guard::verdict::overloaded
                            ? "too many failed logins from too many addresses; try again later"
                            : "too many failed logins from this address; try again later");
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
        v == guard::verdict::overloaded ? g.config().window : g.config().block_for);
    r.headers.emplace_back("Retry-After", std::to_string(std::max<long long>(1, secs.count())));
    return r;
}

} // namespace twinsms::http
