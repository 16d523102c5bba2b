// Credit amounts as text (config/amount.hpp).
#include "config/amount.hpp"

#include <charconv>

namespace twinsms::config {
namespace {
constexpr std::int64_t unit = 1'000'000;
constexpr std::int64_t max_amount = std::int64_t{1'000'000'000} * unit; // a billion: beyond any real account
} // namespace

std::string format_amount(std::int64_t micro) {
    const bool negative = micro < 0;
    const auto a = negative ? -static_cast<unsigned long long>(micro) : static_cast<unsigned long long>(micro);
    std::string out = (negative ? "-" : "") + std::to_string(a / unit);
    if (auto frac = a % unit) {
        std::string f = std::to_string(frac + unit).substr(1); // six digits, leading zeros kept
        while (f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out;
}

std::optional<std::int64_t> parse_amount(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) negative = s[0] == '-', s.remove_prefix(1);
    const auto dot = s.find('.');
    const auto whole = s.substr(0, dot);
    const auto frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
    if (whole.empty() || frac.size() > 6 || (dot != std::string_view::npos && frac.empty())) return std::nullopt;
    std::int64_t w = 0, f = 0;
    if (auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), w); ec != std::errc{} || p != whole.data() + whole.size())
        return std::nullopt;
    if (!frac.empty()) {
        if (auto [p, ec] = std::from_chars(frac.data(), frac.data() + frac.size(), f); ec != std::errc{} || p != frac.data() + frac.size())
            return std::nullopt;
        for (auto n = frac.size(); n < 6; ++n) f *= 10;
    }
    if (w > max_amount / unit) return std::nullopt;
    const auto v = w * unit + f;
    return negative ? -v : v;
}

} // namespace twinsms::config
