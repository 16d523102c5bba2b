#pragma once
// twinsmsctl's command line: the verbs, their help, and the options with
// their environment fallbacks (TWINSMS_ADMIN_URL, TWINSMS_ADMIN_TOKEN).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "http_client.hpp"

namespace twinsms::ctl {

struct verb_info {
    std::string_view name;
    std::string_view path;     // admin API path ({name}: the argument); empty: runs locally
    std::string_view arg_name; // "PROFILE", "DIR"; empty: no argument
    std::string_view summary;  // one line for --help
    std::string_view details;  // VERB --help
    bool variadic = false;     // takes at least two arguments (opt-out CLIENT ACTION ...)
    bool takes_arg() const noexcept { return !arg_name.empty(); }
};

struct options {
    node_url url;
    std::string token;
    std::chrono::milliseconds timeout{10'000};
    bool json = false; // status --json
    const verb_info* verb = nullptr;
    std::vector<std::string> args; // after the verb
};

struct parse_result {
    bool help = false;  // print help (for o.verb if set) and exit 0
    std::string error;  // usage error (exit 2)
};

// Fills `o` from the arguments (without argv[0]) and the environment.
// Options may come before or after the verb; `--` ends them.
parse_result parse_options(const std::vector<std::string>& args, options& o);

std::string global_help();
std::string verb_help(const verb_info& v);

// A path segment: everything but unreserved characters percent-encoded.
std::string url_encode(std::string_view s);

} // namespace twinsms::ctl
