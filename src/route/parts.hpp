#pragma once
// Long messages: which part of which message a PDU is, and how many SMS a PDU
// costs. Pure; malformed user data headers are never read out of bounds and
// simply give no part information.
//
// A part is announced either in the user data header (esm_class UDHI 0x40,
// 3GPP TS 23.040 9.2.3.24.1 IE 0x00 with an 8-bit reference, 9.2.3.24.8 IE
// 0x08 with a 16-bit one) or with the SMPP SAR TLVs (sar_msg_ref_num,
// sar_total_segments, sar_segment_seqnum). The header wins if both are there.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "smpp/codec/pdu.hpp"

namespace twinsms::route {

inline constexpr std::uint8_t esm_udhi = 0x40;

enum class part_source : std::uint8_t { udh8, udh16, sar };

struct part_info {
    std::uint16_t ref = 0;  // concatenation reference (0..255 for udh8)
    std::uint8_t total = 0; // parts in the message, >= 1
    std::uint8_t seq = 0;   // this part, 1..total
    part_source source = part_source::udh8;
    friend bool operator==(const part_info&, const part_info&) = default;
};

// The user data header at the start of `user_data` (UDHL then IEs): its
// whole length including the UDHL octet, or nullopt if UDHL runs past the
// data or an IE runs past the header.
std::optional<std::size_t> udh_length(std::string_view user_data) noexcept;
// The first valid concatenation IE of the header at the start of `user_data`.
// Per TS 23.040 an IE with total 0, seq 0 or seq > total is ignored.
std::optional<part_info> udh_part(std::string_view user_data) noexcept;

// The part this PDU is, from its UDH (short_message, or message_payload when
// short_message is empty) if UDHI is set, else its SAR TLVs. A "1 of 1" part
// is reported as such.
std::optional<part_info> message_part(const smpp::submit_sm& sm) noexcept;
std::optional<part_info> message_part(const smpp::deliver_sm& sm) noexcept;
std::optional<part_info> message_part(const smpp::data_sm& sm) noexcept;

// How the air interface carries a data_coding: GSM 7-bit septets (SMPP 0x00
// default, 0x01 IA5 and 0x03 Latin-1, which SMSCs transcode to the GSM
// alphabet; GSM DCS groups with the default alphabet), UCS-2 (0x08 and the
// UCS-2 DCS groups) or octets (everything else, including reserved values).
enum class air_coding : std::uint8_t { gsm7, octets, ucs2 };
air_coding coding_of(std::uint8_t data_coding) noexcept;

// SMS needed for `octets` of user data without a header: one SMS holds 160
// septets / 140 octets / 70 UCS-2 characters, a concatenated part 153 / 134
// / 67 (the rest is the concatenation header). GSM septets are counted one
// per octet, as SMPP carries them unpacked (an escaped character is already
// two octets). Zero octets is one (empty) SMS.
unsigned parts_for_length(std::size_t octets, air_coding c) noexcept;

// What this PDU costs: 1 for a short_message (a plain one or one part of a
// long message), 1 for a message_payload that carries a part's UDH or SAR
// TLVs, else parts_for_length of the message_payload (the SMSC splits it).
unsigned count_parts(const smpp::submit_sm& sm) noexcept;
unsigned count_parts(const smpp::data_sm& sm) noexcept;

} // namespace twinsms::route
