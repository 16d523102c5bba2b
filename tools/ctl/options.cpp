#include "options.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace twinsms::ctl {
namespace {

constexpr std::string_view default_url = "http://127.0.0.1:8081";

constexpr std::array<verb_info, 10> verbs{{
    {"status", "/api/v1/status", "", "the node's role and mode, its peer, profiles, links and queue",
     "Shows the node's role, mode and epoch, the peer's verdict and last keepalive, the state of each\n"
     "profile, each carrier link, and the queue depths.\n"
     "  --json   print the node's status document as JSON (pretty) instead\n"},
    {"switchover", "/api/v1/cluster/switchover", "", "planned: drain, hand our profiles to the peer, stand by",
     "Planned hand-over with both nodes up: this node unbinds its clients (gracefully) and drains\n"
     "its queue to its carriers, then hands its profiles to the peer, which takes over (serves both\n"
     "sites' clients and carriers); this node stands by, serving nothing. No automatic failback\n"
     "follows: run `failback` on this node to get its profiles back.\n"
     "Refused (exit 1, conflict) unless this node and the peer are both in mode normal and the peer\n"
     "is healthy.\n"},
    {"takeover", "/api/v1/cluster/takeover", "", "serve the peer's profiles now, without waiting",
     "Makes this node serve the peer's profiles (its passive clients and carriers) now, besides its\n"
     "own, as after the peer's death; the epoch goes above the peer's, so a peer still running or\n"
     "coming back is fenced (serves nothing) until this node hands back. No automatic failback\n"
     "follows a commanded takeover: run `failback` here when the peer should have its profiles again.\n"
     "Refused (exit 1, conflict) when this node already took over or is handing back.\n"},
    {"failback", "/api/v1/cluster/failback", "", "hand the peer's profiles back / ask the peer for ours",
     "On a node that took over: hands the peer's profiles back (their client sessions drain and\n"
     "unbind, their carriers unbind) and returns to mode normal; refused while the peer is dead.\n"
     "On a fenced or standing-by node: asks the peer to hand this node's profiles back now (after a\n"
     "switchover, or sooner than the automatic failback hold); refused while the peer is not reachable.\n"
     "Refused (exit 1, conflict) in mode normal: nothing to fail back.\n"},
    {"activate", "/api/v1/profiles/{name}/activate", "PROFILE", "make a client or carrier profile active",
     "Makes the named client or carrier profile active on this node (a carrier binds).\n"
     "Unknown profiles are refused (exit 1, unknown_profile).\n"},
    {"deactivate", "/api/v1/profiles/{name}/deactivate", "PROFILE", "make a profile passive",
     "Makes the named client or carrier profile passive on this node (a carrier unbinds).\n"},
    {"reload", "/api/v1/reload", "", "re-read the node's profile folder (like SIGHUP)",
     "Asks the node to re-read its profile folder and apply a valid set without dropping\n"
     "unaffected sessions; an invalid set is refused and the old one keeps running.\n"},
    {"opt-out", "/api/v1/clients/{name}/opt-outs", "CLIENT ACTION [NUMBER...|FILE]",
     "a client's opt-out list: list, add, remove, import, export",
     "The handsets that must not get CLIENT's messages (its profile's opt_out; MO STOP adds, START removes).\n"
     "  list CLIENT               every entry: number, since when, how it was added\n"
     "  add CLIENT NUMBER...      put numbers on the list (written as the client writes them)\n"
     "  remove CLIENT NUMBER...   take numbers off the list\n"
     "  import CLIENT FILE        add the numbers of FILE ('-': standard input), one per line; the first\n"
     "                            comma-separated field counts, blank lines, '#' lines and a header are skipped\n"
     "  export CLIENT             the list as CSV (number,at,via) on standard output, for import elsewhere\n"
     "CLIENT is the client profile's name; unknown clients are refused (exit 1, unknown_client).\n",
     true},
    {"credit", "/api/v1/clients/{name}/credit", "CLIENT ACTION [AMOUNT]", "a client's credit: show, add, set",
     "The credit of CLIENT (its profile's credit: an SMS count, or a balance with prices per part).\n"
     "  show CLIENT               the balance\n"
     "  add CLIENT AMOUNT         add AMOUNT (up to six decimals; negative: a correction)\n"
     "  set CLIENT AMOUNT         replace the balance\n"
     "CLIENT is the client profile's name; unknown clients are refused (exit 1, unknown_client),\n"
     "clients without credit too (exit 1, no_credit).\n",
     true},
    {"check", "", "DIR", "validate a profile folder here, no node needed",
     "Validates the profile folder DIR as twinsmsd --check does, without contacting a node:\n"
     "exit 0 and a summary line, or exit 3 and file:line:column: yaml.path: reason.\n"},
}};

const verb_info* find_verb(std::string_view name) {
    for (const auto& v : verbs)
        if (v.name == name) return &v;
    return nullptr;
}

// "500ms", "10s", "2m"; a bare number is seconds.
bool parse_duration(std::string_view s, std::chrono::milliseconds& out) {
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits == 0 || digits > 9) return false;
    const long long n = std::stoll(std::string{s.substr(0, digits)});
    const auto unit = s.substr(digits);
    if (unit == "ms") out = std::chrono::milliseconds(n);
    else if (unit == "s" || unit.empty()) out = std::chrono::seconds(n);
    else if (unit == "m") out = std::chrono::minutes(n);
    else return false;
    return out.count() > 0;
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t lead = 0;
    while (lead < s.size() && std::isspace(static_cast<unsigned char>(s[lead]))) ++lead;
    return s.substr(lead);
}

