#include "sms/sms_decode.hpp"

#include "sms/gsm_alphabet.hpp"
#include "sms/utf.hpp"

namespace twinsms::sms {
namespace {
constexpr char32_t replacement = 0xFFFD;

void from_gsm(std::string_view in, decoded_text& out) {
    for (std::size_t i = 0; i < in.size(); ++i) {
        const auto septet = static_cast<std::uint8_t>(in[i]);
        std::optional<char32_t> c;
        if (septet == 0x1B && i + 1 < in.size()) {
            c = gsm::extension_char(static_cast<std::uint8_t>(in[++i]));
        } else {
            c = gsm::basic_char(septet);
        }
        if (!c) out.lossy = true;
        utf::append_utf8(out.text, c.value_or(replacement));
    }
}

void from_ucs2(std::string_view in, decoded_text& out) {
    if (in.size() % 2) out.lossy = true; // a dangling octet is dropped
    for (std::size_t i = 0; i + 1 < in.size(); i += 2) {
        char32_t u = (static_cast<std::uint8_t>(in[i]) << 8) | static_cast<std::uint8_t>(in[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF && i + 3 < in.size()) {
            const char32_t lo = (static_cast<std::uint8_t>(in[i + 2]) << 8) | static_cast<std::uint8_t>(in[i + 3]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                utf::append_utf8(out.text, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            out.lossy = true;
            u = replacement;
        }
        utf::append_utf8(out.text, u);
    }
}
} // namespace

std::optional<decoded_text> decode_text(std::string_view octets, std::uint8_t data_coding, bool udhi) {
    decoded_text out;
    if (udhi && !octets.empty()) {
        const std::size_t n = std::min<std::size_t>(octets.size(), 1u + static_cast<std::uint8_t>(octets[0]));
        out.udh = std::string{octets.substr(0, n)};
        octets.remove_prefix(n);
    }
    switch (data_coding) {
    case 0x00: from_gsm(octets, out); break;
    case 0x01:
        for (unsigned char c : octets) {
            if (c >= 0x80) out.lossy = true;
            utf::append_utf8(out.text, c < 0x80 ? char32_t{c} : replacement);
        }
        break;
    case 0x03:
        for (unsigned char c : octets) utf::append_utf8(out.text, char32_t{c});
        break;
    case 0x08: from_ucs2(octets, out); break;
    default: return std::nullopt;
    }
    return out;
}

} // namespace twinsms::sms
