#pragma once
// client.webhook: where a client's MO messages and receipts are POSTed as
// JSON instead of (or while there is no) SMPP receiver bind. Parsed once
// into a const struct like the rest of the profile.
#include <chrono>
#include <optional>
#include <string>

#include "config/reader.hpp"

namespace twinsms::config {

struct webhook_settings {
    std::string url;                 // http:// or https://, given to libcurl as is
    std::string secret;              // HMAC-SHA256 key for X-Twinsms-Signature, >= 16 chars
    std::chrono::milliseconds timeout{5'000};
    std::chrono::milliseconds retry_initial{1'000};
    std::chrono::milliseconds retry_max{300'000};
    unsigned max_in_flight = 8;      // concurrent POSTs for this client
    bool receipts = true;            // deliver receipts here
    bool mo = true;                  // deliver MO here
    std::optional<std::string> ca_file; // https: trust this CA instead of the system store
    bool verify_peer = true;
    friend bool operator==(const webhook_settings&, const webhook_settings&) = default;
};

// Reads a `webhook:` mapping; errors name file:line:column and the YAML path.
webhook_settings read_webhook(const reader& r);

} // namespace twinsms::config