std::string env_or(const char* name, std::string_view def) {
    const char* v = std::getenv(name);
    return v && *v ? std::string{v} : std::string{def};
}

} // namespace

parse_result parse_options(const std::vector<std::string>& args, options& o) {
    parse_result r;
    std::vector<std::string> positional;
    std::string url, token, token_file, timeout, cacert;
    bool token_given = false, token_file_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string a = args[i];
        if (a == "--") {
            positional.insert(positional.end(), args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (a == "-h" || a == "--help") {
            r.help = true;
            continue;
        }
        if (a == "--json") {
            o.json = true;
            continue;
        }
        // A negative number ("credit acme add -2.5") is an argument, not an option.
        if (a.size() < 2 || a[0] != '-' || std::isdigit(static_cast<unsigned char>(a[1]))) {
            positional.push_back(a);
            continue;
        }
        // --name VALUE or --name=VALUE
        std::string value;
        const auto eq = a.find('=');
        const bool inline_value = eq != std::string::npos;
        if (inline_value) {
            value = a.substr(eq + 1);
            a.resize(eq);
        }
        std::string* target = a == "--node" ? &url : a == "--token" ? &token : a == "--token-file" ? &token_file
                            : a == "--timeout" ? &timeout : a == "--cacert" ? &cacert : nullptr;
        if (!target) {
            r.error = "unknown option '" + args[i] + "'";
            return r;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) {
                r.error = a + " needs a value";
                return r;
            }
            value = args[++i];
        }
        *target = value;
        token_given |= target == &token;
        token_file_given |= target == &token_file;
    }

    if (positional.empty()) {
        if (!r.help) r.error = "no verb given";
        return r;
    }
    o.verb = find_verb(positional[0]);
    if (!o.verb) {
        r.error = "unknown verb '" + positional[0] + "'";
        return r;
    }
    if (r.help) return r;
    o.args.assign(positional.begin() + 1, positional.end());
    const std::string verb{o.verb->name};
    if (o.verb->variadic && o.args.size() < 2) {
        r.error = verb + " needs " + std::string{o.verb->arg_name};
        return r;
    }
    if (o.verb->takes_arg() && !o.verb->variadic && o.args.size() != 1) {
        r.error = verb + " needs exactly one " + std::string{o.verb->arg_name};
        return r;
    }
    if (!o.verb->takes_arg() && !o.args.empty()) {
        r.error = verb + " takes no arguments (got '" + o.args[0] + "')";
        return r;
    }
    if (o.json && verb != "status") {
        r.error = "--json is an option of status only";
        return r;
    }
    if (!timeout.empty() && !parse_duration(timeout, o.timeout)) {
        r.error = "invalid --timeout '" + timeout + "' (e.g. 500ms, 10s, 1m)";
        return r;
    }
    if (token_given && token_file_given) {
        r.error = "give --token or --token-file, not both";
        return r;
    }
    if (o.verb->path.empty()) return r; // local verb: no node, no token

    if (url.empty()) url = env_or("TWINSMS_ADMIN_URL", default_url);
    std::string why;
    auto parsed = parse_node_url(url, why);
    if (!parsed) {
        r.error = "invalid node URL '" + url + "': " + why;
        return r;
    }
    o.url = std::move(*parsed);
    o.url.ca_file = cacert.empty() ? env_or("TWINSMS_ADMIN_CA", "") : cacert;
    if (token_file_given) {
        std::ifstream in{token_file};
        std::stringstream s;
        if (in) s << in.rdbuf();
        if (!in) {
            r.error = "cannot read the token file '" + token_file + "'";
            return r;
        }
        o.token = trimmed(s.str()); // a trailing newline is never part of the token
    } else {
        o.token = token_given ? token : env_or("TWINSMS_ADMIN_TOKEN", "");
    }
    return r;
}

