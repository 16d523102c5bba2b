// Transfer encodings, charsets and RFC 2047 encoded words (mime.hpp).
#include <array>

#include "sms/utf.hpp"
#include "smtp/mime.hpp"
#include "smtp/text_util.hpp"
#include "util/base64.hpp"

namespace twinsms::smtp::mime {
namespace {
using namespace text;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// windows-1252 0x80..0x9F (0 where the code page leaves a hole).
constexpr std::array<char16_t, 32> cp1252_high{
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

std::string from_single_byte(std::string_view bytes, bool cp1252) {
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) {
        char32_t cp = c;
        if (cp1252 && c >= 0x80 && c <= 0x9F) cp = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
        sms::utf::append_utf8(out, cp);
    }
    return out;
}

bool valid_utf8(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        auto d = sms::utf::decode_utf8(s, i);
        if (!d) return false;
        i += d->length;
    }
    return true;
}

std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (auto d = sms::utf::decode_utf8(s, i)) {
            out.append(s.substr(i, d->length));
            i += d->length;
        } else {
            sms::utf::append_utf8(out, 0xFFFD);
            ++i;
        }
    }
    return out;
}

// 8-bit text that claims to be ASCII (or claims nothing) is usually UTF-8;
// when it is not, windows-1252 is the likeliest.
std::string lenient_ascii(std::string_view bytes) {
    return valid_utf8(bytes) ? std::string{bytes} : from_single_byte(bytes, true);
}

} // namespace

std::string decode_base64(std::string_view in) { return base64_decode_lenient(in); }

std::string decode_quoted_printable(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t at = 0; at < in.size();) {
        const auto l = line_at(in, at);
        auto text = l.text;
        while (!text.empty() && is_wsp(text.back())) text.remove_suffix(1); // added in transport (RFC 2045 6.7 (3))
        bool soft = false;
        if (!text.empty() && text.back() == '=') {
            soft = true;
            text.remove_suffix(1);
        }
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '=' && i + 2 < text.size()) {
                const int hi = hex_value(text[i + 1]);
                const int lo = hex_value(text[i + 2]);
                if (hi >= 0 && lo >= 0) {
                    out += static_cast<char>(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out += text[i]; // a stray '=' stays as written
        }
        const bool had_break = l.next <= in.size() && l.next > at && in[l.next - 1] == '\n';
        if (!soft && had_break) out += '\n';
        at = l.next;
    }
    return out;
}

std::optional<std::string> to_utf8(std::string_view charset, std::string_view bytes) {
    auto cs = lower(trim(charset));
    cs.erase(std::remove(cs.begin(), cs.end(), '"'), cs.end());
    if (cs == "utf-8" || cs == "utf8") return repair_utf8(bytes);
    if (cs.empty() || cs == "us-ascii" || cs == "ascii" || cs == "ansi_x3.4-1968") return lenient_ascii(bytes);
    if (cs == "iso-8859-1" || cs == "iso8859-1" || cs == "iso_8859-1" || cs == "latin1" || cs == "latin-1" ||
        cs == "l1")
        return from_single_byte(bytes, false);
    if (cs == "windows-1252" || cs == "cp1252") return from_single_byte(bytes, true);
    return std::nullopt;
}

std::string decode_header_value(std::string_view v) {
    std::string out;
    std::string pending_space; // whitespace after an encoded word, dropped if another follows
    bool after_word = false;
    std::size_t i = 0;
    auto plain = [&](std::string_view s) {
        out += pending_space;
        pending_space.clear();
        out += lenient_ascii(s);
        after_word = false;
    };
    while (i < v.size()) {
        // =?charset?B|Q?text?=
        if (v.substr(i, 2) == "=?") {
            const auto q1 = v.find('?', i + 2);
            const auto q2 = q1 == std::string_view::npos ? q1 : v.find('?', q1 + 1);
            const auto end = q2 == std::string_view::npos ? q2 : v.find("?=", q2 + 1);
            if (end != std::string_view::npos && q2 == q1 + 2) {
                auto charset = v.substr(i + 2, q1 - i - 2);
                if (auto star = charset.find('*'); star != std::string_view::npos) charset = charset.substr(0, star); // RFC 2231 language
                const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(v[q1 + 1])));
                const auto text = v.substr(q2 + 1, end - q2 - 1);
                std::string bytes;
                if (enc == 'B') bytes = decode_base64(text);
                else if (enc == 'Q') {
                    for (std::size_t k = 0; k < text.size(); ++k) {
                        if (text[k] == '_') bytes += ' ';
                        else if (text[k] == '=' && k + 2 < text.size() && hex_value(text[k + 1]) >= 0 && hex_value(text[k + 2]) >= 0) {
                            bytes += static_cast<char>(hex_value(text[k + 1]) * 16 + hex_value(text[k + 2]));
                            k += 2;
                        } else bytes += text[k];
                    }
                }
                auto decoded = (enc == 'B' || enc == 'Q') ? to_utf8(charset, bytes) : std::nullopt;
                if (decoded) {
                    if (!after_word) out += pending_space;
                    pending_space.clear();
                    out += *decoded;
                    after_word = true;
                    i = end + 2;
                    continue;
                }
            }
        }
        if (is_wsp(v[i]) || v[i] == '\r' || v[i] == '\n') {
            if (after_word) pending_space += ' ';
            else out += ' ';
            ++i;
            continue;
        }
        auto next = i + 1;
        while (next < v.size() && !is_wsp(v[next]) && v[next] != '\r' && v[next] != '\n' && v.substr(next, 2) != "=?") ++next;
        plain(v.substr(i, next - i));
        i = next;
    }
    out += pending_space;
    return std::string{trim(out)};
}

} // namespace twinsms::smtp::mime
