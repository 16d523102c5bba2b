#pragma once
// Delivery receipts as the simulator sends them. The receipt text itself
// (format, lenient parse, excerpt) and the message_state values are the
// router's own code in src/route/receipt_text.hpp, so the simulator and
// twinsmsd cannot drift apart; what is here is the simulator's side: the
// outcome it is told to report and whether registered_delivery asks for it.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "route/receipt_text.hpp"

namespace twinsms::sim {

// SMPP 3.4 section 5.2.28 message_state values.
using final_state = route::message_state;
// "DELIVRD", "UNDELIV", "EXPIRED", "DELETED", "ACCEPTD", "UNKNOWN", "REJECTD", "ENROUTE".
using route::stat_text;
// Accepts the stat texts above (any case) and the enum names ("delivered", ...).
inline std::optional<final_state> parse_final_state(std::string_view s) noexcept { return route::parse_stat(s); }

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

using route::format_receipt;
using route::parse_receipt;
using route::receipt_excerpt;
using route::receipt_fields;

} // namespace twinsms::sim
