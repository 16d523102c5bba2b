// 3GPP TS 23.038 6.2.1 (default alphabet) and 6.2.1.1 (extension table),
// as Unicode code points (the mapping of unicode.org's GSM0338.TXT).
#include "sms/gsm_alphabet.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace twinsms::sms::gsm {
namespace {

constexpr char32_t none = 0xFFFFFFFF;

// Index: septet value. 0x1B is the escape to the extension table.
constexpr std::array<char32_t, 128> basic{
    U'@',  U'£',  U'$',  U'¥',  U'è',  U'é',  U'ù',  U'ì',  U'ò',  U'Ç',  U'\n', U'Ø',  U'ø',  U'\r', U'Å',  U'å',
    U'Δ',  U'_',  U'Φ',  U'Γ',  U'Λ',  U'Ω',  U'Π',  U'Ψ',  U'Σ',  U'Θ',  U'Ξ',  none,  U'Æ',  U'æ',  U'ß',  U'É',
    U' ',  U'!',  U'"',  U'#',  U'¤',  U'%',  U'&',  U'\'', U'(',  U')',  U'*',  U'+',  U',',  U'-',  U'.',  U'/',
    U'0',  U'1',  U'2',  U'3',  U'4',  U'5',  U'6',  U'7',  U'8',  U'9',  U':',  U';',  U'<',  U'=',  U'>',  U'?',
    U'¡',  U'A',  U'B',  U'C',  U'D',  U'E',  U'F',  U'G',  U'H',  U'I',  U'J',  U'K',  U'L',  U'M',  U'N',  U'O',
    U'P',  U'Q',  U'R',  U'S',  U'T',  U'U',  U'V',  U'W',  U'X',  U'Y',  U'Z',  U'Ä',  U'Ö',  U'Ñ',  U'Ü',  U'§',
    U'¿',  U'a',  U'b',  U'c',  U'd',  U'e',  U'f',  U'g',  U'h',  U'i',  U'j',  U'k',  U'l',  U'm',  U'n',  U'o',
    U'p',  U'q',  U'r',  U's',  U't',  U'u',  U'v',  U'w',  U'x',  U'y',  U'z',  U'ä',  U'ö',  U'ñ',  U'ü',  U'à',
};

// (code after the escape, character)
constexpr std::array<std::pair<std::uint8_t, char32_t>, 10> extension{{
    {0x0A, U'\f'}, {0x14, U'^'}, {0x28, U'{'}, {0x29, U'}'}, {0x2F, U'\\'},
    {0x3C, U'['},  {0x3D, U'~'}, {0x3E, U']'}, {0x40, U'|'}, {0x65, U'€'},
}};

// The basic table sorted by character, for lookups.
struct by_char {
    std::array<std::pair<char32_t, std::uint8_t>, 127> entries{};
    by_char() {
        std::size_t n = 0;
        for (std::size_t s = 0; s < basic.size(); ++s)
            if (basic[s] != none) entries[n++] = {basic[s], static_cast<std::uint8_t>(s)};
        std::sort(entries.begin(), entries.end());
    }
};

} // namespace

std::optional<std::uint8_t> basic_septet(char32_t cp) noexcept {
    static const by_char index;
    const auto it = std::lower_bound(index.entries.begin(), index.entries.end(), std::pair<char32_t, std::uint8_t>{cp, 0});
    if (it == index.entries.end() || it->first != cp) return std::nullopt;
    return it->second;
}

std::optional<std::uint8_t> extension_septet(char32_t cp) noexcept {
    for (const auto& [code, c] : extension)
        if (c == cp) return code;
    return std::nullopt;
}

std::optional<char32_t> basic_char(std::uint8_t septet) noexcept {
    if (septet >= basic.size() || basic[septet] == none) return std::nullopt;
    return basic[septet];
}

std::optional<char32_t> extension_char(std::uint8_t code) noexcept {
    for (const auto& [k, c] : extension)
        if (k == code) return c;
    return std::nullopt;
}

} // namespace twinsms::sms::gsm
