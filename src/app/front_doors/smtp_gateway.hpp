#pragma once
// Email to SMS on a node: the SMTP listener (src/smtp) with the node's
// client accounts. A mail becomes one SMS (or one long message, in parts)
// per recipient, sent as the client account the session chose (routes,
// serving state and a throughput allowance of its own apply), committed to
// the store through the intake before the 250 that names our message ids.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "config/profiles.hpp"
#include "smtp/smtp_listener.hpp"
#include "util/token_bucket.hpp"

namespace twinsms::engine {
class intake;
}

namespace twinsms::app {


// The text cut to fit `max_parts` SMS (with "..." at the end when cut).
// Pure; the text is UTF-8.
std::string fit_text(const std::string& text, unsigned max_parts);

class smtp_gateway {
public:
    struct host {
        std::function<bool(std::string_view client)> serves;
        // Whether a route takes `number` from this client and source.
        std::function<bool(std::string_view client, std::string_view source, std::string_view number)> routable;
        // The node's credential guard for AUTH; null: none.
        std::shared_ptr<guard::credential_guard> guard;
    };

    smtp_gateway(boost::asio::any_io_executor ex, const config::profile_set& p, engine::intake& in, host h);
    ~smtp_gateway();

    void start(); // throws std::runtime_error naming the address that cannot be used
    boost::asio::awaitable<void> stop();
    // A reloaded profile set: new sessions use its clients and limits
    // (listen addresses need a restart).
    void apply(const config::profile_set& p);
    std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;

    struct counters {
        std::uint64_t mails = 0, sms = 0, throttled = 0, refused = 0, store_errors = 0;
    };
    const counters& stats() const noexcept { return stats_; }
    const smtp::smtp_listener::counters& session_stats() const;
    std::size_t sessions() const; // open SMTP connections

private:
    std::shared_ptr<const smtp::rules> make_rules() const;
    void deliver(const smtp::mail& m, smtp::smtp_listener::done_fn done);

    boost::asio::any_io_executor executor_;
    config::profile_set profiles_;
    engine::intake& intake_;
    host host_;
    std::unique_ptr<smtp::smtp_listener> listener_;
    // One allowance per account for mail, like the SMPP listener's per bind
    // group: the account's tps counts SMS (parts x recipients).
    std::map<std::string, token_bucket, std::less<>> buckets_;
    std::uint8_t next_ref_ = 0; // concatenation reference of long messages
    counters stats_;
};

} // namespace twinsms::app
