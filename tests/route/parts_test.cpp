// Message parts: UDH 8/16-bit concatenation, SAR TLVs, payload part counts,
// malformed headers.
#include <boost/test/unit_test.hpp>

#include "route/parts.hpp"

using namespace twinsms;
using namespace twinsms::route;

namespace {

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s += static_cast<char>(x);
    return s;
}

smpp::submit_sm udh_submit(const std::string& sm) {
    smpp::submit_sm s;
    s.esm_class = esm_udhi;
    s.short_message = sm;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(parts)

BOOST_AUTO_TEST_CASE(udh_8bit_reference) {
    const auto sm = bytes({0x05, 0x00, 0x03, 0xA7, 0x03, 0x02}) + "second part";
    const auto p = message_part(udh_submit(sm));
    BOOST_REQUIRE(p);
    BOOST_TEST((*p == part_info{0xA7, 3, 2, part_source::udh8}));
    BOOST_TEST(count_parts(udh_submit(sm)) == 1u);
    BOOST_TEST(udh_length(sm).value() == 6u);
}

BOOST_AUTO_TEST_CASE(udh_16bit_reference_after_another_ie) {
    // A port addressing IE (0x05, 4 octets) first, then IE 0x08.
    const auto sm = bytes({0x0C, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x08, 0x04, 0x12, 0x34, 0x04, 0x04}) + "x";
    const auto p = message_part(udh_submit(sm));
    BOOST_REQUIRE(p);
    BOOST_TEST((*p == part_info{0x1234, 4, 4, part_source::udh16}));
}

BOOST_AUTO_TEST_CASE(udh_needs_the_udhi_bit) {
    const auto sm = bytes({0x05, 0x00, 0x03, 0x01, 0x02, 0x01});
    auto s = udh_submit(sm); // views sm
    s.esm_class = 0x00;
    BOOST_TEST(!message_part(s));
    s.esm_class = 0x43; // UDHI with other bits set
    BOOST_TEST(message_part(s).has_value());
}

BOOST_AUTO_TEST_CASE(invalid_concatenation_ies_are_ignored) {
    BOOST_TEST(!message_part(udh_submit(bytes({0x05, 0x00, 0x03, 0x01, 0x00, 0x01}))));  // total 0
    BOOST_TEST(!message_part(udh_submit(bytes({0x05, 0x00, 0x03, 0x01, 0x02, 0x00}))));  // seq 0
    BOOST_TEST(!message_part(udh_submit(bytes({0x05, 0x00, 0x03, 0x01, 0x02, 0x03}))));  // seq > total
    BOOST_TEST(!message_part(udh_submit(bytes({0x06, 0x00, 0x04, 0x01, 0x02, 0x01, 0x00})))); // IE 0 with 4 octets
    BOOST_TEST(!message_part(udh_submit(bytes({0x05, 0x08, 0x03, 0x01, 0x02, 0x01}))));  // IE 8 with 3 octets
    // An invalid one first, a valid one after it.
    const auto p = message_part(udh_submit(bytes({0x0A, 0x00, 0x03, 0x01, 0x00, 0x01, 0x00, 0x03, 0x09, 0x02, 0x01})));
    BOOST_REQUIRE(p);
    BOOST_TEST(p->ref == 9u);
}

BOOST_AUTO_TEST_CASE(malformed_udh_is_never_read_past_its_end) {
    // UDHL longer than the message.
    BOOST_TEST(!message_part(udh_submit(bytes({0x05, 0x00, 0x03, 0x01}))));
    BOOST_TEST(!udh_length(bytes({0x05, 0x00, 0x03, 0x01})));
    // An IE longer than the header (its data would run into the text).
    BOOST_TEST(!message_part(udh_submit(bytes({0x03, 0x00, 0x03, 0x01, 0x02, 0x01}))));
    // A header ending in half an IE.
    BOOST_TEST(!udh_length(bytes({0x06, 0x00, 0x03, 0x01, 0x02, 0x01, 0x00})));
    BOOST_TEST(!udh_length(bytes({0x01, 0x00})));
    // UDHL 0 is an empty, valid header.
    BOOST_TEST(udh_length(bytes({0x00, 'a'})).value() == 1u);
    BOOST_TEST(!message_part(udh_submit(bytes({0x00, 'a'}))));
    // Empty message with UDHI.
    BOOST_TEST(!message_part(udh_submit("")));
    BOOST_TEST(!udh_length(""));
    // Every truncation of a valid header, and every UDHL, stays in bounds.
    const auto good = bytes({0x0C, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x08, 0x04, 0x12, 0x34, 0x04, 0x04});
    for (std::size_t n = 0; n < good.size(); ++n) BOOST_TEST(!message_part(udh_submit(good.substr(0, n))));
    for (int udhl = 0; udhl < 256; ++udhl) {
        auto s = good;
        s[0] = static_cast<char>(udhl);
        (void)message_part(udh_submit(s));
        (void)count_parts(udh_submit(s));
    }
}

BOOST_AUTO_TEST_CASE(sar_tlvs) {
    smpp::submit_sm s;
    s.short_message = "part";
    s.tlvs.push_back(smpp::tlv::u16(smpp::tag::sar_msg_ref_num, 0xBEEF));
    s.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_total_segments, 5));
    s.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_segment_seqnum, 3));
    auto p = message_part(s);
    BOOST_REQUIRE(p);
    BOOST_TEST((*p == part_info{0xBEEF, 5, 3, part_source::sar}));
    BOOST_TEST(count_parts(s) == 1u);
    // A UDH part wins over SAR.
    auto both = s;
    const auto sm = bytes({0x05, 0x00, 0x03, 0x07, 0x02, 0x01}) + "x";
    both.short_message = sm;
    both.esm_class = esm_udhi;
    BOOST_TEST((message_part(both)->source == part_source::udh8));
    // Invalid or incomplete SAR.
    smpp::set(s.tlvs, smpp::tlv::u8(smpp::tag::sar_segment_seqnum, 6));
    BOOST_TEST(!message_part(s));
    smpp::set(s.tlvs, smpp::tlv::u8(smpp::tag::sar_segment_seqnum, 0));
    BOOST_TEST(!message_part(s));
    smpp::erase(s.tlvs, smpp::tag::sar_segment_seqnum);
    BOOST_TEST(!message_part(s));
    smpp::set(s.tlvs, smpp::tlv::u16(smpp::tag::sar_segment_seqnum, 1)); // wrong length
    BOOST_TEST(!message_part(s));
    // data_sm and deliver_sm carry SAR too.
    smpp::data_sm d;
    d.tlvs.push_back(smpp::tlv::u16(smpp::tag::sar_msg_ref_num, 1));
    d.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_total_segments, 2));
    d.tlvs.push_back(smpp::tlv::u8(smpp::tag::sar_segment_seqnum, 2));
    BOOST_TEST(message_part(d).has_value());
    smpp::deliver_sm mo;
    mo.esm_class = esm_udhi;
    mo.short_message = sm;
    BOOST_TEST(message_part(mo)->ref == 7u);
}

