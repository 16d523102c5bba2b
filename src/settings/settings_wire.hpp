#pragma once
// The settings payload peer_status carries (issue 13): this node's index
// (every replicated profile and its digest), its unanswered edits with the
// file's text, and its answers to the peer's edits. One vendor TLV, signed
// with its own HMAC-SHA256 under the pair's secret over the report's
// sequence number and the payload, so it is as authentic and as
// replay-proof as the report it rides on (cluster/peer_auth.hpp). Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "settings/profile_sync.hpp"
#include "smpp/codec/tlv.hpp"

namespace twinsms::settings {

namespace tag {
inline constexpr std::uint16_t payload = 0x1510;
inline constexpr std::uint16_t mac = 0x1511;
// peer_status's own sequence number TLV (cluster::peer_tag::sequence; app checks they match).
inline constexpr std::uint16_t report_sequence = 0x150B;
} // namespace tag

struct edit_with_text {
    edit e;
    std::string text; // the sender's file, its state: included (the receiver keeps its own)
};

struct payload {
    digest_map index;
    std::vector<edit_with_text> edits;
    std::vector<verdict> verdicts;
};

// A TLV value holds at most this much; edits that do not fit wait for the next heartbeat.
inline constexpr std::size_t max_payload = 60'000;

// Encodes `p`, leaving out edits past max_payload; `sent` is how many went in.
std::string encode(const payload& p, std::size_t& sent);
// nullopt when malformed.
std::optional<payload> decode(std::string_view bytes);

// 32 raw bytes over sequence and payload.
std::string payload_mac(std::string_view sequence, std::string_view payload, std::string_view secret);

// Appends the payload and MAC TLVs to a signed report's TLVs (which hold
// the sequence TLV); they view `storage`, which must outlive the encoding.
// False when the report carries no sequence (no secret: nothing is sent).
bool attach(smpp::tlv_list& tlvs, std::string payload, std::string_view secret, std::string& storage);
// The payload of a report whose settings MAC verifies; nullopt when absent,
// unsigned or forged (`why` says which, empty when simply absent).
std::optional<payload> extract(const smpp::tlv_list& tlvs, std::string_view secret, std::string& why);

} // namespace twinsms::settings
