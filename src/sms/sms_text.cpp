#include "sms/sms_text.hpp"

#include <cstdio>
#include <utility>

#include "sms/gsm_alphabet.hpp"
#include "sms/utf.hpp"

namespace twinsms::sms {
namespace {

class text_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "sms_text"; }
    std::string message(int e) const override {
        switch (static_cast<text_errc>(e)) {
        case text_errc::invalid_utf8: return "invalid UTF-8";
        case text_errc::not_gsm: return "character not in the GSM 03.38 alphabet";
        case text_errc::too_long: return "message needs more than 255 parts";
        }
        return "unknown sms_text error";
    }
};

text_error error_at(text_errc code, std::size_t offset, std::string message) {
    return {code, offset, std::move(message)};
}

std::string code_point_name(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
}

// The length of the indivisible unit starting at `at`: an escape pair, a
// surrogate pair, or one septet / UTF-16 unit / octet.
std::size_t atom(coding c, std::string_view d, std::size_t at) noexcept {
    const auto left = d.size() - at;
    switch (c) {
    case coding::gsm7: return static_cast<std::uint8_t>(d[at]) == gsm_escape && left >= 2 ? 2 : 1;
    case coding::ucs2: {
        if (left < 2) return left;
        const auto hi = static_cast<std::uint8_t>(d[at]);
        const bool lead = hi >= 0xD8 && hi <= 0xDB;
        const bool trail_follows = left >= 4 && static_cast<std::uint8_t>(d[at + 2]) >= 0xDC &&
                                   static_cast<std::uint8_t>(d[at + 2]) <= 0xDF;
        return lead && trail_follows ? 4 : 2;
    }
    case coding::binary: return 1;
    }
    return 1;
}

// Octets of one concatenated part's payload: the 16-bit reference header
// takes one octet more, a septet more of GSM text and a unit more of UCS-2.
std::size_t part_octets(coding c, concat_header h) noexcept {
    const auto l = limits_of(c);
    const std::size_t less = h == concat_header::udh16 ? 1 : 0;
    return c == coding::ucs2 ? (l.part - less) * 2 : l.part - less;
}

// Where the parts of a message longer than one SMS begin and end; stops
// once it has more than max_parts ranges (the message is too long then).
std::vector<std::pair<std::size_t, std::size_t>> cut(const encoded& e, concat_header h = concat_header::udh8) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    const std::string_view d = e.data;
    const auto cap = part_octets(e.c, h);
    std::size_t begin = 0, at = 0;
    while (at < d.size()) {
        const auto n = atom(e.c, d, at);
        if (at + n - begin > cap) {
            out.emplace_back(begin, at - begin);
            if (out.size() > max_parts) return out;
            begin = at;
        }
        at += n;
    }
    out.emplace_back(begin, at - begin);
    return out;
}

bool fits_one(const encoded& e) noexcept { return e.units() <= limits_of(e.c).single; }

} // namespace

const std::error_category& text_category() noexcept {
    static const text_category_impl c;
    return c;
}

limits limits_of(coding c) noexcept {
    switch (c) {
    case coding::gsm7: return {160, 153};
    case coding::ucs2: return {70, 67};
    case coding::binary: return {140, 134};
    }
    return {140, 134};
}

std::uint8_t data_coding_of(coding c) noexcept {
    switch (c) {
    case coding::gsm7: return data_coding_gsm7;
    case coding::ucs2: return data_coding_ucs2;
    case coding::binary: return data_coding_binary;
    }
    return data_coding_binary;
}

std::string_view to_string(coding c) noexcept {
    switch (c) {
    case coding::gsm7: return "gsm";
    case coding::ucs2: return "ucs2";
    case coding::binary: return "binary";
    }
    return "?";
}

bool in_gsm_basic(char32_t cp) noexcept { return gsm::basic_septet(cp).has_value(); }
bool in_gsm_extension(char32_t cp) noexcept { return gsm::extension_septet(cp).has_value(); }

