#include "receipt.hpp"

#include <charconv>

#include "route/smpp_time.hpp"

namespace twinsms::sim {

std::optional<receipt_outcome> parse_outcome(std::string_view s) noexcept {
    receipt_outcome o;
    const auto colon = s.find(':');
    auto st = parse_final_state(s.substr(0, colon));
    if (!st) return std::nullopt;
    o.state = *st;
    if (colon != std::string_view::npos) {
        const auto e = s.substr(colon + 1);
        unsigned err = 0;
        auto [p, ec] = std::from_chars(e.data(), e.data() + e.size(), err);
        if (e.empty() || ec != std::errc{} || p != e.data() + e.size() || err > 999) return std::nullopt;
        o.err = static_cast<std::uint16_t>(err);
    }
    return o;
}

bool receipt_wanted(std::uint8_t registered_delivery, const receipt_outcome& o) noexcept {
    switch (registered_delivery & 0x03) {
    case 1: return true;
    case 2: return !o.succeeded();
    case 3: return o.succeeded();
    default: return false;
    }
}

std::string smpp_receipt_date(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    return route::format_receipt_date(duration_cast<milliseconds>(t.time_since_epoch()).count());
}

} // namespace twinsms::sim
