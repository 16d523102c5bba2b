#pragma once
// What each node of the pair tells the other about itself, every keepalive
// interval, in the peer_status vendor PDU (smpp/codec/command.hpp): its
// mode, its fencing epoch, and the depth of its carrier queue (overflow).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "smpp/codec/tlv.hpp"

namespace twinsms::cluster {

enum class node_mode : std::uint8_t {
    joining,      // just started: serves nothing until it has heard the peer or the peer is dead
    normal,       // serves its own (configured active) profiles
    took_over,    // serves its own and the peer's (passive) profiles
    handing_back, // releasing the peer's profiles (failback), then normal
    fenced,       // returned while the peer had taken over: serves nothing until the peer hands back
    standby,      // planned switchover: drained and handed its profiles to the peer
};
std::string_view to_string(node_mode m) noexcept;

struct peer_report {
    std::string node_id;
    node_mode mode = node_mode::joining;
    std::uint32_t epoch = 0;
    std::uint32_t carrier_queue = 0; // messages waiting for a carrier
    bool handover = false;           // standby and drained: take over my profiles
    bool reclaim = false;            // I want my profiles back: fail back
    // I hold your store (your replica, promoted when I took you over) with
    // what I did for you: fetch it (pair/peer_work_merge.hpp).
    bool holding = false;
};

// Vendor TLV tags (0x1400-0x3FFF is the vendor range in SMPP 3.4 5.3.2).
namespace peer_tag {
inline constexpr std::uint16_t node_id = 0x1501;
inline constexpr std::uint16_t mode = 0x1502;
inline constexpr std::uint16_t epoch = 0x1503;
inline constexpr std::uint16_t carrier_queue = 0x1504;
inline constexpr std::uint16_t flags = 0x1505;
inline constexpr std::uint16_t forward_carrier = 0x1506; // peer_forward: the carrier it came from
inline constexpr std::uint16_t forward_pdu = 0x1507;     // peer_forward: the carrier's PDU, encoded
inline constexpr std::uint16_t handoff_account = 0x1508; // peer_forward of a delivery: the client's system_id
inline constexpr std::uint16_t handoff_times = 0x1509;   // message id, created_at, expires_at: 3 x 8 octets
inline constexpr std::uint16_t handoff_pdu = 0x150A;     // the deliver_sm for the client, encoded
} // namespace peer_tag

// The TLVs view r.node_id: keep `r` alive until the PDU is encoded.
smpp::tlv_list encode(const peer_report& r);
// nullopt when a field is missing or malformed (not a twinsms peer).
std::optional<peer_report> decode(const smpp::tlv_list& tlvs);

// A receipt handed to the peer: the carrier it came from and its PDU as the
// carrier sent it (so the peer reads it exactly as it would have).
struct forwarded_receipt {
    std::string carrier;
    std::string pdu; // encoded
};
// The TLVs view `f`: keep it alive until the PDU is encoded.
smpp::tlv_list encode(const forwarded_receipt& f);
std::optional<forwarded_receipt> decode_forward(const smpp::tlv_list& tlvs);

// A delivery (receipt or MO) queued on one node for a client that the
// other node serves now, handed over in the same peer_forward PDU with
// other TLVs. The receiver stores it for the client and answers OK only
// once it is committed; the sender erases its copy only then.
struct handed_delivery {
    std::string account;          // the client's system_id
    std::uint64_t message = 0;    // receipts: the message it reports (the sender's id); 0 for MO
    std::int64_t created_at = 0;  // epoch ms
    std::int64_t expires_at = 0;  // epoch ms
    std::string pdu;              // the deliver_sm as the client will get it, encoded
};
// The TLVs view `d` and `scratch` (which holds the numbers): keep both
// alive until the PDU is encoded.
smpp::tlv_list encode(const handed_delivery& d, std::string& scratch);
// nullopt when the TLVs are not a handed delivery (a forwarded receipt, or malformed).
std::optional<handed_delivery> decode_handoff(const smpp::tlv_list& tlvs);

} // namespace twinsms::cluster
