#pragma once
// What a webhook POST carries, pure: the JSON of a stored delivery (an MO
// message or a receipt, kept in the store as the deliver_sm the client
// would get over SMPP) and the signature headers.
//
//   {"type":"mo","delivery_id":"…","from":"…","to":"…","text":"…","coding":"gsm7",
//    "received_at":"2026-12-02T10:00:00.000Z", ...}
//   {"type":"receipt","delivery_id":"…","message_id":"<our id>","state":"DELIVRD",
//    "error":0,"from":"…","to":"…","submit_date":"…","done_date":"…", ...}
//
// Signature (like Stripe's and Slack's, so receivers can reuse their code):
//   X-Twinsms-Timestamp: <unix seconds>
//   X-Twinsms-Signature: sha256=<hex HMAC-SHA256(secret, timestamp "." body)>
// The timestamp inside the signed string lets a receiver refuse replays.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/message.hpp"

namespace twinsms::webhook {

struct payload {
    enum class kind { mo, receipt } type = kind::mo;
    std::string body; // JSON
};

// nullopt if the stored PDU does not decode (logged by the caller).
std::optional<payload> payload_of(const store::delivery& d);

// "sha256=" + lower-case hex of HMAC-SHA256(secret, timestamp + "." + body).
std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body);

// The request headers for `body` signed at `unix_seconds`.
std::vector<std::string> headers(std::string_view secret, std::int64_t unix_seconds, std::string_view body,
                                 const store::delivery& d);

} // namespace twinsms::webhook
