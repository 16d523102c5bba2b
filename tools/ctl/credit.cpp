#include "credit.hpp"

#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace twinsms::ctl {
namespace {

namespace json = boost::json;

constexpr int exit_ok = 0, exit_refused = 1, exit_usage = 2;

int fail(int rc, const std::string& message) {
    std::fprintf(stderr, "twinsmsctl: %s\n", message.c_str());
    return rc;
}

// "12.5" from the exact millionths the node sends.
std::string amount(const json::object& o, const char* micro_key) {
    const auto* v = o.if_contains(micro_key);
    if (!v || !v->is_int64()) return "?";
    const auto m = v->as_int64();
    const auto a = m < 0 ? -m : m;
    std::string out = (m < 0 ? "-" : "") + std::to_string(a / 1'000'000);
    if (auto f = a % 1'000'000) {
        auto s = std::to_string(f + 1'000'000).substr(1);
        while (s.back() == '0') s.pop_back();
        out += "." + s;
    }
    return out;
}

// A decimal with at most six decimals (the node checks it again).
bool is_amount(const std::string& s, bool may_be_negative) {
    std::size_t i = (may_be_negative && !s.empty() && s[0] == '-') ? 1 : 0, digits = 0, dots = 0, decimals = 0;
    for (; i < s.size(); ++i) {
        if (s[i] == '.') ++dots;
        else if (s[i] >= '0' && s[i] <= '9') ++digits, decimals += dots;
        else return false;
    }
    return digits > 0 && dots <= 1 && decimals <= 6 && s.back() != '.';
}

} // namespace

int run_credit(const options& o, const judge_fn& judge) {
    const auto& action = o.args[1];
    const auto path = "/api/v1/clients/" + url_encode(o.args[0]) + "/credit";
    http_result r;
    if (action == "show") {
        if (o.args.size() != 2) return fail(exit_usage, "credit show takes only CLIENT");
        r = http_request(o.url, "GET", path, o.token, o.timeout);
    } else if (action == "add" || action == "set") {
        if (o.args.size() != 3) return fail(exit_usage, "credit " + action + " needs CLIENT and one AMOUNT");
        if (!is_amount(o.args[2], action == "add"))
            return fail(exit_usage, "AMOUNT: a number with at most six decimals, e.g. 100 or 12.50" +
                                        std::string{action == "set" ? " (not negative)" : ""});
        // As a string: the node reads the decimal exactly.
        r = http_request(o.url, "POST", path, o.token, o.timeout,
                         json::serialize(json::object{{action, o.args[2]}}));
    } else {
        return fail(exit_usage, "unknown credit action '" + action + "' (show, add, set)");
    }
    if (const int rc = judge(r, "credit " + action + " " + o.args[0])) return rc;
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec || !v.is_object()) return fail(exit_refused, "the node's answer is not a credit state: " + r.body.substr(0, 200));
    const auto& s = v.as_object();
    const bool count = s.contains("mode") && s.at("mode") == "count";
    const std::string price = count ? "" : " (price " + amount(s, "price_micro") + " per part)";
    std::printf("%s: %s %s%s\n", o.args[0].c_str(), amount(s, "balance_micro").c_str(), count ? "SMS" : "left", price.c_str());
    return exit_ok;
}

} // namespace twinsms::ctl
