#define BOOST_TEST_MODULE codec_smoke
#include <boost/test/unit_test.hpp>

#include "smpp/codec/codec.hpp"

using namespace twinsms::smpp;

BOOST_AUTO_TEST_CASE(submit_sm_round_trip) {
    pdu p;
    p.sequence_number = 7;
    submit_sm s;
    s.source_addr = "12345";
    s.destination_addr = "4479000000";
    s.short_message = "hello";
    s.tlvs.push_back(tlv::u16(tag::user_message_reference, 0x1234));
    p.body = s;
    std::vector<std::uint8_t> bytes;
    BOOST_REQUIRE(!encode(p, bytes));
    pdu back;
    auto f = decode(bytes, back);
    BOOST_REQUIRE_MESSAGE(!f, f.describe());
    const auto* b = back.as<submit_sm>();
    BOOST_REQUIRE(b);
    BOOST_TEST(b->destination_addr == "4479000000");
    BOOST_TEST(b->short_message == "hello");
    BOOST_TEST(*user_message_reference(b->tlvs) == 0x1234);
    std::vector<std::uint8_t> again;
    BOOST_REQUIRE(!encode(back, again));
    BOOST_TEST(again == bytes);
}
