#pragma once
// The GSM 03.38 default alphabet and its extension table (internal).
#include <cstdint>
#include <optional>

namespace twinsms::sms::gsm {

// The septet of `cp` in the basic table, or in the extension table (sent
// after the 0x1B escape); nullopt when it is not there.
std::optional<std::uint8_t> basic_septet(char32_t cp) noexcept;
std::optional<std::uint8_t> extension_septet(char32_t cp) noexcept;

// The character of a basic septet (0..0x7F, not 0x1B), or of an extension
// code; nullopt for the escape itself, values above 0x7F and unassigned codes.
std::optional<char32_t> basic_char(std::uint8_t septet) noexcept;
std::optional<char32_t> extension_char(std::uint8_t code) noexcept;

} // namespace twinsms::sms::gsm
