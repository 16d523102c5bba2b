// The send API's endpoints: credentials and roles first, then the pure
// parsing (send_request.cpp, sendsms_form.cpp), then one backend call.
#include <algorithm>
#include <memory>
#include <random>

#include <boost/json/serialize.hpp>

#include "http/login_guard.hpp"
#include "http/send_api.hpp"
#include "util/log.hpp"

namespace twinsms::http {
namespace {

namespace json = boost::json;

enum class role { send, read };

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char p, char c) {
               return p == (c >= 'A' && c <= 'Z' ? c + 32 : c);
           });
}

// The media type of a Content-Type value, lower-cased, without parameters.
std::string media_type(std::string_view v) {
    std::string t{v.substr(0, v.find(';'))};
    while (!t.empty() && t.back() == ' ') t.pop_back();
    for (auto& c : t) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return t;
}

// The caller of a JSON endpoint, or the refusal: 401 without a Bearer token
// or with one no account has (RFC 6750 invalid_token), 403 without the role.
std::variant<api_caller, response> authenticate(const request& req, send_backend& b, role needed) {
    const auto h = req.header("authorization");
    if (!starts_with_ci(h, "bearer ")) {
        log::warn("send_api", "unauthorized").kv("remote", req.remote).kv("path", req.path)
            .kv("reason", h.empty() ? "no Authorization header" : "not a Bearer token");
        auto r = json_error(401, "unauthorized", "this endpoint needs Authorization: Bearer <account token>");
        r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="twinsms")");
        return r;
    }
    auto* const g = b.login_guard();
    if (const auto v = login_check(g, guard::door::api, req, {}); v != guard::verdict::allow)
        return too_many_failures(*g, v);
    auto token = h.substr(7);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    auto who = b.by_token(token);
    if (who) login_succeeded(g, guard::door::api, req, who->system_id);
    if (!who) {
        log::warn("send_api", "unauthorized").kv("remote", req.remote).kv("path", req.path).kv("reason", "unknown token");
        login_failed(g, guard::door::api, req, {}, "send_api");
        auto r = json_error(401, "invalid_token", "no account has this token");
        r.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="twinsms", error="invalid_token")");
        return r;
    }
    if ((needed == role::send && !who->send) || (needed == role::read && !who->read)) {
        const char* name = needed == role::send ? "send" : "read";
        log::warn("send_api", "forbidden").kv("remote", req.remote).kv("path", req.path).kv("account", who->system_id)
            .kv("missing_role", name);
        return json_error(403, "forbidden", std::string{"this token has no "} + name + " role");
    }
    if (!b.source_allowed(*who, req.remote_address)) {
        log::warn("send_api", "forbidden").kv("remote", req.remote).kv("path", req.path).kv("account", who->system_id)
            .kv("reason", "source address not allowed");
        return json_error(403, "source_not_allowed",
                          "account " + who->system_id + " does not accept requests from " + req.remote_address.to_string());
    }
    return *who;
}

json::object submitted_body(const send_job& job, const submit_result& r) {
    json::array messages;
    for (std::size_t i = 0; i < job.to.size() && i < r.ids.size(); ++i) {
        json::array ids;
        for (const auto& id : r.ids[i]) ids.emplace_back(id);
        messages.push_back(json::object{{"to", job.to[i].given}, {"message_ids", std::move(ids)}});
    }
    return {{"messages", std::move(messages)},
            {"parts", job.parts.count()},
            {"encoding", sms::to_string(job.parts.c)}};
}

// Kannel's answers to what the backend refused: 403 for what will never
// pass (not routable), 503 for what may pass later.
response kannel_refusal(const api_error& e) {
    if (e.status == 422 && e.code == "unroutable") return kannel_response(403, "Not routable. Do not try again.");
    if (e.status == 422) return kannel_response(403, e.message); // a sender the account may not use
    if (e.status >= 500 || e.status == 429) return kannel_response(503, "Temporal failure, try again later.");
    return kannel_response(e.status, e.message);
}

std::uint8_t next_ref(const std::shared_ptr<std::uint8_t>& ref) { return ++*ref; }

void send_json(send_backend& b, const request& req, std::uint8_t ref, reply_fn reply) {
    auto who = authenticate(req, b, role::send);
    if (auto* refusal = std::get_if<response>(&who)) return reply(std::move(*refusal));
    const auto type = media_type(req.header("content-type"));
    if (type != "application/json")
        return reply(json_error(415, "unsupported_media_type",
                                "the body is JSON: send Content-Type: application/json" +
                                    (type.empty() ? std::string{} : ", not " + type)));
    auto parsed = parse_send_request(req.body, ref);
    if (auto* e = std::get_if<api_error>(&parsed)) return reply(to_response(*e));
    auto job = std::get<send_job>(std::move(parsed));
    const auto caller = std::get<api_caller>(who);
    auto shown = std::make_shared<send_job>(job); // for the answer; the backend takes the job
    b.submit(caller, std::move(job), [reply, shown](submit_result r) {
        if (r.error) return reply(to_response(*r.error));
        reply(json_response(202, json::serialize(submitted_body(*shown, r))));
    });
}

