// Hand-written wire fixtures, session management family (SMPP 3.4 sections
// 4.1, 4.2, 4.3): bind_* and their responses, outbind, unbind, enquire_link,
// generic_nack. Each fixture is decoded, checked field by field and
// re-encoded byte for byte. The other families live in fixtures_*_test.cpp.
#define BOOST_TEST_MODULE codec_fixtures
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

BOOST_AUTO_TEST_SUITE(session_fixtures)

BOOST_AUTO_TEST_CASE(bind_transmitter_fixture) {
    const bytes wire = from_hex("0000002F 00000002 00000000 00000001" // header, seq 1
                                "534D5050335445535400"                 // system_id "SMPP3TEST"
                                "736563726574303800"                   // password "secret08"
                                "5355424D49543100"                     // system_type "SUBMIT1"
                                "34"                                   // interface_version 3.4
                                "01 01"                                // addr_ton, addr_npi
                                "00");                                 // address_range ""
    const pdu p = decode_ok(wire);
    BOOST_TEST(p.sequence_number == 1u);
    BOOST_TEST(p.status == status::ok);
    const auto& b = body_as<bind_transmitter>(p);
    BOOST_TEST(b.system_id == "SMPP3TEST");
    BOOST_TEST(b.password == "secret08");
    BOOST_TEST(b.system_type == "SUBMIT1");
    BOOST_TEST(b.interface_version == 0x34);
    BOOST_TEST(b.addr_ton == 1);
    BOOST_TEST(b.addr_npi == 1);
    BOOST_TEST(b.address_range.empty());
    expect_reencodes(p, wire);

    // The same PDU built from fields, not from a decode, encodes identically.
    pdu built;
    built.sequence_number = 1;
    bind_transmitter bt;
    bt.system_id = "SMPP3TEST";
    bt.password = "secret08";
    bt.system_type = "SUBMIT1";
    bt.addr_ton = 1;
    bt.addr_npi = 1;
    built.body = bt;
    BOOST_TEST(to_hex(encode_ok(built)) == to_hex(wire));
}

