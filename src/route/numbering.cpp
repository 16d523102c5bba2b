#include "route/numbering.hpp"

#include <algorithm>

namespace twinsms::route {
namespace {

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_separator(char c) noexcept { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

// The digits of a written number ("+44 (0)20 7946-0000" keeps its '+'), or
// nothing when it is not one (letters, or no digit at all).
bool number_digits(std::string_view s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (is_digit(c)) out.push_back(c);
        else if (c == '+' && out.empty() && i == s.find_first_not_of(' ')) out.push_back(c);
        else if (!is_separator(c)) return false;
    }
    return std::any_of(out.begin(), out.end(), is_digit);
}

bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }

} // namespace

number_kind kind_of(const address& a) noexcept {
    if (a.addr.empty()) return number_kind::empty;
    if (a.ton == ton::alphanumeric) return number_kind::alphanumeric;
    if (a.ton == ton::international) return number_kind::international;
    return number_kind::short_code;
}

address normalise(const config::numbering_settings& p, std::string_view written, std::uint8_t t, std::uint8_t n,
                  bool rewrites) {
    if (written.empty()) return {std::string{}, t, n};
    std::string s{written};
    for (const auto& w : p.rewrites) // longest prefix first (config/addressing.cpp)
        if (rewrites && starts_with(s, w.prefix)) {
            s = w.replacement + s.substr(w.prefix.size());
            break;
        }
    std::string d;
    if (t == ton::alphanumeric || !number_digits(s, d)) return {std::move(s), ton::alphanumeric, npi::unknown};
    const auto international = [](std::string digits) { return address{std::move(digits), ton::international, npi::isdn}; };
    for (const auto& pre : p.international) // longest first
        if (starts_with(d, pre)) return international(d.substr(pre.size()));
    if (d.front() == '+') d.erase(0, 1); // '+' not listed as international: still not a digit
    if (t == ton::international) return international(std::move(d));
    if (!p.country.empty()) {
        if (!p.trunk.empty() && starts_with(d, p.trunk) && (t == ton::national || d.size() > p.short_code_max))
            return international(p.country + d.substr(p.trunk.size()));
        if (t == ton::national) return international(p.country + d);
    }
    if (d.size() <= p.short_code_max) return {std::move(d), p.short_code_ton, p.short_code_npi};
    return international(std::move(d));
}

address present(const config::numbering_settings& p, const address& routed) {
    if (kind_of(routed) != number_kind::international) return routed;
    switch (p.format) {
    case config::number_format::international: return routed;
    case config::number_format::plus: return {"+" + routed.addr, ton::international, npi::isdn};
    case config::number_format::national:
        if (!p.country.empty() && starts_with(routed.addr, p.country) && routed.addr.size() > p.country.size())
            return {p.trunk + routed.addr.substr(p.country.size()), ton::national, npi::isdn};
        return routed; // a foreign number stays international
    }
    return routed;
}

} // namespace twinsms::route
