#pragma once
// Text to SMS, pure: which coding a UTF-8 text needs, and the parts it takes.
//
//   GSM 03.38 default alphabet (3GPP TS 23.038 6.2.1) with its extension
//   table (escape 0x1B, so an extension character costs two septets), chosen
//   when every character fits; otherwise UCS-2 (UTF-16BE; a character
//   outside the BMP is a surrogate pair, two units). Binary messages carry
//   octets as given.
//
//   One SMS holds 160 septets / 70 UCS-2 units / 140 octets. A longer message
//   is split into parts of 153 / 67 / 134, each led by a concatenation user
//   data header with an 8-bit reference (05 00 03 ref total seq, TS 23.040
//   9.2.3.24.1) and sent with esm_class UDHI. A part never ends inside an
//   escape pair or a surrogate pair, so such a part holds one unit less.
//
// GSM text is given to SMPP unpacked, one septet per octet (data_coding
// 0x00), as src/route/parts.hpp counts it: the SMSC packs it for the air.
// For texts whose parts need no shortening the part count here equals
// route::parts_for_length for the same octets (tests/sms checks that).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace twinsms::sms {

enum class coding : std::uint8_t { gsm7, ucs2, binary };
// What the sender asked for: automatic picks GSM when it fits, else UCS-2.
enum class text_coding : std::uint8_t { automatic, gsm7, ucs2 };

inline constexpr std::uint8_t data_coding_gsm7 = 0x00;   // SMSC default alphabet
inline constexpr std::uint8_t data_coding_binary = 0x04; // 8-bit data
inline constexpr std::uint8_t data_coding_ucs2 = 0x08;
inline constexpr std::uint8_t esm_class_udhi = 0x40;
inline constexpr std::uint8_t gsm_escape = 0x1B;

inline constexpr std::size_t max_parts = 255; // the header's total is one octet
inline constexpr std::size_t udh_concat_length = 6; // 05 00 03 ref total seq

struct limits {
    std::size_t single; // units in one SMS without a header
    std::size_t part;   // units in one part of a concatenated message
};
limits limits_of(coding c) noexcept;
std::uint8_t data_coding_of(coding c) noexcept;
std::string_view to_string(coding c) noexcept;

enum class text_errc {
    invalid_utf8 = 1, // the input is not well-formed UTF-8
    not_gsm,          // gsm7 asked for, and a character is not in the alphabet
    too_long,         // more than max_parts parts
};
const std::error_category& text_category() noexcept;
inline std::error_code make_error_code(text_errc e) noexcept { return {static_cast<int>(e), text_category()}; }

struct text_error {
    text_errc code{};
    std::size_t offset = 0; // byte offset in the UTF-8 input (invalid_utf8, not_gsm)
    std::string message;    // for people: what and where
};

// A value or the reason there is none.
template <class T> struct result {
    std::optional<T> value;
    text_error error;
    explicit operator bool() const noexcept { return value.has_value(); }
    const T& operator*() const { return *value; }
    const T* operator->() const { return &*value; }
};

// The whole message in its coding, before it is split.
struct encoded {
    coding c = coding::gsm7;
    // gsm7: one septet value (0..0x7F) per octet, an extension character as
    // 0x1B then its code; ucs2: UTF-16BE; binary: the octets.
    std::string data;
    // Septets, UTF-16 units or octets.
    std::size_t units() const noexcept { return c == coding::ucs2 ? data.size() / 2 : data.size(); }
};

// Encodes UTF-8 text. Invalid UTF-8 (bad or truncated sequences, overlong
// forms, surrogates, code points above U+10FFFF) is an error whatever the
// choice; so is a character outside the GSM alphabet when gsm7 is asked for.
result<encoded> encode_text(std::string_view utf8, text_coding choice = text_coding::automatic);
encoded encode_binary(std::string octets);

// Whether `cp` is in the GSM default alphabet (basic table) or its
// extension table (two septets).
bool in_gsm_basic(char32_t cp) noexcept;
bool in_gsm_extension(char32_t cp) noexcept;

// What goes to the SMSC: one short_message per part.
struct message_parts {
    coding c = coding::gsm7;
    std::uint8_t data_coding = data_coding_gsm7;
    std::uint8_t esm_class = 0;             // esm_class_udhi when concatenated
    std::vector<std::string> short_messages; // with the concatenation header when there are several
    std::size_t units = 0;                   // of the whole message
    std::size_t count() const noexcept { return short_messages.size(); }
};

// Splits `e`: one part without a header when it fits one SMS, else parts
// with the header and reference `ref`. An empty message is one empty part.
// More than max_parts parts is too_long.
result<message_parts> split(const encoded& e, std::uint8_t ref);

// How the parts of a concatenated message are marked. udh16 is the header
// with a 16-bit reference (06 08 04 ref ref total seq, TS 23.040
// 9.2.3.24.8), one octet longer, so a part holds one unit less (152 septets,
// 66 UCS-2 units, 133 octets). none leaves the header out: the caller marks
// the parts itself (SMPP SAR TLVs) and the SMSC puts the 8-bit header in on
// the air, so the parts are as long as udh8's; esm_class stays 0.
enum class concat_header : std::uint8_t { udh8, udh16, none };
result<message_parts> split(const encoded& e, std::uint16_t ref, concat_header header);

// How many parts `e` takes (what split() would give), or 0 past max_parts.
std::size_t count_parts(const encoded& e) noexcept;

// UTF-8 text of GSM septets (one per octet) or UTF-16BE, for logs and
// checks; nullopt for data that is not valid in that coding (a septet above
// 0x7F, an unknown escape, an odd length, a lone surrogate).
std::optional<std::string> to_utf8(coding c, std::string_view data);

} // namespace twinsms::sms

template <> struct std::is_error_code_enum<twinsms::sms::text_errc> : std::true_type {};
