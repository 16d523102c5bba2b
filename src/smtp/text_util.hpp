#pragma once
// Small string helpers of the smtp module (internal).
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

namespace twinsms::smtp::text {

inline bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

inline std::string lower(std::string_view s) {
    std::string out{s};
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}
inline std::string upper(std::string_view s) {
    std::string out{s};
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}
inline bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}
// Spaces and tabs.
inline std::string_view ltrim(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.front())) s.remove_prefix(1);
    return s;
}
inline std::string_view rtrim(std::string_view s) noexcept {
    while (!s.empty() && is_wsp(s.back())) s.remove_suffix(1);
    return s;
}
// All whitespace, line breaks included.
inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

// One line of `s` starting at `at`: its text without CR LF, and where the next starts.
struct line_view {
    std::string_view text;
    std::size_t next;
};
inline line_view line_at(std::string_view s, std::size_t at) noexcept {
    const auto nl = s.find('\n', at);
    const auto end = nl == std::string_view::npos ? s.size() : nl;
    auto text = s.substr(at, end - at);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    return {text, nl == std::string_view::npos ? s.size() : nl + 1};
}

} // namespace twinsms::smtp::text
