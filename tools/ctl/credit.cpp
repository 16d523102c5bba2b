#include "credit.hpp"

#include <cstdio>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "config/amount.hpp"

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
    return v && v->is_int64() ? config::format_amount(v->as_int64()) : "?";
}

// Checked here too, so a typo is a usage error (exit 2) and never reaches the node.
bool is_amount(const std::string& s, bool may_be_negative) {
    const auto v = config::parse_amount(s);
    return v && (may_be_negative || *v >= 0);
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
