// Big-endian helpers and the keys of the store's tables (message_store.hpp
// lists them). Big-endian so that LMDB's bytewise order is numeric order.
#include "store/message_codec.hpp"

namespace twinsms::store {

// ---- big-endian helpers ----

void append_be64(std::string& out, std::uint64_t v) {
    char b[8];
    for (int i = 7; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
    out.append(b, 8);
}

void append_be32(std::string& out, std::uint32_t v) {
    char b[4];
    for (int i = 3; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
    out.append(b, 4);
}

bool read_be64(std::string_view in, std::size_t at, std::uint64_t& out) noexcept {
    if (at > in.size() || in.size() - at < 8) return false;
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[at + i]);
    out = v;
    return true;
}

bool read_be32(std::string_view in, std::size_t at, std::uint32_t& out) noexcept {
    if (at > in.size() || in.size() - at < 4) return false;
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[at + i]);
    out = v;
    return true;
}

// ---- table keys ----
namespace keys {
namespace {
std::string pair(std::uint64_t a, std::uint64_t b) {
    std::string k;
    k.reserve(16);
    append_be64(k, a);
    append_be64(k, b);
    return k;
}
} // namespace

std::string message(message_id id) {
    std::string k;
    append_be64(k, id.value);
    return k;
}

std::string in_flight(const in_flight_attempt& first) {
    std::string k = message(first.id);
    append_be32(k, first.attempt);
    return k;
}

std::string queue(epoch_ms next_attempt, message_id id) { return pair(time_key(next_attempt), id.value); }
std::string finished(epoch_ms done_at, message_id id) { return pair(time_key(done_at), id.value); }

std::string history(message_id id, std::uint32_t n) {
    std::string k;
    k.reserve(12);
    append_be64(k, id.value);
    append_be32(k, n);
    return k;
}

std::string delivery_prefix(std::string_view account) {
    std::string k{account};
    k += '\0';
    return k;
}

std::string delivery(std::string_view account, delivery_id id) {
    std::string k = delivery_prefix(account);
    append_be64(k, id.value);
    return k;
}

std::string receipt(std::string_view carrier, std::string_view carrier_id) {
    std::string k;
    k.reserve(carrier.size() + 1 + carrier_id.size());
    k += carrier;
    k += '\0';
    k += carrier_id;
    return k;
}

std::string receipt_value(message_id id, epoch_ms expires) { return pair(id.value, time_key(expires)); }

std::optional<time_and_id> split_pair(std::string_view k) noexcept {
    time_and_id p{};
    if (k.size() != 16 || !read_be64(k, 0, p.at) || !read_be64(k, 8, p.id)) return std::nullopt;
    return p;
}

std::optional<receipt_target> split_receipt_value(std::string_view v) noexcept {
    const auto p = split_pair(v);
    if (!p) return std::nullopt;
    return receipt_target{{p->at}, static_cast<epoch_ms>(p->id)};
}

} // namespace keys
} // namespace twinsms::store
