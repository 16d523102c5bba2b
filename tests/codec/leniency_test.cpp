// What real peers send that a strict reading of SMPP 3.4 would refuse, and
// which the codec must accept and reproduce byte for byte.
#define BOOST_TEST_MODULE codec_leniency
#include <boost/test/data/test_case.hpp>

#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_SUITE(leniency)

BOOST_AUTO_TEST_CASE(vendor_command_status_passes_through) {
    // 0x400-0x4FF is the SMSC vendor range; carriers use it for throttling
    // and routing errors, and the router needs the exact value.
    const bytes resp = from_hex("00000019 80000004 00000400 00000009 356633613963326500");
    const pdu p = decode_ok(resp);
    BOOST_TEST(p.status == 0x00000400u);
    BOOST_TEST(body_as<submit_sm_resp>(p).message_id == "5f3a9c2e");
    BOOST_TEST(status_name(p.status) == "0x00000400");
    expect_reencodes(p, resp);

    // Values outside every defined range are kept verbatim too.
    for (const char* hex : {"00000010 80000000 000004FF 00000001", "00000010 80000000 FFFFFFFF 00000001",
                            "00000010 80000004 00000501 00000001"}) {
        const bytes wire = from_hex(hex);
        const pdu q = decode_ok(wire);
        expect_reencodes(q, wire);
    }
}

BOOST_AUTO_TEST_CASE(bare_header_submit_and_deliver_resp) {
    // Many SMSCs answer (even successful) submits and delivers with no body.
    for (const char* hex : {"00000010 80000004 00000000 0000002A", "00000010 80000005 00000000 0000002A"}) {
        const bytes wire = from_hex(hex);
        const pdu p = decode_ok(wire);
        const bool omitted = p.id() == command_id::submit_sm_resp ? body_as<submit_sm_resp>(p).body_omitted
                                                                   : body_as<deliver_sm_resp>(p).body_omitted;
        BOOST_TEST(omitted);
        const bytes again = encode_ok(p);
        BOOST_TEST(again.size() == 16u);
        BOOST_TEST(to_hex(again) == to_hex(wire));
    }
}

BOOST_AUTO_TEST_CASE(bare_header_error_responses_of_every_kind) {
    // An error response is often a bare header; every response with a body
    // must take that form and reproduce it.
    const std::uint32_t ids[] = {0x80000001, 0x80000002, 0x80000009, 0x80000004, 0x80000005,
                                 0x80000103, 0x80000021, 0x80000003};
    for (std::uint32_t id : ids) {
        bytes wire = from_hex("00000010 00000000 00000058 00000003"); // ESME_RTHROTTLED
        for (int i = 0; i < 4; ++i) wire[4 + i] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
        const pdu p = decode_ok(wire);
        BOOST_TEST(static_cast<std::uint32_t>(p.id()) == id);
        BOOST_TEST(p.status == status::throttled);
        const bool omitted = std::visit(
            [](const auto& b) {
                if constexpr (requires { b.body_omitted; }) return b.body_omitted;
                else return false;
            },
            p.body);
        BOOST_TEST(omitted, "body_omitted for " << to_string(p.id()));
        expect_reencodes(p, wire);
    }
}

BOOST_AUTO_TEST_CASE(omitted_body_differs_from_empty_message_id) {
    pdu p;
    p.sequence_number = 1;
    submit_sm_resp r; // body present, message_id "": one NUL byte
    p.body = r;
    BOOST_TEST(to_hex(encode_ok(p)) == "0000001180000004000000000000000100");
    r.body_omitted = true;
    p.body = r;
    BOOST_TEST(to_hex(encode_ok(p)) == "00000010800000040000000000000001");
}

BOOST_DATA_TEST_CASE(bind_interface_versions,
                     bdata::make({0x33, 0x34, 0x50, 0x00}) * bdata::make({0x01u, 0x02u, 0x09u}), version, id) {
    // 0x33 from old ESMEs, 0x50 from SMPP 5.0 clients (node-smpp's default):
    // the codec reports the value and leaves the policy to the session.
    bytes wire = from_hex("00000018 00000000 00000000 00000001"
                          "6100 00 00" // system_id "a", password "", system_type ""
                          "34 00 00 00");
    wire[7] = static_cast<std::uint8_t>(id);
    wire[20] = static_cast<std::uint8_t>(version);
    const pdu p = decode_ok(wire);
    const auto v = std::visit(
        [](const auto& b) -> int {
            if constexpr (requires { b.interface_version; }) return b.interface_version;
            else return -1;
        },
        p.body);
    BOOST_TEST(v == version);
    expect_reencodes(p, wire);
}

BOOST_DATA_TEST_CASE(sequence_number_extremes, bdata::make({0x0u, 0x1u, 0x7FFFFFFFu, 0xFFFFFFFFu}), seq) {
    // The spec reserves 0 and caps at 0x7FFFFFFF; peers still send both ends.
    for (const char* hex : {"00000010 00000015 00000000 00000000", "00000012 80000004 00000000 00000000 6100"}) {
        bytes wire = from_hex(hex);
        for (int i = 0; i < 4; ++i) wire[12 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
        const pdu p = decode_ok(wire);
        BOOST_TEST(p.sequence_number == seq);
        expect_reencodes(p, wire);
    }
}

BOOST_AUTO_TEST_CASE(short_message_of_255_bytes) {
    // The spec caps short_message at 254, but sm_length can say 255 and
    // the value fits its length field, so both directions accept it.
    pdu p;
    submit_sm s;
    const std::string text(255, 'x');
    s.short_message = text;
    p.body = s;
    const bytes wire = encode_ok(p);
    const pdu back = decode_ok(wire);
    BOOST_TEST(body_as<submit_sm>(back).short_message.size() == 255u);
    expect_reencodes(back, wire);
}

BOOST_AUTO_TEST_CASE(fields_at_their_maximum_length) {
    // system_id holds 15 characters plus its NUL.
    const bytes wire = from_hex("0000002E 00000002 00000000 00000001"
                                "31323334353637383930313233343500"   // "123456789012345"
                                "3132333435363738 00"                // password, 8 chars
                                "00 34 00 00 00");
    const pdu p = decode_ok(wire);
    BOOST_TEST(body_as<bind_transmitter>(p).system_id.size() == 15u);
    BOOST_TEST(body_as<bind_transmitter>(p).password.size() == 8u);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(tlvs_where_smpp34_defines_none) {
    // SMPP 5.0 peers put TLVs on submit_sm_resp and submit_multi_resp.
    const bytes wire = from_hex("0000001C 80000021 00000000 00000005"
                                "6100 00"          // message_id "a", no_unsuccess 0
                                "0425 0001 03"     // delivery_failure_reason
                                "1401 0000");
    const pdu p = decode_ok(wire);
    const auto& r = body_as<submit_multi_resp>(p);
    BOOST_TEST(delivery_failure_reason(r.tlvs).value() == 3);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_SUITE_END()
