// Hand-written wire fixtures for message management (SMPP 3.4 sections 4.8 -
// 4.10: query_sm, cancel_sm, replace_sm) and alert_notification (4.12).
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

BOOST_AUTO_TEST_SUITE(query_fixtures)

BOOST_AUTO_TEST_CASE(query_sm_fixture) {
    const bytes wire = from_hex("00000028 00000003 00000000 00000050"
                                "356633613963326500"               // message_id "5f3a9c2e"
                                "01 01 34343737303039303031323300"); // source 1/1 "447700900123"
    const pdu p = decode_ok(wire);
    const auto& q = body_as<query_sm>(p);
    BOOST_TEST(q.message_id == "5f3a9c2e");
    BOOST_TEST(q.source_addr_ton == 1);
    BOOST_TEST(q.source_addr_npi == 1);
    BOOST_TEST(q.source_addr == "447700900123");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(query_sm_resp_fixture) {
    const bytes wire = from_hex("0000002C 80000003 00000000 00000050"
                                "356633613963326500"                 // message_id
                                "3234303130313132303130303030302B00" // final_date "240101120100000+"
                                "02"                                 // message_state DELIVERED
                                "00");                               // error_code
    const pdu p = decode_ok(wire);
    const auto& r = body_as<query_sm_resp>(p);
    BOOST_TEST(!r.body_omitted);
    BOOST_TEST(r.message_id == "5f3a9c2e");
    BOOST_TEST(r.final_date == "240101120100000+");
    BOOST_TEST(r.message_state == 2);
    BOOST_TEST(r.error_code == 0);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(cancel_sm_fixture) {
    const bytes wire = from_hex("00000038 00000008 00000000 00000051"
                                "00"                                 // service_type ""
                                "356633613963326500"                 // message_id
                                "01 01 34343737303039303031323300"   // source
                                "01 01 34343737303039303034353600"); // dest
    const pdu p = decode_ok(wire);
    const auto& c = body_as<cancel_sm>(p);
    BOOST_TEST(c.service_type.empty());
    BOOST_TEST(c.message_id == "5f3a9c2e");
    BOOST_TEST(c.source_addr == "447700900123");
    BOOST_TEST(c.dest_addr_ton == 1);
    BOOST_TEST(c.dest_addr_npi == 1);
    BOOST_TEST(c.destination_addr == "447700900456");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(replace_sm_fixture) {
    const bytes wire = from_hex("00000045 00000007 00000000 00000052"
                                "356633613963326500"                 // message_id
                                "01 01 34343737303039303031323300"   // source
                                "00"                                 // schedule_delivery_time ""
                                "30303030303130303030303030303052 00" // validity relative "000001000000000R"
                                "01 00"                              // reg_delivery, default id
                                "08 4E65772074657874");              // sm_length 8, "New text"
    const pdu p = decode_ok(wire);
    const auto& r = body_as<replace_sm>(p);
    BOOST_TEST(r.message_id == "5f3a9c2e");
    BOOST_TEST(r.source_addr == "447700900123");
    BOOST_TEST(r.schedule_delivery_time.empty());
    BOOST_TEST(r.validity_period == "000001000000000R");
    BOOST_TEST(r.registered_delivery == 1);
    BOOST_TEST(r.sm_default_msg_id == 0);
    BOOST_TEST(r.short_message == "New text");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(alert_notification_fixture) {
    const bytes wire = from_hex("00000033 00000102 00000000 00000053"
                                "01 01 34343737303039303034353600" // source 1/1 "447700900456"
                                "01 01 34343737303039303031323300" // esme 1/1 "447700900123"
                                "0422 0001 00");                   // ms_availability_status available
    const pdu p = decode_ok(wire);
    const auto& a = body_as<alert_notification>(p);
    BOOST_TEST(a.source_addr_ton == 1);
    BOOST_TEST(a.source_addr == "447700900456");
    BOOST_TEST(a.esme_addr_ton == 1);
    BOOST_TEST(a.esme_addr_npi == 1);
    BOOST_TEST(a.esme_addr == "447700900123");
    BOOST_TEST(get_u8(a.tlvs, tag::ms_availability_status).value() == 0);
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_SUITE_END()
