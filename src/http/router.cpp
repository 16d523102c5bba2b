// The router and the request/response helpers: no Beast here, so this file
// compiles in a second instead of fifteen.
#include <algorithm>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/pct_string_view.hpp>

#include "http/server.hpp"
#include "util/log.hpp"

namespace twinsms::http {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
           });
}

// "/a/b/" -> {"a", "b", ""}: a trailing slash is a segment of its own, so
// "/api/v1/status/" is not "/api/v1/status" (no silent aliases).
std::vector<std::string_view> split(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

// %XX undone (Boost.URL); false for a malformed escape (the path then
// matches nothing). Other characters are taken as they come.
bool percent_decode(std::string_view in, std::string& out) {
    const auto pct = boost::urls::make_pct_string_view(in);
    if (!pct) return false;
    out = pct->decode();
    return true;
}

bool is_param(std::string_view seg) noexcept { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

} // namespace

std::string_view request::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

bool request::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

response json_response(unsigned status, std::string body) {
    response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

response json_error(unsigned status, std::string_view code, std::string_view message) {
    boost::json::value v = {{"error", {{"code", code}, {"message", message}}}};
    return json_response(status, boost::json::serialize(v));
}

void router::add(std::string method, std::string_view pattern, handler h) {
    route r{std::move(method), {}, std::move(h), {}};
    for (auto seg : split(pattern)) r.segments.emplace_back(seg);
    routes_.push_back(std::move(r));
}

void router::add_async(std::string method, std::string_view pattern, async_handler h) {
    route r{std::move(method), {}, {}, std::move(h)};
    for (auto seg : split(pattern)) r.segments.emplace_back(seg);
    routes_.push_back(std::move(r));
}

// The route for `req` and its parameters, or the answer when there is none.
struct router::match_result {
    const route* r = nullptr;
    path_params params;
    response refusal;
};

router::match_result router::match(const request& req) const {
    const auto segs = split(req.path);
    std::vector<std::string_view> allowed; // methods of the routes whose path matched
    for (const auto& r : routes_) {
        if (r.segments.size() != segs.size()) continue;
        path_params params;
        bool match = true;
        for (std::size_t i = 0; match && i < segs.size(); ++i) {
            if (is_param(r.segments[i])) {
                std::string value;
                match = !segs[i].empty() && percent_decode(segs[i], value) && !value.empty();
                if (match) params.emplace(r.segments[i].substr(1, r.segments[i].size() - 2), std::move(value));
            } else {
                match = r.segments[i] == segs[i];
            }
        }
        if (!match) continue;
        if (r.method != req.method) {
            if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end()) allowed.push_back(r.method);
            continue;
        }
        return {&r, std::move(params), {}};
    }
    if (!allowed.empty()) {
        std::string allow;
        for (auto m : allowed) (allow += allow.empty() ? "" : ", ") += m;
        auto r = json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
        r.headers.emplace_back("Allow", allow);
        return {nullptr, {}, std::move(r)};
    }
    return {nullptr, {}, json_error(404, "not_found", "no such path: " + req.path)};
}

namespace {

response handler_failed(const request& req, const std::exception& e) {
    log::error("http", "handler_failed").kv("method", req.method).kv("path", req.path).kv("error", e.what());
    return json_error(500, "internal_error", "the request failed inside the node; see its log");
}

response unanswered(std::string_view method, std::string_view path) {
    log::error("http", "handler_failed").kv("method", method).kv("path", path).kv("error", "no answer");
    return json_error(500, "internal_error", "the request got no answer inside the node; see its log");
}

// One answer for an async handler: the first reply wins, and dropping every
// copy of the reply function unanswered answers 500.
template <class Complete> class pending_reply {
public:
    pending_reply(Complete c, const request& req) : complete_{std::move(c)}, method_{req.method}, path_{req.path} {}
    ~pending_reply() {
        if (!done_) complete_(unanswered(method_, path_));
    }
    void reply(response r) {
        if (std::exchange(done_, true)) return;
        complete_(std::move(r));
    }

private:
    Complete complete_;
    std::string method_, path_;
    bool done_ = false;
};

} // namespace

response router::dispatch(const request& req) const {
    auto m = match(req);
    if (!m.r) return std::move(m.refusal);
    try {
        if (m.r->h) return m.r->h(req, m.params);
        std::optional<response> got;
        m.r->ah(req, m.params, [&got](response r) {
            if (!got) got = std::move(r);
        });
        return got ? std::move(*got) : unanswered(req.method, req.path);
    } catch (const std::exception& e) {
        return handler_failed(req, e);
    }
}

asio::awaitable<response> router::dispatch_async(const request& req) const {
    auto m = match(req);
    if (!m.r) co_return std::move(m.refusal);
    if (m.r->h) {
        try {
            co_return m.r->h(req, m.params);
        } catch (const std::exception& e) {
            co_return handler_failed(req, e);
        }
    }
    // A copy: routes may be added while this request waits.
    const async_handler h = m.r->ah;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(response)>(
        [&](auto done) {
            // A reply inside the handler's own call is posted (the request's
            // coroutine is not suspended yet). A later one, the send API's
            // after the store's commit, already runs from the executor's
            // queue: it resumes the request at once, which saves a second
            // trip through the queue per request.
            auto later = std::make_shared<bool>(false);
            auto complete = [done = std::make_shared<decltype(done)>(std::move(done)), later](response r) mutable {
                auto ex = asio::get_associated_executor(*done);
                auto go = [d = std::move(*done), r = std::move(r)]() mutable { std::move(d)(std::move(r)); };
                if (*later) asio::dispatch(ex, std::move(go));
                else asio::post(ex, std::move(go));
            };
            auto p = std::make_shared<pending_reply<decltype(complete)>>(std::move(complete), req);
            try {
                h(req, m.params, [p](response r) { p->reply(std::move(r)); });
            } catch (const std::exception& e) {
                p->reply(handler_failed(req, e));
            }
            *later = true;
        },
        asio::use_awaitable);
}

} // namespace twinsms::http
