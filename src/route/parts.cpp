#include "route/parts.hpp"

namespace twinsms::route {
namespace {

std::uint8_t octet(std::string_view s, std::size_t i) noexcept { return static_cast<std::uint8_t>(s[i]); }

std::optional<part_info> valid(std::uint16_t ref, std::uint8_t total, std::uint8_t seq, part_source src) noexcept {
    if (total == 0 || seq == 0 || seq > total) return std::nullopt;
    return part_info{ref, total, seq, src};
}

// The user data: short_message, or message_payload when short_message is
// empty (SMPP 3.4 5.3.2.32: the two must not both be used).
std::string_view user_data(std::string_view short_message, const smpp::tlv_list& tlvs) noexcept {
    if (!short_message.empty()) return short_message;
    return smpp::message_payload(tlvs).value_or(std::string_view{});
}

std::optional<part_info> part_of(std::uint8_t esm_class, std::string_view ud, const smpp::tlv_list& tlvs) noexcept {
    if (esm_class & esm_udhi)
        if (auto p = udh_part(ud)) return p;
    if (auto s = smpp::sar(tlvs)) return valid(s->msg_ref_num, s->total_segments, s->segment_seqnum, part_source::sar);
    return std::nullopt;
}

unsigned count(std::uint8_t esm_class, std::uint8_t data_coding, std::string_view short_message,
               const smpp::tlv_list& tlvs) noexcept {
    if (!short_message.empty()) return 1; // at most 254 octets, sent as one SMS or one part
    const auto payload = smpp::message_payload(tlvs);
    if (!payload) return 1;
    if (part_of(esm_class, *payload, tlvs)) return 1;
    return parts_for_length(payload->size(), coding_of(data_coding));
}

} // namespace

std::optional<std::size_t> udh_length(std::string_view ud) noexcept {
    if (ud.empty()) return std::nullopt;
    const std::size_t end = 1 + std::size_t{octet(ud, 0)};
    if (end > ud.size()) return std::nullopt;
    std::size_t p = 1;
    while (p < end) {
        if (end - p < 2) return std::nullopt; // an IE needs its IEI and IEDL
        const std::size_t len = octet(ud, p + 1);
        if (end - p - 2 < len) return std::nullopt;
        p += 2 + len;
    }
    return end;
}

std::optional<part_info> udh_part(std::string_view ud) noexcept {
    const auto end = udh_length(ud);
    if (!end) return std::nullopt;
    for (std::size_t p = 1; p < *end; p += 2 + octet(ud, p + 1)) {
        const std::uint8_t iei = octet(ud, p), len = octet(ud, p + 1);
        const std::size_t d = p + 2;
        std::optional<part_info> part;
        if (iei == 0x00 && len == 3) part = valid(octet(ud, d), octet(ud, d + 1), octet(ud, d + 2), part_source::udh8);
        if (iei == 0x08 && len == 4)
            part = valid(static_cast<std::uint16_t>(octet(ud, d) << 8 | octet(ud, d + 1)), octet(ud, d + 2),
                         octet(ud, d + 3), part_source::udh16);
        if (part) return part;
    }
    return std::nullopt;
}

std::optional<part_info> message_part(const smpp::submit_sm& sm) noexcept {
    return part_of(sm.esm_class, user_data(sm.short_message, sm.tlvs), sm.tlvs);
}
std::optional<part_info> message_part(const smpp::deliver_sm& sm) noexcept {
    return part_of(sm.esm_class, user_data(sm.short_message, sm.tlvs), sm.tlvs);
}
std::optional<part_info> message_part(const smpp::data_sm& sm) noexcept {
    return part_of(sm.esm_class, user_data({}, sm.tlvs), sm.tlvs);
}

air_coding coding_of(std::uint8_t dc) noexcept {
    if (dc <= 0x0F) {
        // SMPP 3.4 5.2.19 values.
        switch (dc) {
        case 0x00: case 0x01: case 0x03: return air_coding::gsm7;
        case 0x08: return air_coding::ucs2;
        default: return air_coding::octets;
        }
    }
    // GSM 03.38 coding groups.
    if (dc < 0x80) { // general data coding, bits 3-2 the alphabet
        switch ((dc >> 2) & 0x03) {
        case 0: return air_coding::gsm7;
        case 2: return air_coding::ucs2;
        default: return air_coding::octets;
        }
    }
    if (dc >= 0xC0 && dc <= 0xDF) return air_coding::gsm7; // message waiting, default alphabet
    if (dc >= 0xE0 && dc <= 0xEF) return air_coding::ucs2; // message waiting, UCS-2
    if (dc >= 0xF0) return (dc & 0x04) ? air_coding::octets : air_coding::gsm7;
    return air_coding::octets; // 0x80-0xBF reserved
}

unsigned parts_for_length(std::size_t octets, air_coding c) noexcept {
    std::size_t units = octets, single = 140, part = 134;
    switch (c) {
    case air_coding::gsm7: single = 160, part = 153; break;
    case air_coding::ucs2: units = (octets + 1) / 2, single = 70, part = 67; break;
    case air_coding::octets: break;
    }
    if (units <= single) return 1;
    return static_cast<unsigned>((units + part - 1) / part);
}

unsigned count_parts(const smpp::submit_sm& sm) noexcept {
    return count(sm.esm_class, sm.data_coding, sm.short_message, sm.tlvs);
}
unsigned count_parts(const smpp::data_sm& sm) noexcept { return count(sm.esm_class, sm.data_coding, {}, sm.tlvs); }

} // namespace twinsms::route
