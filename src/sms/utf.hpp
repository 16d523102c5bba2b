#pragma once
// UTF-8 and UTF-16 helpers of the sms module (internal).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::sms::utf {

// The code point starting at `at`, and how many bytes it took; nullopt for
// an ill-formed sequence (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF, no truncation).
struct decoded {
    char32_t cp;
    std::size_t length;
};
std::optional<decoded> decode_utf8(std::string_view s, std::size_t at) noexcept;

void append_utf8(std::string& out, char32_t cp);
// UTF-16BE, a surrogate pair above U+FFFF.
void append_utf16be(std::string& out, char32_t cp);

} // namespace twinsms::sms::utf
