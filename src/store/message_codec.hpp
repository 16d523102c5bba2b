#pragma once
// Bytes of the store: the values (message, delivery, event) and the keys of
// the tables listed in message_store.hpp.
//
// Values start with a format version byte, then fields in a fixed order:
// integers as LEB128 varints (times zigzag, so a negative time costs no
// more than a positive one), strings and PDUs length-prefixed. Decoding
// checks every length against what is left and refuses unknown versions,
// out-of-range enums and trailing bytes: a corrupt record is reported as
// a failure, it never reads past the end.
//
// Keys are big-endian so that LMDB's bytewise order is numeric order
// (the queue index and the messages are scanned oldest first).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/message.hpp"

namespace twinsms::store {

inline constexpr std::uint8_t codec_version = 1;
// Messages are at version 2: version 1 and the history lines appended
// (version 1 records, without them, still decode).
inline constexpr std::uint8_t message_codec_version = 2;

std::string encode(const message& m);
std::string encode(const delivery& d);
std::string encode(const event& e);
// False on any malformed input; `out` is then unspecified.
bool decode(std::string_view in, message& out);
bool decode(std::string_view in, delivery& out);
bool decode(std::string_view in, event& out);

// The fields a retention sweep looks at, read without copying the rest.
struct message_head {
    message_id id;
    epoch_ms accepted_at = 0, done_at = 0;
    msg_state state = msg_state::accepted;
};
bool decode_head(std::string_view in, message_head& out);

// ---- big-endian helpers ----
void append_be64(std::string& out, std::uint64_t v);
void append_be32(std::string& out, std::uint32_t v);
// Reads at `at`; false when fewer than 8 (4) bytes are left.
bool read_be64(std::string_view in, std::size_t at, std::uint64_t& out) noexcept;
bool read_be32(std::string_view in, std::size_t at, std::uint32_t& out) noexcept;

// Times in keys: stored as unsigned, so a negative time (never expected)
// is clamped to 0 rather than sorting after every real one.
inline std::uint64_t time_key(epoch_ms t) noexcept { return t < 0 ? 0 : static_cast<std::uint64_t>(t); }

// ---- in-flight marks (table::in_flight) ----
// One mark covers the attempts the dispatcher handed to carriers together.
std::string encode_marks(const std::vector<in_flight_attempt>& a);
bool decode_marks(std::string_view in, std::vector<in_flight_attempt>& out);

// ---- table keys ----
namespace keys {
std::string message(message_id id);                                   // messages
std::string in_flight(const in_flight_attempt& first);                // in_flight: its first attempt
std::string queue(epoch_ms next_attempt, message_id id);              // queue
std::string finished(epoch_ms done_at, message_id id);                // finished
std::string history(message_id id, std::uint32_t n);                  // history
std::string delivery(std::string_view account, delivery_id id);       // deliveries
std::string delivery_prefix(std::string_view account);                // account \0
std::string receipt(std::string_view carrier, std::string_view carrier_id);
std::string receipt_value(message_id id, epoch_ms expires);

// Two be64 fields (queue keys, schema 1 finished keys; receipt values).
struct time_and_id {
    std::uint64_t at;
    std::uint64_t id;
};
std::optional<time_and_id> split_pair(std::string_view k) noexcept;

// A receipts value: the message and when the mapping expires.
struct receipt_target {
    message_id id;
    epoch_ms expires;
};
std::optional<receipt_target> split_receipt_value(std::string_view v) noexcept;
} // namespace keys

} // namespace twinsms::store