BOOST_AUTO_TEST_CASE(plain_short_message_costs_one) {
    smpp::submit_sm s;
    BOOST_TEST(count_parts(s) == 1u); // empty message
    const std::string long_sm(254, 'a');
    s.short_message = long_sm;
    BOOST_TEST(count_parts(s) == 1u);
    BOOST_TEST(!message_part(s));
}

BOOST_AUTO_TEST_CASE(payload_counts_by_coding) {
    auto with_payload = [](std::size_t n, std::uint8_t dc) {
        static std::string storage;
        storage.assign(n, 'x');
        smpp::submit_sm s;
        s.data_coding = dc;
        s.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, storage});
        return count_parts(s);
    };
    // GSM 7-bit: 160 in one, then 153 per part.
    BOOST_TEST(with_payload(0, 0x00) == 1u);
    BOOST_TEST(with_payload(160, 0x00) == 1u);
    BOOST_TEST(with_payload(161, 0x00) == 2u);
    BOOST_TEST(with_payload(306, 0x00) == 2u);
    BOOST_TEST(with_payload(307, 0x00) == 3u);
    BOOST_TEST(with_payload(161, 0x01) == 2u); // IA5
    BOOST_TEST(with_payload(161, 0xF0) == 2u); // GSM DCS class 0, default alphabet
    // 8-bit: 140 then 134.
    BOOST_TEST(with_payload(140, 0x04) == 1u);
    BOOST_TEST(with_payload(141, 0x04) == 2u);
    BOOST_TEST(with_payload(268, 0x02) == 2u);
    BOOST_TEST(with_payload(269, 0xF4) == 3u);
    // UCS-2: 70 characters (140 octets) then 67 (134).
    BOOST_TEST(with_payload(140, 0x08) == 1u);
    BOOST_TEST(with_payload(142, 0x08) == 2u);
    BOOST_TEST(with_payload(268, 0x08) == 2u);
    BOOST_TEST(with_payload(270, 0x08) == 3u);
    BOOST_TEST(with_payload(141, 0x08) == 2u); // odd octet count: 71 characters
    BOOST_TEST(with_payload(142, 0x18) == 2u); // GSM DCS general group, UCS-2
    BOOST_TEST(with_payload(1000, 0x08) == 8u);

    // data_sm has only message_payload.
    smpp::data_sm d;
    BOOST_TEST(count_parts(d) == 1u);
    const std::string p(500, 'y');
    d.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, p});
    BOOST_TEST(count_parts(d) == 4u);
    // A payload that is itself one part (UDH in the payload) costs one.
    const std::string part = bytes({0x05, 0x00, 0x03, 0x01, 0x02, 0x01}) + std::string(150, 'z');
    smpp::data_sm dp;
    dp.esm_class = esm_udhi;
    dp.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, part});
    BOOST_TEST(message_part(dp).has_value());
    BOOST_TEST(count_parts(dp) == 1u);
}

BOOST_AUTO_TEST_CASE(codings) {
    BOOST_TEST((coding_of(0x00) == air_coding::gsm7));
    BOOST_TEST((coding_of(0x03) == air_coding::gsm7));
    BOOST_TEST((coding_of(0x08) == air_coding::ucs2));
    BOOST_TEST((coding_of(0x04) == air_coding::octets));
    BOOST_TEST((coding_of(0x06) == air_coding::octets));
    BOOST_TEST((coding_of(0x11) == air_coding::gsm7));
    BOOST_TEST((coding_of(0x15) == air_coding::octets));
    BOOST_TEST((coding_of(0xD0) == air_coding::gsm7));
    BOOST_TEST((coding_of(0xE0) == air_coding::ucs2));
    BOOST_TEST((coding_of(0xF2) == air_coding::gsm7));
    BOOST_TEST((coding_of(0xF6) == air_coding::octets));
    BOOST_TEST((coding_of(0x90) == air_coding::octets));
}

BOOST_AUTO_TEST_SUITE_END()
