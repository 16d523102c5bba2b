#pragma once
// What the store keeps: messages accepted from clients (MT), deliveries
// waiting for a client (receipts and MO), and the events of each message's
// life. Plain values; message_codec.hpp turns them into LMDB bytes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace twinsms::store {

// Our message id: unique per node, increasing, never reused. Clients see it
// as 16 lower-case hex digits (to_string) in submit_sm_resp and receipts.
struct message_id {
    std::uint64_t value = 0;
    friend auto operator<=>(const message_id&, const message_id&) = default;
    std::string to_string() const;
    // Parses what to_string() produced (case-insensitive); false otherwise.
    static bool parse(std::string_view s, message_id& out) noexcept;
};

struct delivery_id {
    std::uint64_t value = 0;
    friend auto operator<=>(const delivery_id&, const delivery_id&) = default;
};

// Milliseconds since the Unix epoch (system clock): stored times must mean
// the same after a restart, which steady_clock does not.
using epoch_ms = std::int64_t;

enum class msg_state : std::uint8_t {
    accepted = 0,   // committed, not yet routed
    queued,         // routed, waiting for its attempt time (next_attempt)
    retry_pending,  // a temporary failure; next_attempt is the retry time
    submitted,      // the carrier accepted it (carrier_message_id known)
    delivered,      // final: receipt said DELIVRD
    undeliverable,  // final: receipt or permanent carrier error
    expired,        // final: validity period ran out
    rejected,       // final: no route / refused by every carrier
    cancelled,      // final: cancel_sm before it was submitted
};
std::string_view to_string(msg_state s) noexcept;
constexpr bool is_final(msg_state s) noexcept { return s >= msg_state::delivered; }
// Whether the message waits in the dispatch queue (queue index entry).
constexpr bool is_queued(msg_state s) noexcept {
    return s == msg_state::accepted || s == msg_state::queued || s == msg_state::retry_pending;
}

// One line of a message's history (message log).
struct event {
    epoch_ms at = 0;
    msg_state state = msg_state::accepted;
    std::uint32_t status = 0;         // command_status or error involved
    std::string detail;               // carrier, carrier id, reason, ...
    friend bool operator==(const event&, const event&) = default;
};

struct message {
    message_id id;
    std::string account;              // system_id of the client that submitted it
    epoch_ms accepted_at = 0;
    epoch_ms not_before = 0;          // schedule_delivery_time (0: at once)
    epoch_ms expires_at = 0;          // validity deadline (0: node default applies)
    epoch_ms next_attempt = 0;        // queue order while is_queued(state)
    epoch_ms done_at = 0;             // when it reached a final state
    msg_state state = msg_state::accepted;
    std::uint32_t attempts = 0;       // submissions to carriers so far
    // Set when an attempt was handed to a carrier and no answer is stored
    // yet. Still set at startup: sent before a crash, resent (at-least-once)
    // and counted as a possible duplicate.
    bool in_flight = false;
    std::uint32_t last_status = 0;    // last carrier command_status or our error code
    std::string route;                // route rule that matched
    std::string carrier;              // carrier of the last attempt
    std::string carrier_message_id;   // the carrier's id once submitted
    // The request as accepted (submit_sm or data_sm, sequence_number 0),
    // encoded: the carrier gets it back with the client's fields untouched.
    std::vector<std::uint8_t> pdu;
    // Its history, oldest first, kept in the record: each state change
    // rewrites the record anyway, so a line costs no LMDB operation of its
    // own (a history table cost one per line, and one more to sweep it).
    std::vector<event> events;
};

// At most this many lines per message: add_event keeps the first (how it
// came in) and the latest ones, so a message retried for days stays small.
inline constexpr std::size_t max_events = 32;
void add_event(message& m, event e);

// An attempt handed to a carrier: the message and the attempt number it
// went as (its record's `attempts` once the outcome is stored).
struct in_flight_attempt {
    message_id id;
    std::uint32_t attempt = 0;
};

// A deliver_sm waiting for a client's receiver: a receipt for one of its
// messages, or MO routed to it.
struct delivery {
    delivery_id id;
    std::string account;              // the client that must receive it
    epoch_ms created_at = 0;
    epoch_ms expires_at = 0;          // dropped (and logged) after this
    message_id message;               // for receipts: our message; 0 for MO
    std::uint32_t attempts = 0;
    std::vector<std::uint8_t> pdu;    // encoded deliver_sm, sequence_number 0
};


} // namespace twinsms::store