BOOST_AUTO_TEST_CASE(bind_receiver_fixture) {
    const bytes wire = from_hex("00000024 00000001 00000000 00000002"
                                "72785F7573657200" // system_id "rx_user"
                                "707700"           // password "pw"
                                "00"               // system_type ""
                                "34 00 00"         // interface_version, addr_ton, addr_npi
                                "5E34343700");     // address_range "^447"
    const pdu p = decode_ok(wire);
    BOOST_TEST(p.sequence_number == 2u);
    const auto& b = body_as<bind_receiver>(p);
    BOOST_TEST(b.system_id == "rx_user");
    BOOST_TEST(b.password == "pw");
    BOOST_TEST(b.system_type.empty());
    BOOST_TEST(b.interface_version == 0x34);
    BOOST_TEST(b.address_range == "^447");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(bind_transceiver_fixture) {
    const bytes wire = from_hex("00000021 00000009 00000000 00000003"
                                "74727800"     // system_id "trx"
                                "7061737300"   // password "pass"
                                "564D4100"     // system_type "VMA"
                                "34 05 00"     // interface_version, addr_ton alphanumeric, addr_npi
                                "00");         // address_range ""
    const pdu p = decode_ok(wire);
    const auto& b = body_as<bind_transceiver>(p);
    BOOST_TEST(p.id() == command_id::bind_transceiver);
    BOOST_TEST(b.system_id == "trx");
    BOOST_TEST(b.password == "pass");
    BOOST_TEST(b.system_type == "VMA");
    BOOST_TEST(b.addr_ton == 5);
    BOOST_TEST(b.addr_npi == 0);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(bind_transmitter_resp_fixture) {
    const bytes wire = from_hex("0000001C 80000002 00000000 00000001"
                                "534D53433031 00"  // system_id "SMSC01"
                                "0210 0001 34");   // sc_interface_version 3.4
    const pdu p = decode_ok(wire);
    const auto& b = body_as<bind_transmitter_resp>(p);
    BOOST_TEST(!b.body_omitted);
    BOOST_TEST(b.message_id == "SMSC01"); // system_id lives in message_id
    BOOST_REQUIRE(b.tlvs.size() == 1u);
    BOOST_TEST(sc_interface_version(b.tlvs).value() == 0x34);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(bind_receiver_resp_fixture) {
    const bytes wire = from_hex("00000017 80000001 00000000 00000002"
                                "534D5343303100");
    const pdu p = decode_ok(wire);
    const auto& b = body_as<bind_receiver_resp>(p);
    BOOST_TEST(b.message_id == "SMSC01");
    BOOST_TEST(b.tlvs.empty());
    BOOST_TEST(!sc_interface_version(b.tlvs).has_value());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(bind_transceiver_resp_with_vendor_tlvs) {
    // A vendor TLV (0x1401, vendor range 0x1400-0x3FFF) and a zero-length
    // one must survive decode and re-encode in their wire position.
    const bytes wire = from_hex("00000027 80000009 00000000 00000003"
                                "534D5343303100" // system_id "SMSC01"
                                "0210 0001 34"   // sc_interface_version
                                "1401 0003 414243"
                                "1402 0000");
    const pdu p = decode_ok(wire);
    const auto& b = body_as<bind_transceiver_resp>(p);
    BOOST_REQUIRE(b.tlvs.size() == 3u);
    BOOST_TEST(b.tlvs[0].tag() == tag::sc_interface_version);
    BOOST_TEST(b.tlvs[1].tag() == 0x1401);
    BOOST_TEST(b.tlvs[1].value() == "ABC");
    BOOST_TEST(tag_name(0x1401).empty());
    BOOST_TEST(b.tlvs[2].tag() == 0x1402);
    BOOST_TEST(b.tlvs[2].value().empty());
    BOOST_TEST(get_octets(b.tlvs, 0x1402).has_value());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(outbind_fixture) {
    const bytes wire = from_hex("0000001A 0000000B 00000000 00000004"
                                "534D5343303100" // system_id "SMSC01"
                                "707700");       // password "pw"
    const pdu p = decode_ok(wire);
    const auto& b = body_as<outbind>(p);
    BOOST_TEST(b.system_id == "SMSC01");
    BOOST_TEST(b.password == "pw");
    expect_reencodes(p, wire);
}

// Header-only PDUs: the id alone selects the body type.
template <class T>
void check_header_only(const char* hex, std::uint32_t seq, command_status st = status::ok) {
    const bytes wire = from_hex(hex);
    const pdu p = decode_ok(wire);
    BOOST_TEST(p.as<T>() != nullptr);
    BOOST_TEST(p.id() == T::id);
    BOOST_TEST(p.sequence_number == seq);
    BOOST_TEST(p.status == st);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(header_only_fixtures) {
    check_header_only<unbind>("00000010 00000006 00000000 00000005", 5);
    check_header_only<unbind_resp>("00000010 80000006 00000000 00000005", 5);
    check_header_only<enquire_link>("00000010 00000015 00000000 00000006", 6);
    check_header_only<enquire_link_resp>("00000010 80000015 00000000 00000006", 6);
    check_header_only<generic_nack>("00000010 80000000 00000003 00000007", 7, status::invcmdid);
    check_header_only<cancel_sm_resp>("00000010 80000008 00000000 00000008", 8);
    check_header_only<replace_sm_resp>("00000010 80000007 00000000 00000009", 9);
}

BOOST_AUTO_TEST_CASE(command_names) {
    BOOST_TEST(to_string(command_id::submit_multi_resp) == "submit_multi_resp");
    BOOST_TEST(to_string(static_cast<command_id>(0x0000000A)) == "unknown_command");
    BOOST_TEST(is_known(0x80000103));
    BOOST_TEST(!is_known(0x0000000A)); // reserved in SMPP 3.4
    BOOST_TEST(is_response(command_id::generic_nack));
    BOOST_TEST(!is_response(command_id::outbind));
    BOOST_TEST(response_of(command_id::data_sm) == command_id::data_sm_resp);
    BOOST_TEST(status_name(status::throttled) == "ESME_RTHROTTLED");
    BOOST_TEST(status_name(0x00000400) == "0x00000400");
}

BOOST_AUTO_TEST_SUITE_END()
