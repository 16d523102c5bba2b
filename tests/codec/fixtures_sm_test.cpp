// Hand-written wire fixtures, message submission and delivery family (SMPP 3.4
// sections 4.4, 4.6, 4.7): submit_sm, deliver_sm, data_sm and responses.
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

BOOST_AUTO_TEST_SUITE(sm_fixtures)

BOOST_AUTO_TEST_CASE(submit_sm_with_sar_and_vendor_tlvs) {
    const bytes wire = from_hex("00000074 00000004 00000000 00000010"
                                "434D5400"                             // service_type "CMT"
                                "01 01 34343737303039303031323300"     // source 1/1 "447700900123"
                                "01 01 34343737303039303034353600"     // dest 1/1 "447700900456"
                                "00 00 01"                             // esm_class, protocol_id, priority
                                "00"                                   // schedule_delivery_time ""
                                "3234303130313132303030303030302B00"   // validity "240101120000000+"
                                "01 00 00 00"                          // reg_delivery, replace, dc, default id
                                "0B 48656C6C6F20776F726C64"            // sm_length 11, "Hello world"
                                "0204 0002 1234"                       // user_message_reference
                                "020C 0002 0042"                       // sar_msg_ref_num
                                "020E 0001 02"                         // sar_total_segments
                                "020F 0001 01"                         // sar_segment_seqnum
                                "1401 0003 58595A");                   // vendor tag, "XYZ"
    const pdu p = decode_ok(wire);
    BOOST_TEST(p.sequence_number == 0x10u);
    const auto& s = body_as<submit_sm>(p);
    BOOST_TEST(s.service_type == "CMT");
    BOOST_TEST(s.source_addr_ton == 1);
    BOOST_TEST(s.source_addr_npi == 1);
    BOOST_TEST(s.source_addr == "447700900123");
    BOOST_TEST(s.dest_addr_ton == 1);
    BOOST_TEST(s.dest_addr_npi == 1);
    BOOST_TEST(s.destination_addr == "447700900456");
    BOOST_TEST(s.esm_class == 0);
    BOOST_TEST(s.protocol_id == 0);
    BOOST_TEST(s.priority_flag == 1);
    BOOST_TEST(s.schedule_delivery_time.empty());
    BOOST_TEST(s.validity_period == "240101120000000+");
    BOOST_TEST(s.registered_delivery == 1);
    BOOST_TEST(s.replace_if_present_flag == 0);
    BOOST_TEST(s.data_coding == 0);
    BOOST_TEST(s.sm_default_msg_id == 0);
    BOOST_TEST(s.short_message == "Hello world");
    // TLVs stay in wire order, the vendor one included.
    BOOST_REQUIRE(s.tlvs.size() == 5u);
    const std::uint16_t order[] = {0x0204, 0x020C, 0x020E, 0x020F, 0x1401};
    for (std::size_t i = 0; i < 5; ++i) BOOST_TEST(s.tlvs[i].tag() == order[i]);
    BOOST_TEST(user_message_reference(s.tlvs).value() == 0x1234);
    const auto sar_v = sar(s.tlvs);
    BOOST_REQUIRE(sar_v.has_value());
    BOOST_TEST(sar_v->msg_ref_num == 0x0042);
    BOOST_TEST(sar_v->total_segments == 2);
    BOOST_TEST(sar_v->segment_seqnum == 1);
    BOOST_TEST(get_octets(s.tlvs, 0x1401).value() == "XYZ");
    BOOST_TEST(!message_payload(s.tlvs).has_value());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(submit_sm_with_message_payload) {
    // sm_length 0 and the text in message_payload (UCS-2 "hi").
    const bytes wire = from_hex("0000003E 00000004 00000000 00000011"
                                "00"                               // service_type ""
                                "05 00 57415000"                   // source 5/0 "WAP"
                                "01 01 34343737303039303034353600" // dest 1/1 "447700900456"
                                "00 00 00 00 00"                   // esm, pid, priority, sched "", validity ""
                                "00 00 08 00"                      // reg_delivery, replace, dc UCS-2, default id
                                "00"                               // sm_length 0
                                "0424 0004 00680069"               // message_payload
                                "020A 0002 1F90");                 // source_port 8080
    const pdu p = decode_ok(wire);
    const auto& s = body_as<submit_sm>(p);
    BOOST_TEST(s.source_addr_ton == 5);
    BOOST_TEST(s.source_addr == "WAP");
    BOOST_TEST(s.data_coding == 8);
    BOOST_TEST(s.short_message.empty());
    BOOST_TEST(to_hex(message_payload(s.tlvs).value()) == "00680069");
    BOOST_TEST(get_u16(s.tlvs, tag::source_port).value() == 8080);
    BOOST_TEST(!sar(s.tlvs).has_value());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(submit_sm_resp_fixture) {
    const bytes wire = from_hex("00000019 80000004 00000000 00000010"
                                "356633613963326500"); // message_id "5f3a9c2e"
    const pdu p = decode_ok(wire);
    const auto& r = body_as<submit_sm_resp>(p);
    BOOST_TEST(!r.body_omitted);
    BOOST_TEST(r.message_id == "5f3a9c2e");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(deliver_sm_receipt_fixture) {
    const bytes wire = from_hex("00000072 00000005 00000000 00000020"
                                "00"                               // service_type ""
                                "01 01 34343737303039303034353600" // source 1/1 "447700900456"
                                "01 01 34343737303039303031323300" // dest 1/1 "447700900123"
                                "04 00 00"                         // esm_class: delivery receipt
                                "00 00"                            // schedule, validity
                                "00 00 00 00"                      // reg_delivery, replace, dc, default id
                                "20"                               // sm_length 32
                                "69643A356633613963326520737461743A44454C49565244206572723A303030"
                                "001E 0009 356633613963326500"     // receipted_message_id "5f3a9c2e"
                                "0427 0001 02"                     // message_state DELIVERED
                                "0423 0003 03 0022");              // network_error_code GSM/0x0022
    const pdu p = decode_ok(wire);
    const auto& d = body_as<deliver_sm>(p);
    BOOST_TEST(d.esm_class == 0x04);
    BOOST_TEST(d.source_addr == "447700900456");
    BOOST_TEST(d.destination_addr == "447700900123");
    BOOST_TEST(d.short_message == "id:5f3a9c2e stat:DELIVRD err:000");
    BOOST_TEST(receipted_message_id(d.tlvs).value() == "5f3a9c2e");
    BOOST_TEST(message_state(d.tlvs).value() == 2);
    const auto ne = network_error_code(d.tlvs);
    BOOST_REQUIRE(ne.has_value());
    BOOST_TEST(ne->network_type == 3);
    BOOST_TEST(ne->error_code == 0x0022);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(deliver_sm_resp_fixture) {
    // message_id is unused in deliver_sm_resp and set to NULL (spec 4.6.2).
    const bytes wire = from_hex("00000011 80000005 00000000 00000020 00");
    const pdu p = decode_ok(wire);
    const auto& r = body_as<deliver_sm_resp>(p);
    BOOST_TEST(!r.body_omitted);
    BOOST_TEST(r.message_id.empty());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(data_sm_fixture) {
    const bytes wire = from_hex("00000047 00000103 00000000 00000030"
                                "00"                               // service_type ""
                                "02 08 3132333400"                 // source 2/8 "1234"
                                "01 01 34343737303039303031323300" // dest 1/1 "447700900123"
                                "00 01 08"                         // esm_class, reg_delivery, dc
                                "0424 0004 00680069"               // message_payload
                                "020B 0002 0B84"                   // destination_port 2948
                                "0017 0004 00000E10"               // qos_time_to_live 3600
                                "1401 0003 414243");               // vendor "ABC"
    const pdu p = decode_ok(wire);
    const auto& d = body_as<data_sm>(p);
    BOOST_TEST(d.service_type.empty());
    BOOST_TEST(d.source_addr_ton == 2);
    BOOST_TEST(d.source_addr_npi == 8);
    BOOST_TEST(d.source_addr == "1234");
    BOOST_TEST(d.destination_addr == "447700900123");
    BOOST_TEST(d.esm_class == 0);
    BOOST_TEST(d.registered_delivery == 1);
    BOOST_TEST(d.data_coding == 8);
    BOOST_REQUIRE(d.tlvs.size() == 4u);
    BOOST_TEST(to_hex(message_payload(d.tlvs).value()) == "00680069");
    BOOST_TEST(get_u16(d.tlvs, tag::destination_port).value() == 2948);
    BOOST_TEST(get_u32(d.tlvs, tag::qos_time_to_live).value() == 3600u);
    BOOST_TEST(d.tlvs[3].tag() == 0x1401);
    BOOST_TEST(d.tlvs[3].value() == "ABC");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(data_sm_resp_fixture) {
    const bytes wire = from_hex("0000002C 80000103 000000FE 00000030"
                                "61626331323300"        // message_id "abc123"
                                "0425 0001 01"          // delivery_failure_reason
                                "0423 0003 03 0001"     // network_error_code
                                "001D 0005 6275737900"); // additional_status_info_text "busy"
    const pdu p = decode_ok(wire);
    BOOST_TEST(p.status == status::deliveryfailure);
    const auto& r = body_as<data_sm_resp>(p);
    BOOST_TEST(r.message_id == "abc123");
    BOOST_TEST(delivery_failure_reason(r.tlvs).value() == 1);
    BOOST_TEST(network_error_code(r.tlvs)->error_code == 1);
    BOOST_TEST(get_cstring(r.tlvs, tag::additional_status_info_text).value() == "busy");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_SUITE_END()
