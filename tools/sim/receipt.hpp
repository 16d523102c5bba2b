#pragma once
// Delivery receipt text in the de-facto format of SMPP 3.4 Appendix B:
//   id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<20 chars>
// plus the final states (with their message_state TLV values) the simulator
// can report. Pure functions, shared by the simulator and its tests.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::sim {

// SMPP 3.4 section 5.2.28 message_state values.
enum class final_state : std::uint8_t {
    enroute = 1,
    delivered = 2,
    expired = 3,
    deleted = 4,
    undeliverable = 5,
    accepted = 6,
    unknown = 7,
    rejected = 8,
};

// "DELIVRD", "UNDELIV", "EXPIRED", "DELETED", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE".
std::string_view stat_text(final_state s) noexcept;
// Accepts the stat texts above (any case) and the enum names ("delivered", ...).
std::optional<final_state> parse_final_state(std::string_view s) noexcept;

// What the carrier reports for a message: a final state and an error code
// (printed as err:NNN, three digits).
struct receipt_outcome {
    final_state state = final_state::delivered;
    std::uint16_t err = 0;
    bool succeeded() const noexcept { return state == final_state::delivered || state == final_state::accepted; }
    friend bool operator==(const receipt_outcome&, const receipt_outcome&) = default;
};
// "DELIVRD", "UNDELIV:5", "undeliverable:005". nullopt if malformed.
std::optional<receipt_outcome> parse_outcome(std::string_view s) noexcept;

// Whether registered_delivery (its low two bits, SMSC delivery receipt)
// asks for a receipt with this outcome: 1 always, 2 on failure, 3 on success.
bool receipt_wanted(std::uint8_t registered_delivery, const receipt_outcome& o) noexcept;

// YYMMDDhhmm in UTC.
std::string smpp_receipt_date(std::chrono::system_clock::time_point t);

// The first 20 characters of the message for the text: field. GSM/Latin-1
// style codings are copied byte for byte (non-printables become '.'), UCS-2
// is narrowed (non-ASCII becomes '?'), binary codings give "".
std::string receipt_excerpt(std::string_view short_message, std::uint8_t data_coding);

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
// Parses the text produced by format_receipt (and by most carriers): keys in
// this order, text: last and taking the rest of the string. nullopt when the
// id or stat field is missing.
std::optional<receipt_fields> parse_receipt(std::string_view s);

} // namespace twinsms::sim
