#pragma once
// twinsmsctl's one HTTP request to the node's admin API. Beast stays in
// http_client.cpp (the tool's only Beast translation unit).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::ctl {

// http[s]://HOST[:PORT][/PREFIX]: where the admin API is. PREFIX (no trailing
// slash) lets a reverse proxy put the API under a path.
struct node_url {
    std::string host; // without the brackets of an IPv6 literal
    std::string port = "80";
    std::string prefix;
    std::string text; // as given, for messages
    bool tls = false;    // https: TLS 1.2+, the node's certificate checked against ca_file and host
    std::string ca_file; // PEM CAs to trust (--cacert); empty: the system's store
};

// nullopt with `error` set if `url` is not http[s]://HOST[:PORT][/PREFIX].
std::optional<node_url> parse_node_url(std::string_view url, std::string& error);

struct http_result {
    bool reached = false; // a complete HTTP response arrived
    std::string error;    // when not: "connection refused", "timed out after 10 s", ...
    unsigned status = 0;
    std::string body;
};

// One request, with `json_body` (Content-Type: application/json) unless
// empty; `token` goes in Authorization: Bearer unless empty. The whole
// exchange (resolve, connect, write, read) is bounded by `timeout`.
http_result http_request(const node_url& url, std::string_view method, std::string_view path,
                         const std::string& token, std::chrono::milliseconds timeout, std::string json_body = {});

} // namespace twinsms::ctl