result<encoded> encode_text(std::string_view utf8, text_coding choice) {
    std::vector<std::pair<char32_t, std::size_t>> cps; // code point, byte offset
    cps.reserve(utf8.size());
    for (std::size_t at = 0; at < utf8.size();) {
        const auto d = utf::decode_utf8(utf8, at);
        if (!d) return {std::nullopt, error_at(text_errc::invalid_utf8, at, "invalid UTF-8 at byte " + std::to_string(at))};
        cps.emplace_back(d->cp, at);
        at += d->length;
    }
    if (choice != text_coding::ucs2) {
        encoded g{coding::gsm7, {}};
        g.data.reserve(cps.size());
        bool fits = true;
        for (const auto& [cp, at] : cps) {
            if (const auto s = gsm::basic_septet(cp)) {
                g.data += static_cast<char>(*s);
            } else if (const auto x = gsm::extension_septet(cp)) {
                g.data += static_cast<char>(gsm_escape);
                g.data += static_cast<char>(*x);
            } else {
                if (choice == text_coding::gsm7)
                    return {std::nullopt, error_at(text_errc::not_gsm, at,
                                                   code_point_name(cp) + " at byte " + std::to_string(at) +
                                                       " is not in the GSM 03.38 alphabet")};
                fits = false;
                break;
            }
        }
        if (fits) return {std::move(g), {}};
    }
    encoded u{coding::ucs2, {}};
    u.data.reserve(cps.size() * 2);
    for (const auto& [cp, at] : cps) utf::append_utf16be(u.data, cp);
    return {std::move(u), {}};
}

encoded encode_binary(std::string octets) { return {coding::binary, std::move(octets)}; }

std::size_t count_parts(const encoded& e) noexcept {
    if (fits_one(e)) return 1;
    const auto n = cut(e).size();
    return n > max_parts ? 0 : n;
}

result<message_parts> split(const encoded& e, std::uint8_t ref) { return split(e, ref, concat_header::udh8); }

result<message_parts> split(const encoded& e, std::uint16_t ref, concat_header header) {
    message_parts p;
    p.c = e.c;
    p.data_coding = data_coding_of(e.c);
    p.units = e.units();
    if (fits_one(e)) {
        p.short_messages.push_back(e.data);
        return {std::move(p), {}};
    }
    const auto ranges = cut(e, header);
    if (ranges.size() > max_parts)
        return {std::nullopt, error_at(text_errc::too_long, 0,
                                       "the message needs more than " + std::to_string(max_parts) + " parts (" +
                                           std::to_string(p.units) + " " + std::string{to_string(e.c)} + " units)")};
    p.esm_class = header == concat_header::none ? 0 : esm_class_udhi;
    const auto total = static_cast<char>(ranges.size());
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        const auto seq = static_cast<char>(i + 1);
        std::string sm;
        if (header == concat_header::udh8) sm = {'\x05', '\x00', '\x03', static_cast<char>(ref & 0xFF), total, seq};
        if (header == concat_header::udh16)
            sm = {'\x06', '\x08', '\x04', static_cast<char>(ref >> 8), static_cast<char>(ref & 0xFF), total, seq};
        sm.append(e.data, ranges[i].first, ranges[i].second);
        p.short_messages.push_back(std::move(sm));
    }
    return {std::move(p), {}};
}

std::optional<std::string> to_utf8(coding c, std::string_view d) {
    std::string out;
    if (c == coding::gsm7) {
        for (std::size_t i = 0; i < d.size(); ++i) {
            const auto s = static_cast<std::uint8_t>(d[i]);
            std::optional<char32_t> cp;
            if (s == gsm_escape) cp = i + 1 < d.size() ? gsm::extension_char(static_cast<std::uint8_t>(d[++i])) : std::nullopt;
            else cp = gsm::basic_char(s);
            if (!cp) return std::nullopt;
            utf::append_utf8(out, *cp);
        }
        return out;
    }
    if (c == coding::ucs2) {
        if (d.size() % 2) return std::nullopt;
        const auto unit = [&](std::size_t i) {
            return static_cast<char32_t>(static_cast<std::uint8_t>(d[i]) << 8 | static_cast<std::uint8_t>(d[i + 1]));
        };
        for (std::size_t i = 0; i < d.size(); i += 2) {
            char32_t u = unit(i);
            if (u >= 0xDC00 && u <= 0xDFFF) return std::nullopt; // a trail surrogate first
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 4 > d.size()) return std::nullopt;
                const char32_t t = unit(i + 2);
                if (t < 0xDC00 || t > 0xDFFF) return std::nullopt;
                u = 0x10000 + ((u - 0xD800) << 10) + (t - 0xDC00);
                i += 2;
            }
            utf::append_utf8(out, u);
        }
        return out;
    }
    return std::nullopt; // binary has no text
}

} // namespace twinsms::sms
