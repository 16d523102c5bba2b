// The router and the request/response helpers: no Beast here, so this file
// compiles in a second instead of fifteen.
#include <algorithm>
#include <exception>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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

int hex(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX undone; false for a malformed escape (the path then matches nothing).
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
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
    route r{std::move(method), {}, std::move(h)};
    for (auto seg : split(pattern)) r.segments.emplace_back(seg);
    routes_.push_back(std::move(r));
}

response router::dispatch(const request& req) const {
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
        try {
            return r.h(req, params);
        } catch (const std::exception& e) {
            log::error("http", "handler_failed").kv("method", req.method).kv("path", req.path).kv("error", e.what());
            return json_error(500, "internal_error", "the request failed inside the node; see its log");
        }
    }
    if (!allowed.empty()) {
        std::string allow;
        for (auto m : allowed) (allow += allow.empty() ? "" : ", ") += m;
        auto r = json_error(405, "method_not_allowed", req.method + " is not allowed on " + req.path);
        r.headers.emplace_back("Allow", allow);
        return r;
    }
    return json_error(404, "not_found", "no such path: " + req.path);
}

} // namespace twinsms::http
