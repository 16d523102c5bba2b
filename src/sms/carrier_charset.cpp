#include "sms/carrier_charset.hpp"

#include <cstdio>

#include "sms/gsm_alphabet.hpp"
#include "sms/sms_decode.hpp"
#include "sms/sms_text.hpp"
#include "sms/utf.hpp"

namespace twinsms::sms {
namespace {

bool is_text(std::uint8_t dc) noexcept { return dc == 0x00 || dc == 0x01 || dc == 0x03 || dc == 0x08; }

std::vector<char32_t> code_points(std::string_view utf8) {
    std::vector<char32_t> out;
    out.reserve(utf8.size());
    for (std::size_t at = 0; at < utf8.size();) {
        const auto d = utf::decode_utf8(utf8, at);
        if (!d) break; // decode_text writes well-formed UTF-8 only
        out.push_back(d->cp);
        at += d->length;
    }
    return out;
}

// `cp` in `a`, appended to `out`; false when `a` lacks it.
bool put(std::string& out, char32_t cp, alphabet a) {
    switch (a) {
    case alphabet::gsm:
        if (const auto s = gsm::basic_septet(cp)) {
            out += static_cast<char>(*s);
            return true;
        }
        if (const auto x = gsm::extension_septet(cp)) {
            out += static_cast<char>(gsm_escape);
            out += static_cast<char>(*x);
            return true;
        }
        return false;
    case alphabet::latin1:
        if (cp > 0xFF) return false;
        out += static_cast<char>(cp);
        return true;
    case alphabet::ascii:
        if (cp > 0x7F) return false;
        out += static_cast<char>(cp);
        return true;
    }
    return false;
}

std::string ucs2_of(const std::vector<char32_t>& cps) {
    std::string out;
    out.reserve(cps.size() * 2);
    for (const auto cp : cps) utf::append_utf16be(out, cp);
    return out;
}

std::string describe(char32_t cp) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    std::string s = buf;
    if (cp >= 0x20) {
        s += " '";
        utf::append_utf8(s, cp);
        s += '\'';
    }
    return s;
}

// The text in the carrier's coding, or why it cannot go there.
struct written {
    std::optional<encoded> e;
    std::uint8_t data_coding = 0;
    std::string refusal;
};

written rewrite(const decoded_text& d, std::uint8_t client_dc, const carrier_charset& cs) {
    const auto cps = code_points(d.text);
    if (client_dc == data_coding_ucs2 && cs.ucs2) return {encoded{coding::ucs2, ucs2_of(cps)}, data_coding_ucs2, {}};
    std::string out;
    out.reserve(cps.size());
    for (const auto cp : cps) {
        if (put(out, cp, cs.default_alphabet)) continue;
        if (cs.ucs2) return {encoded{coding::ucs2, ucs2_of(cps)}, data_coding_ucs2, {}};
        if (cs.other == unrepresentable::replace) {
            put(out, U'?', cs.default_alphabet);
            continue;
        }
        return {std::nullopt, 0,
                describe(cp) + " is not in the carrier's " + std::string{to_string(cs.default_alphabet)} +
                    " alphabet and the carrier takes no UCS-2"};
    }
    // Latin-1 and ASCII are counted as GSM text is (see the header).
    return {encoded{coding::gsm7, std::move(out)}, data_coding_gsm7, {}};
}

// Room for text after a user data header of `h` octets in one SMS.
std::size_t room_after(coding c, std::size_t h) noexcept {
    switch (c) {
    case coding::gsm7: return h ? 160 - (h * 8 + 6) / 7 : 160;
    case coding::ucs2: return (140 - h) / 2;
    case coding::binary: return 140 - h;
    }
    return 0;
}

concat_header header_of(concatenation c) noexcept {
    switch (c) {
    case concatenation::udh8: return concat_header::udh8;
    case concatenation::udh16: return concat_header::udh16;
    case concatenation::sar: return concat_header::none;
    }
    return concat_header::udh8;
}

} // namespace

std::string_view to_string(alphabet a) noexcept {
    switch (a) {
    case alphabet::gsm: return "gsm";
    case alphabet::latin1: return "latin1";
    case alphabet::ascii: return "ascii";
    }
    return "?";
}

charset_result for_carrier(const client_user_data& in, const carrier_charset& cs, std::uint16_t ref) {
    const bool udhi = in.esm_class & esm_class_udhi;
    std::string_view header, body = in.octets;
    if (udhi && !body.empty()) {
        const std::size_t n = 1u + static_cast<std::uint8_t>(body[0]);
        if (n > body.size()) return {carrier_user_data{in.data_coding, true, false, false, 0, {std::string{in.octets}}}, {}};
        header = body.substr(0, n);
        body.remove_prefix(n);
    }

    // The whole text (or octets) in the coding the carrier gets.
    encoded e{coding::binary, std::string{body}};
    std::uint8_t dc = in.data_coding;
    if (is_text(in.data_coding)) {
        const auto d = decode_text(body, in.data_coding, false);
        if (d && !d->lossy) {
            auto w = rewrite(*d, in.data_coding, cs);
            if (!w.e) return {std::nullopt, std::move(w.refusal)};
            e = std::move(*w.e);
            dc = w.data_coding;
        } else {
            // Octets that are no text in their own coding go as they came.
            e.c = in.data_coding == data_coding_ucs2 ? coding::ucs2 : coding::gsm7;
        }
    }

    carrier_user_data out;
    out.data_coding = dc;
    out.ref = ref;
    if (udhi) {
        // The client's own header: a part it split, a port address. It stays
        // one SMS, so the text after it must still fit.
        const auto room = room_after(e.c, header.size());
        if (e.units() > room)
            return {std::nullopt, "the client's part no longer fits one SMS as the carrier takes it (" +
                                      std::to_string(e.units()) + " " + std::string{to_string(e.c)} + " units, room for " +
                                      std::to_string(room) + ")"};
        out.udhi = true;
        out.parts.push_back(std::string{header} + e.data);
        return {std::move(out), {}};
    }
    if (e.units() <= limits_of(e.c).single) {
        out.parts.push_back(std::move(e.data));
        return {std::move(out), {}};
    }
    const auto too_many = [&](std::size_t n) {
        return charset_result{std::nullopt, "the message needs " + std::to_string(n) + " SMS, the carrier takes at most " +
                                                std::to_string(cs.max_parts)};
    };
    if (cs.message_payload) {
        // The SMSC splits it: it counts as many SMS as an 8-bit header gives.
        const auto n = count_parts(e);
        if (n == 0 || n > cs.max_parts) return too_many(n ? n : max_parts + 1);
        out.payload = true;
        out.parts.push_back(std::move(e.data));
        return {std::move(out), {}};
    }
    auto p = split(e, ref, header_of(cs.concat));
    if (!p) return {std::nullopt, p.error.message};
    if (p->count() > cs.max_parts) return too_many(p->count());
    out.udhi = p->esm_class & esm_class_udhi;
    out.sar = cs.concat == concatenation::sar;
    out.parts = std::move(p->short_messages);
    return {std::move(out), {}};
}

} // namespace twinsms::sms
