// twinsmsctl: the operator's command line for a twinsms node, a client of
// the node's admin HTTP API (src/http/admin_api.hpp), plus `check`, which
// validates a profile folder locally like twinsmsd --check.
//
// Exit codes, stable for scripts: 0 ok, 1 the node refused (4xx/5xx),
// 2 usage, 3 invalid profiles (check), 4 node unreachable or no answer in
// time, 5 authentication failed (401/403).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>

#include "config/profiles.hpp"
#include "http_client.hpp"
#include "credit.hpp"
#include "opt_out.hpp"
#include "options.hpp"
#include "render.hpp"

using namespace twinsms;
using namespace twinsms::ctl;

namespace {

namespace json = boost::json;

constexpr int exit_ok = 0, exit_refused = 1, exit_usage = 2, exit_invalid = 3, exit_unreachable = 4, exit_auth = 5;

void print_error(const std::string& message) { std::fprintf(stderr, "twinsmsctl: %s\n", message.c_str()); }

int usage_error(const std::string& message) {
    print_error(message);
    std::fputs("usage: twinsmsctl [OPTIONS] VERB [ARGS]  (twinsmsctl --help lists verbs and options)\n", stderr);
    return exit_usage;
}

// The error code and message of a JSON error body, or the start of the body.
std::string describe_refusal(const http_result& r) {
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (!ec && v.is_object())
        if (const auto* e = v.as_object().if_contains("error"); e && e->is_object()) {
            const auto* code = e->as_object().if_contains("code");
            const auto* msg = e->as_object().if_contains("message");
            std::string out = code && code->is_string() ? std::string{code->get_string()} : "error";
            if (msg && msg->is_string()) out += ": " + std::string{msg->get_string()};
            return out + " (HTTP " + std::to_string(r.status) + ")";
        }
    return "HTTP " + std::to_string(r.status) + (r.body.empty() ? "" : ": " + r.body.substr(0, 200));
}

// Maps what the node answered (or did not) to a message and an exit code;
// exit_ok when there is nothing to complain about.
int judge(const options& o, const http_result& r, const std::string& what) {
    if (!r.reached) {
        print_error("cannot reach the node at " + o.url.text + ": " + r.error);
        return exit_unreachable;
    }
    if (r.status == 401 || r.status == 403) {
        print_error("bad or missing admin token: " + describe_refusal(r) +
                    (o.token.empty() ? "; no token given (--token, --token-file or TWINSMS_ADMIN_TOKEN)" : ""));
        return exit_auth;
    }
    if (r.status < 200 || r.status >= 300) {
        print_error("the node refused " + what + ": " + describe_refusal(r));
        return exit_refused;
    }
    return exit_ok;
}

int run_status(const options& o) {
    const auto r = http_request(o.url, "GET", "/api/v1/status", o.token, o.timeout);
    if (const int rc = judge(o, r, "status")) return rc;
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec) {
        print_error("the node's status is not JSON (" + ec.message() + "): " + r.body.substr(0, 200));
        return exit_refused;
    }
    std::fputs((o.json ? pretty_json(v) : render_status(v)).c_str(), stdout);
    return exit_ok;
}

int run_command(const options& o, const verb_info& verb) {
    std::string path{verb.path}, what{verb.name};
    if (verb.takes_arg()) {
        path.replace(path.find("{name}"), 6, url_encode(o.args[0]));
        what += " " + o.args[0];
    }
    const auto r = http_request(o.url, "POST", path, o.token, o.timeout);
    if (const int rc = judge(o, r, what)) return rc;
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    const json::value* msg = !ec && v.is_object() ? v.as_object().if_contains("message") : nullptr;
    if (msg && msg->is_string()) std::printf("%s: ok: %s\n", what.c_str(), std::string{msg->get_string()}.c_str());
    else std::printf("%s: ok\n", what.c_str());
    return exit_ok;
}

// Same checks and the same line as twinsmsd --check, without a node.
int run_check(const std::string& dir) {
    config::profile_set p;
    try {
        p = config::load_profiles(dir);
    } catch (const std::exception& e) {
        print_error(e.what());
        return exit_invalid;
    }
    std::printf("%s: valid (node %s, %zu clients, %zu carriers, %zu routes, %zu MO routes)\n", dir.c_str(),
                p.node.id.c_str(), p.clients.size(), p.carriers.size(), p.routes.size(), p.mo_routes.size());
    return exit_ok;
}

} // namespace

int main(int argc, char** argv) {
    options o;
    const auto parsed = parse_options(std::vector<std::string>(argv + 1, argv + argc), o);
    if (!parsed.error.empty()) return usage_error(parsed.error);
    if (parsed.help) {
        std::fputs(o.verb ? verb_help(*o.verb).c_str() : global_help().c_str(), stdout);
        return exit_ok;
    }
    if (o.verb->name == "check") return run_check(o.args[0]);
    if (o.verb->name == "status") return run_status(o);
    if (o.verb->name == "credit")
        return run_credit(o, [&o](const http_result& r, const std::string& what) { return judge(o, r, what); });
    if (o.verb->name == "opt-out")
        return run_opt_out(o, [&o](const http_result& r, const std::string& what) { return judge(o, r, what); });
    return run_command(o, *o.verb);
}
