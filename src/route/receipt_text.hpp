#pragma once
// Delivery receipts: the de-facto text of SMPP 3.4 Appendix B
//   id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<20 chars>
// formatted strictly and parsed leniently (carriers reorder, drop, recase and
// space these fields), the stat <-> message_state mapping, and reading a
// receipt out of a decoded deliver_sm / data_sm. Pure, no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/container/small_vector.hpp>

#include "smpp/codec/pdu.hpp"

namespace twinsms::route {

// SMPP 3.4 section 5.2.28 message_state values.
enum class message_state : std::uint8_t {
    enroute = 1,
    delivered = 2,
    expired = 3,
    deleted = 4,
    undeliverable = 5,
    accepted = 6,
    unknown = 7,
    rejected = 8,
};

// "ENROUTE", "DELIVRD", "EXPIRED", "DELETED", "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD".
std::string_view stat_text(message_state s) noexcept;
// The stat texts above and the enum names ("delivered", "undeliverable", ...),
// in any case; nullopt for anything else.
std::optional<message_state> parse_stat(std::string_view s) noexcept;
// A message_state TLV value 1..8; nullopt for the rest (0 and 9 are SMPP 5).
std::optional<message_state> state_from_tlv(std::uint8_t v) noexcept;
// Every state but ENROUTE is final (SMPP 3.4 5.2.28; ACCEPTED and UNKNOWN
// included): the SMSC will not report on the message again.
bool is_final(message_state s) noexcept;

// Fields to format. Numbers print as three digits (mod 1000).
struct receipt_fields {
    std::string id;
    unsigned sub = 1;
    unsigned dlvrd = 1;
    std::string submit_date; // YYMMDDhhmm
    std::string done_date;   // YYMMDDhhmm
    std::string stat = "DELIVRD";
    unsigned err = 0;
    std::string text;
};
std::string format_receipt(const receipt_fields& f);

// A parsed receipt text: views into the parsed string. Missing fields are
// empty (numbers 0; has_err tells an absent err from err:000).
struct parsed_receipt {
    std::string_view id;
    unsigned sub = 0;
    unsigned dlvrd = 0;
    std::string_view submit_date;
    std::string_view done_date;
    std::string_view stat;
    std::optional<message_state> state; // stat mapped, if recognised
    unsigned err = 0;                   // decimal err:NNN; hex values ("err:0A1") read as hex
    bool has_err = false;
    std::string_view text;
};
// Keys are matched case-insensitively at word starts, in any order, with
// spaces allowed around ':' and "submit_date"/"submitdate" spellings, and
// unknown keys skipped. text: takes the rest of the string (it is last in
// practice and may itself contain "stat:"), unless the id or stat are still
// missing, in which case it stops at the next known key. nullopt unless an id
// or a stat was found.
std::optional<parsed_receipt> parse_receipt(std::string_view s) noexcept;

// The first 20 characters of a message for the text: field. GSM/Latin-1 style
// codings are copied byte for byte (non-printables become '.'), UCS-2 is
// narrowed (non-ASCII becomes '?'), binary codings give "".
std::string receipt_excerpt(std::string_view short_message, std::uint8_t data_coding);

// Carriers answer submit_sm_resp with an id in one base and quote it in the
// receipt in another (Appendix B leaves the format open): "1A2B" then
// "id:6699". The id as given, lowercased, then its other readings: the hex
// form of an all-decimal id and the decimal form of an all-hex id (each only
// if it fits 64 bits), without duplicates.
boost::container::small_vector<std::string, 3> message_id_forms(std::string_view id);
// The keys a submit_sm_resp's id is mapped under: as given (lowercased) and,
// with leading zeros, its form without them. Its reading in the other base
// is not mapped (one store operation less per message): receipt_id_lookups
// finds it from the receipt's side, so whatever message_id_forms would
// match through a shared reading, key and lookup meet on.
boost::container::small_vector<std::string, 2> message_id_keys(std::string_view id);
// The keys a receipt's id is looked up under, the id as given first:
// message_id_forms, and for an all-decimal id also the decimal form of its
// hex reading ("123" may be the hex form of a submit's "291").
boost::container::small_vector<std::string, 4> receipt_id_lookups(std::string_view id);
// Whether a receipt's id names the message the carrier answered with `submitted`.
bool message_ids_match(std::string_view submitted, std::string_view receipted);

// What a receipt says, from the TLVs first and the text second.
struct receipt_info {
    std::string_view message_id;        // receipted_message_id TLV, else the text's id:
    std::optional<message_state> state; // message_state TLV, else the text's stat:
    std::optional<unsigned> err;        // the text's err:, else network_error_code's error code
    std::optional<parsed_receipt> text; // the parsed text, if it parsed
};
// esm_class message type 0x04 (SMSC delivery receipt, bits 2-5) or a
// receipted_message_id TLV present.
bool is_receipt(std::uint8_t esm_class, const smpp::tlv_list& tlvs) noexcept;
bool is_receipt(const smpp::deliver_sm& d) noexcept;
bool is_receipt(const smpp::data_sm& d) noexcept;
// nullopt if it is not a receipt. The views point into the PDU's frame. The
// text is the short_message, or message_payload when short_message is empty.
std::optional<receipt_info> read_receipt(const smpp::deliver_sm& d) noexcept;
std::optional<receipt_info> read_receipt(const smpp::data_sm& d) noexcept;

} // namespace twinsms::route
