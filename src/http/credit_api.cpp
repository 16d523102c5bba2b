// The credit endpoints (http/credit_api.hpp).
#include "http/credit_api.hpp"

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
