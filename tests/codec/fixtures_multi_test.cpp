// Hand-written wire fixtures for submit_multi and submit_multi_resp (SMPP 3.4
// section 4.5), whose bodies carry counted lists.
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

BOOST_AUTO_TEST_SUITE(multi_fixtures)

BOOST_AUTO_TEST_CASE(submit_multi_with_both_dest_flag_kinds) {
    const bytes wire = from_hex("0000005C 00000021 00000000 00000040"
                                "00"                                  // service_type ""
                                "01 01 34343737303039303031323300"    // source 1/1 "447700900123"
                                "03"                                  // number_of_dests
                                "01 01 01 34343737303039303030303100" // SME 1/1 "447700900001"
                                "02 667269656E647300"                 // distribution list "friends"
                                "01 01 01 34343737303039303030303200" // SME 1/1 "447700900002"
                                "00 00 00 00 00"                      // esm, pid, priority, sched, validity
                                "01 00 00 00"                         // reg_delivery, replace, dc, default id
                                "02 6869"                             // sm_length 2, "hi"
                                "0204 0002 0007");                    // user_message_reference
    const pdu p = decode_ok(wire);
    const auto& m = body_as<submit_multi>(p);
    BOOST_TEST(m.source_addr == "447700900123");
    BOOST_REQUIRE(m.dests.size() == 3u);
    BOOST_TEST(m.dests[0].dest_flag == dest_address::sme_address);
    BOOST_TEST(m.dests[0].dest_addr_ton == 1);
    BOOST_TEST(m.dests[0].dest_addr_npi == 1);
    BOOST_TEST(m.dests[0].address == "447700900001");
    BOOST_TEST(m.dests[1].dest_flag == dest_address::distribution_list);
    BOOST_TEST(m.dests[1].address == "friends");
    BOOST_TEST(m.dests[1].dest_addr_ton == 0); // not on the wire for a list
    BOOST_TEST(m.dests[2].address == "447700900002");
    BOOST_TEST(m.registered_delivery == 1);
    BOOST_TEST(m.short_message == "hi");
    BOOST_TEST(user_message_reference(m.tlvs).value() == 7);
    expect_reencodes(p, wire);

    // Built from fields, with the list in the same order.
    pdu built;
    built.sequence_number = 0x40;
    submit_multi b;
    b.source_addr_ton = 1;
    b.source_addr_npi = 1;
    b.source_addr = "447700900123";
    b.dests.push_back({dest_address::sme_address, 1, 1, "447700900001"});
    b.dests.push_back({dest_address::distribution_list, 0, 0, "friends"});
    b.dests.push_back({dest_address::sme_address, 1, 1, "447700900002"});
    b.registered_delivery = 1;
    b.short_message = "hi";
    b.tlvs.push_back(tlv::u16(tag::user_message_reference, 7));
    built.body = b;
    BOOST_TEST(to_hex(encode_ok(built)) == to_hex(wire));
}

BOOST_AUTO_TEST_CASE(submit_multi_resp_with_unsuccess_list) {
    const bytes wire = from_hex("00000033 80000021 00000000 00000040"
                                "6D2D373700"                                 // message_id "m-77"
                                "02"                                         // no_unsuccess
                                "01 01 34343737303039303030303100 0000000B" // 1/1 "447700900001" RINVDSTADR
                                "00 00 31323300 00000400");                  // 0/0 "123", vendor status
    const pdu p = decode_ok(wire);
    const auto& r = body_as<submit_multi_resp>(p);
    BOOST_TEST(!r.body_omitted);
    BOOST_TEST(r.message_id == "m-77");
    BOOST_REQUIRE(r.unsuccess.size() == 2u);
    BOOST_TEST(r.unsuccess[0].dest_addr_ton == 1);
    BOOST_TEST(r.unsuccess[0].dest_addr_npi == 1);
    BOOST_TEST(r.unsuccess[0].destination_addr == "447700900001");
    BOOST_TEST(r.unsuccess[0].error_status_code == status::invdstadr);
    BOOST_TEST(r.unsuccess[1].destination_addr == "123");
    BOOST_TEST(r.unsuccess[1].error_status_code == 0x00000400u);
    BOOST_TEST(r.tlvs.empty());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(submit_multi_resp_all_delivered) {
    const bytes wire = from_hex("00000016 80000021 00000000 00000041"
                                "6D2D373700" // message_id "m-77"
                                "00");       // no_unsuccess 0
    const pdu p = decode_ok(wire);
    const auto& r = body_as<submit_multi_resp>(p);
    BOOST_TEST(r.message_id == "m-77");
    BOOST_TEST(r.unsuccess.empty());
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_SUITE_END()
