#pragma once
// The node's side of the HTTP send API (src/http/send_api.hpp): client
// accounts by token or login, their messages stored through the intake like
// an SMPP submit (the same routes, serving state and throughput limit), and
// their message log read from the store.
#include <cstdint>
#include <map>
#include <string>

#include "app/node.hpp"
#include "http/send_api.hpp"
#include "util/token_bucket.hpp"

namespace twinsms::app {

// The client profile and API token that `token` is, if any. Every token is
// compared, so the time does not tell which one is close.
struct api_token_match {
    const config::client_profile* client = nullptr;
    const config::http_token* token = nullptr;
};
api_token_match find_api_token(const config::profile_set& p, std::string_view token);

class node_http final : public http::send_backend {
public:
    explicit node_http(node& n) : node_{n} {}

    std::optional<http::api_caller> by_token(std::string_view token) override;
    std::optional<http::api_caller> by_login(std::string_view system_id, std::string_view password) override;
    bool source_allowed(const http::api_caller& who, const boost::asio::ip::address& remote) override;
    bool has_login(std::string_view system_id) override;
    guard::credential_guard* login_guard() override { return &node_.login_guard(); }
    void submit(const http::api_caller& who, http::send_job job, std::function<void(http::submit_result)> done) override;
    std::variant<boost::json::object, http::api_error> message(const http::api_caller& who, std::string_view id) override;
    std::variant<boost::json::object, http::api_error> search(const http::api_caller& who,
                                                              const http::search_query& q) override;

    // Records read per search at most (the log is scanned newest first; a
    // search that runs out answers with "next" to go on from).
    static constexpr std::size_t max_scan = 50'000;

    struct counters {
        std::uint64_t requests = 0, accepted = 0, refused = 0, throttled = 0, store_errors = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    node& node_;
    // One allowance per account for HTTP, counting SMS (parts x
    // destinations) at the account's tps, like the SMPP listener's.
    std::map<std::string, token_bucket, std::less<>> buckets_;
    counters stats_;
};

} // namespace twinsms::app
