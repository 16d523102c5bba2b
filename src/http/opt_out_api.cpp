// The opt-out endpoints (http/opt_out_api.hpp): token check, request shape,
// then one backend call.
#include "http/opt_out_api.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "http/send_api.hpp"
#include "util/log.hpp"

namespace twinsms::http {
namespace {

namespace json = boost::json;

constexpr std::size_t default_page = 1000, max_page = 10'000;
// A POST's numbers: 64 KiB of body holds about 3,500; twinsmsctl import
// sends 2,000 at a time.
constexpr std::size_t max_numbers = 10'000;

response reply_of(admin_reply&& r) {
    if (r.body.is_null()) return r.status < 400 ? json_response(r.status, R"({"result":"ok"})") : json_error(r.status, "error", "");
    return json_response(r.status, json::serialize(r.body));
}

// A list of numbers as strings, or why not.
std::optional<std::string> numbers(const json::object& o, std::string_view key, std::vector<std::string>& out) {
    const auto* v = o.if_contains(key);
    if (!v) return std::nullopt;
    if (!v->is_array()) return std::string{key} + ": expected an array of numbers (strings)";
    for (const auto& n : v->as_array()) {
        if (!n.is_string() || n.as_string().empty() || n.as_string().size() > 21)
            return std::string{key} + ": each number is a string of 1 to 21 characters";
        out.emplace_back(n.as_string());
    }
    return std::nullopt;
}

} // namespace

void add_opt_out_routes(router& r, std::string token, admin_backend& auth, opt_out_backend& backend) {
    r.add("GET", "/api/v1/clients/{name}/opt-outs", [token, &auth, &backend](const request& req, const path_params& p) {
        if (auto refused = check_admin_token(req, token, &auth)) return *refused;
        std::string after;
        std::size_t limit = default_page;
        const auto form = parse_form(req.query);
        if (!form) return json_error(400, "bad_request", "the query string has a malformed escape");
        for (const auto& [k, v] : *form) {
            if (k == "after") {
                after = v;
            } else if (k == "limit") {
                try {
                    const auto n = std::stoul(v);
                    if (n == 0 || n > max_page) throw std::out_of_range{"limit"};
                    limit = n;
                } catch (const std::exception&) {
                    return json_error(400, "bad_request", "limit: a number from 1 to " + std::to_string(max_page));
                }
            } else {
                return json_error(400, "bad_request", "unknown query parameter '" + k + "' (after, limit)");
            }
        }
        const auto& name = p.find("name")->second;
        auto list = backend.opt_outs(name, after, limit + 1); // one more: is there a next page?
        if (!list) return json_error(404, "unknown_client", "no client profile named '" + name + "'");
        json::array items;
        const bool more = list->size() > limit;
        if (more) list->resize(limit);
        for (const auto& e : *list)
            items.push_back(json::object{{"number", e.number}, {"at", format_rfc3339(e.at)}, {"via", e.via}});
        json::object o{{"client", name}, {"opt_outs", std::move(items)}};
        o["next"] = more ? json::value(list->back().number) : json::value(nullptr);
        return json_response(200, json::serialize(o));
    });
    r.add_async("POST", "/api/v1/clients/{name}/opt-outs",
                [token, &auth, &backend](const request& req, const path_params& p, reply_fn reply) {
        if (auto refused = check_admin_token(req, token, &auth)) return reply(std::move(*refused));
        boost::system::error_code ec;
        const auto v = json::parse(req.body, ec);
        if (ec || !v.is_object())
            return reply(json_error(400, "bad_request", R"(the body is a JSON object: {"add": [...], "remove": [...]})"));
        std::vector<std::string> add, remove;
        for (const auto& [k, _] : v.as_object())
            if (k != "add" && k != "remove")
                return reply(json_error(400, "bad_request", "unknown key '" + std::string{k} + "' (add, remove)"));
        if (auto why = numbers(v.as_object(), "add", add)) return reply(json_error(400, "bad_request", *why));
        if (auto why = numbers(v.as_object(), "remove", remove)) return reply(json_error(400, "bad_request", *why));
        if (add.size() + remove.size() > max_numbers)
            return reply(json_error(400, "bad_request", "at most " + std::to_string(max_numbers) + " numbers per request"));
        const auto& name = p.find("name")->second;
        log::info("admin", "opt_out_change").kv("client", name).kv("add", add.size()).kv("remove", remove.size())
            .kv("remote", req.remote);
        backend.change_opt_outs(name, std::move(add), std::move(remove),
                                [reply](admin_reply r) { reply(reply_of(std::move(r))); });
    });
}

} // namespace twinsms::http
