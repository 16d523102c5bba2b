#include "receipt.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace twinsms::sim {
namespace {

struct state_name {
    final_state state;
    std::string_view stat;
    std::string_view name;
};
constexpr std::array<state_name, 8> states{{
    {final_state::enroute, "ENROUTE", "enroute"},
    {final_state::delivered, "DELIVRD", "delivered"},
    {final_state::expired, "EXPIRED", "expired"},
    {final_state::deleted, "DELETED", "deleted"},
    {final_state::undeliverable, "UNDELIV", "undeliverable"},
    {final_state::accepted, "ACCEPTD", "accepted"},
    {final_state::unknown, "UNKNOWN", "unknown"},
    {final_state::rejected, "REJECTD", "rejected"},
}};

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

bool parse_uint(std::string_view s, unsigned& out) noexcept {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

} // namespace

std::string_view stat_text(final_state s) noexcept {
    for (const auto& e : states)
        if (e.state == s) return e.stat;
    return "UNKNOWN";
}

std::optional<final_state> parse_final_state(std::string_view s) noexcept {
    for (const auto& e : states)
        if (iequals(s, e.stat) || iequals(s, e.name)) return e.state;
    return std::nullopt;
}

std::optional<receipt_outcome> parse_outcome(std::string_view s) noexcept {
    receipt_outcome o;
    const auto colon = s.find(':');
    auto st = parse_final_state(s.substr(0, colon));
    if (!st) return std::nullopt;
    o.state = *st;
    if (colon != std::string_view::npos) {
        unsigned err = 0;
        if (!parse_uint(s.substr(colon + 1), err) || err > 999) return std::nullopt;
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
    const std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d%02d%02d", tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                  tm.tm_min);
    return buf;
}

std::string receipt_excerpt(std::string_view sm, std::uint8_t dc) {
    constexpr std::size_t n = 20;
    std::string out;
    if (dc == 0x08) { // UCS-2 big endian
        for (std::size_t i = 0; i + 1 < sm.size() && out.size() < n; i += 2) {
            const unsigned u = (static_cast<unsigned char>(sm[i]) << 8) | static_cast<unsigned char>(sm[i + 1]);
            out += (u >= 0x20 && u < 0x7F) ? static_cast<char>(u) : '?';
        }
        return out;
    }
    if (dc == 0x02 || dc == 0x04 || (dc & 0xF4) == 0xF4) return out; // 8-bit binary
    for (std::size_t i = 0; i < sm.size() && out.size() < n; ++i) {
        const auto c = static_cast<unsigned char>(sm[i]);
        out += (c >= 0x20 && c != 0x7F) ? static_cast<char>(c) : '.';
    }
    return out;
}

std::string format_receipt(const receipt_fields& f) {
    char nums[64];
    std::string s;
    s.reserve(160);
    s += "id:";
    s += f.id;
    std::snprintf(nums, sizeof nums, " sub:%03u dlvrd:%03u", f.sub % 1000, f.dlvrd % 1000);
    s += nums;
    s += " submit date:";
    s += f.submit_date;
    s += " done date:";
    s += f.done_date;
    s += " stat:";
    s += f.stat;
    std::snprintf(nums, sizeof nums, " err:%03u", f.err % 1000);
    s += nums;
    s += " text:";
    s += f.text;
    return s;
}

std::optional<receipt_fields> parse_receipt(std::string_view s) {
    // Each key is found after the previous one, so "text:" content cannot
    // shadow an earlier field.
    static constexpr std::array<std::string_view, 8> keys{"id:", " sub:", " dlvrd:", " submit date:",
                                                         " done date:", " stat:", " err:", " text:"};
    std::array<std::size_t, 8> at{};
    std::size_t from = 0;
    for (std::size_t k = 0; k < keys.size(); ++k) {
        const auto p = s.find(keys[k], from);
        if (p == std::string_view::npos) {
            at[k] = std::string_view::npos;
            continue;
        }
        at[k] = p;
        from = p + keys[k].size();
    }
    if (at[0] != 0 || at[5] == std::string_view::npos) return std::nullopt;
    auto value = [&](std::size_t k) -> std::string_view {
        if (at[k] == std::string_view::npos) return {};
        const auto start = at[k] + keys[k].size();
        std::size_t end = s.size();
        for (std::size_t j = k + 1; j < keys.size(); ++j)
            if (at[j] != std::string_view::npos) {
                end = at[j];
                break;
            }
        return s.substr(start, end - start);
    };
    receipt_fields f;
    f.id = value(0);
    if (!parse_uint(value(1), f.sub)) f.sub = 0;
    if (!parse_uint(value(2), f.dlvrd)) f.dlvrd = 0;
    f.submit_date = value(3);
    f.done_date = value(4);
    f.stat = value(5);
    if (!parse_uint(value(6), f.err)) f.err = 0;
    f.text = value(7);
    if (f.id.empty() || f.stat.empty()) return std::nullopt;
    return f;
}

} // namespace twinsms::sim