void send_kannel(send_backend& b, const request& req, std::uint8_t ref, reply_fn reply) {
    std::string form = req.query;
    if (req.method == "POST") {
        const auto type = media_type(req.header("content-type"));
        if (type != "application/x-www-form-urlencoded")
            return reply(kannel_response(415, "Unsupported content-type, rejected"));
        if (!form.empty() && !req.body.empty()) form += '&';
        form += req.body;
    }
    auto f = parse_sendsms_form(form, ref);
    auto* const g = b.login_guard();
    const bool known = b.has_login(f.username);
    switch (const auto v = login_check(g, guard::door::sendsms, req, f.username)) {
    case guard::verdict::allow: break;
    // Answered like a wrong password: another answer would tell a guesser
    // that the username exists.
    case guard::verdict::account_locked:
        log::warn("send_api", "sendsms_refused").kv("remote", req.remote).kv("username", f.username)
            .kv("reason", "account locked after repeated failed logins");
        return reply(kannel_response(403, "Authorization failed for sendsms"));
    default: {
        auto r = kannel_response(429, "Too many failed logins, try again later");
        r.headers = too_many_failures(*g, v).headers; // Retry-After
        return reply(std::move(r));
    }
    }
    const auto who = b.by_login(f.username, f.password);
    if (!who || !b.source_allowed(*who, req.remote_address)) {
        // Kannel answers a user-allow-ip refusal the same way.
        log::warn("send_api", "sendsms_refused").kv("remote", req.remote).kv("username", f.username)
            .kv("reason", who ? "source address not allowed" : known ? "wrong password" : "unknown username");
        // A wrong password counts against the account; an unknown name or a
        // refused source (the password was right) only against the address.
        login_failed(g, guard::door::sendsms, req, !who && known ? f.username : std::string_view{}, "send_api");
        return reply(kannel_response(403, "Authorization failed for sendsms"));
    }
    login_succeeded(g, guard::door::sendsms, req, who->system_id);
    if (f.error) return reply(kannel_response(f.error->status, f.error->message));
    b.submit(*who, std::move(f.job), [reply](submit_result r) {
        if (r.error) return reply(kannel_refusal(*r.error));
        auto res = kannel_response(202, "0: Accepted for delivery");
        std::string ids;
        for (const auto& per_dest : r.ids)
            for (const auto& id : per_dest) (ids += ids.empty() ? "" : " ") += id;
        res.headers.emplace_back("X-Twinsms-Message-Ids", ids);
        reply(std::move(res));
    });
}

} // namespace

void add_send_routes(router& r, send_backend& b) {
    // The concatenation reference of the next long message: any start will
    // do, a random one makes a restart unlikely to reuse a recent one.
    auto ref = std::make_shared<std::uint8_t>(static_cast<std::uint8_t>(std::random_device{}()));
    r.add_async("POST", "/api/v1/messages", [&b, ref](const request& req, const path_params&, reply_fn reply) {
        send_json(b, req, next_ref(ref), std::move(reply));
    });
    r.add("GET", "/api/v1/messages/{id}", [&b](const request& req, const path_params& p) -> response {
        auto who = authenticate(req, b, role::read);
        if (auto* refusal = std::get_if<response>(&who)) return std::move(*refusal);
        auto doc = b.message(std::get<api_caller>(who), p.at("id"));
        if (auto* e = std::get_if<api_error>(&doc)) return to_response(*e);
        return json_response(200, json::serialize(std::get<json::object>(doc)));
    });
    r.add("GET", "/api/v1/messages", [&b](const request& req, const path_params&) -> response {
        auto who = authenticate(req, b, role::read);
        if (auto* refusal = std::get_if<response>(&who)) return std::move(*refusal);
        auto q = parse_search_query(req.query);
        if (auto* e = std::get_if<api_error>(&q)) return to_response(*e);
        auto doc = b.search(std::get<api_caller>(who), std::get<search_query>(q));
        if (auto* e = std::get_if<api_error>(&doc)) return to_response(*e);
        return json_response(200, json::serialize(std::get<json::object>(doc)));
    });
    for (const char* method : {"GET", "POST"})
        r.add_async(method, "/cgi-bin/sendsms", [&b, ref](const request& req, const path_params&, reply_fn reply) {
            send_kannel(b, req, next_ref(ref), std::move(reply));
        });
}

} // namespace twinsms::http