std::string global_help() {
    std::string out =
        "usage: twinsmsctl [OPTIONS] VERB [ARGS]\n"
        "Controls a twinsms node through its admin API (node.yaml admin.listen).\n\nverbs:\n";
    for (const auto& v : verbs) {
        std::string head = "  " + std::string{v.name} + (v.takes_arg() ? " " + std::string{v.arg_name} : "");
        if (v.name == "status") head += " [--json]";
        head.resize(std::max<std::size_t>(head.size() + 1, 24), ' ');
        out += head + std::string{v.summary} + "\n";
    }
    out += "\noptions:\n"
           "  --node URL          the node's admin API, http:// or https:// (default $TWINSMS_ADMIN_URL, else http://127.0.0.1:8081)\n"
           "  --token TOKEN       admin token (default $TWINSMS_ADMIN_TOKEN)\n"
           "  --token-file FILE   read the admin token from FILE (keeps it out of ps and shell history)\n"
           "  --timeout DURATION  limit for the request, e.g. 500ms, 10s (default 10s)\n"
           "  --cacert FILE       https: trust the node certificate's CA in FILE (PEM; default $TWINSMS_ADMIN_CA,\n"
           "                      else the system's store); the certificate must name the URL's host\n"
           "  -h, --help          this help; twinsmsctl VERB --help for one verb\n"
           "\nexit codes: 0 ok, 1 the node refused, 2 usage, 3 invalid profiles (check),\n"
           "            4 node unreachable or no answer in time, 5 bad or missing admin token\n";
    return out;
}

std::string verb_help(const verb_info& v) {
    std::string out = "usage: twinsmsctl [OPTIONS] " + std::string{v.name};
    if (v.takes_arg()) out += " " + std::string{v.arg_name};
    if (v.name == "status") out += " [--json]";
    out += "\n" + std::string{v.details};
    if (!v.path.empty()) {
        std::string path{v.path};
        if (const auto at = path.find("{name}"); at != std::string::npos)
            path.replace(at, 6, v.variadic ? std::string_view{"CLIENT"} : v.arg_name);
        out += "Request: " + std::string{v.name == "status" ? "GET " : v.variadic ? "GET or POST " : "POST "} + path +
               " (twinsmsctl --help for the options)\n";
    }
    return out;
}

std::string url_encode(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

} // namespace twinsms::ctl
