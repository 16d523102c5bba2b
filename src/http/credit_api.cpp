// The credit endpoints (http/credit_api.hpp).
#include "http/credit_api.hpp"

#include <charconv>
#include <cmath>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/log.hpp"

namespace twinsms::http {
namespace {

namespace json = boost::json;

constexpr std::int64_t unit = 1'000'000;
constexpr std::int64_t max_amount = std::int64_t{1'000'000'000} * unit; // a billion: beyond any real account

response of_state(std::string_view client, const credit_state& s) {
    json::object o{{"client", client},
                   {"mode", s.count ? "count" : "balance"},
                   {"balance", static_cast<double>(s.balance) / unit},
                   {"balance_micro", s.balance},
                   {"price", static_cast<double>(s.price) / unit},
                   {"price_micro", s.price},
                   {"refund_failures", s.refund_failures}};
    return json_response(200, json::serialize(o));
}

response of_reply(const admin_reply& r) { return json_response(r.status, json::serialize(r.body)); }

std::optional<std::int64_t> amount_of(const json::value& v) {
    if (v.is_string()) return parse_amount(v.as_string());
    if (v.is_int64() || v.is_uint64() || v.is_double()) {
        const double d = v.to_number<double>();
        const double scaled = std::round(d * unit);
        if (std::fabs(d * unit - scaled) > 1e-3 || std::fabs(scaled) > static_cast<double>(max_amount)) return std::nullopt;
        return static_cast<std::int64_t>(scaled);
    }
    return std::nullopt;
}

} // namespace

std::string format_amount(std::int64_t micro) {
    const bool negative = micro < 0;
    const auto a = negative ? -static_cast<unsigned long long>(micro) : static_cast<unsigned long long>(micro);
    std::string out = (negative ? "-" : "") + std::to_string(a / unit);
    if (auto frac = a % unit) {
        std::string f = std::to_string(frac + unit).substr(1); // six digits, leading zeros kept
        while (f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out;
}

std::optional<std::int64_t> parse_amount(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) negative = s[0] == '-', s.remove_prefix(1);
    const auto dot = s.find('.');
    const auto whole = s.substr(0, dot);
    const auto frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() || frac.size() > 6 || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
    std::int64_t w = 0, f = 0;
    if (auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w); ec != std::errc{} || p != whole.data() + whole.size())
        return std::nullopt;
    if (!frac.empty()) {
        if (auto [p, ec] = std::from_chars(frac.data(), frac.data() + frac.size(), f); ec != std::errc{} || p != frac.data() + frac.size())
            return std::nullopt;
        for (auto n = frac.size(); n < 6; ++n) f *= 10;
    }
    if (w > max_amount / unit) return std::nullopt;
    const auto v = w * unit + f;
    return negative ? -v : v;
}

void add_credit_routes(router& r, std::string token, admin_backend& auth, credit_backend& backend) {
    r.add("GET", "/api/v1/clients/{name}/credit", [token, &auth, &backend](const request& req, const path_params& p) {
        if (auto refused = check_admin_token(req, token, &auth)) return *refused;
        const auto& name = p.find("name")->second;
        auto s = backend.credit(name);
        if (auto* r = std::get_if<admin_reply>(&s)) return of_reply(*r);
        return of_state(name, std::get<credit_state>(s));
    });
    r.add_async("POST", "/api/v1/clients/{name}/credit",
                [token, &auth, &backend](const request& req, const path_params& p, reply_fn reply) {
        if (auto refused = check_admin_token(req, token, &auth)) return reply(std::move(*refused));
        boost::system::error_code ec;
        const auto v = json::parse(req.body, ec);
        const auto* o = !ec && v.is_object() ? &v.as_object() : nullptr;
        const auto* add = o ? o->if_contains("add") : nullptr;
        const auto* set = o ? o->if_contains("set") : nullptr;
        if (!o || o->size() != 1 || (!add && !set))
            return reply(json_error(400, "bad_request", R"(the body is {"add": AMOUNT} or {"set": AMOUNT})"));
        const auto amount = amount_of(add ? *add : *set);
        if (!amount || (set && *amount < 0))
            return reply(json_error(400, "bad_request", "AMOUNT: a number with at most six decimals (set: not negative)"));
        const std::string name = p.find("name")->second;
        log::info("admin", "credit_change").kv("client", name).kv(add ? "add" : "set", format_amount(*amount))
            .kv("remote", req.remote);
        backend.change_credit(name, set != nullptr, *amount, [reply, name](std::variant<credit_state, admin_reply> s) {
            if (auto* r = std::get_if<admin_reply>(&s)) return reply(of_reply(*r));
            reply(of_state(name, std::get<credit_state>(s)));
        });
    });
}

} // namespace twinsms::http
