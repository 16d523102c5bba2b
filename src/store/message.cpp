#include "store/message.hpp"

namespace twinsms::store {

std::string message_id::to_string() const {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s(16, '0');
    std::uint64_t v = value;
    for (int i = 15; i >= 0; --i, v >>= 4) s[static_cast<std::size_t>(i)] = digits[v & 0xf];
    return s;
}

bool message_id::parse(std::string_view s, message_id& out) noexcept {
    // Exactly 16 digits: ids reach clients only through to_string(), so any
    // other length is not one of ours (and a shorter one would be ambiguous
    // with a carrier's id in logs).
    if (s.size() != 16) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        unsigned d;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return false;
        v = (v << 4) | d;
    }
    out.value = v;
    return true;
}

void add_event(message& m, event e) {
    if (m.events.size() >= max_events) m.events.erase(m.events.begin() + 1);
    m.events.push_back(std::move(e));
}

std::string_view to_string(msg_state s) noexcept {
    switch (s) {
    case msg_state::accepted: return "accepted";
    case msg_state::queued: return "queued";
    case msg_state::retry_pending: return "retry_pending";
    case msg_state::submitted: return "submitted";
    case msg_state::delivered: return "delivered";
    case msg_state::undeliverable: return "undeliverable";
    case msg_state::expired: return "expired";
    case msg_state::rejected: return "rejected";
    case msg_state::cancelled: return "cancelled";
    }
    return "unknown";
}

} // namespace twinsms::store
