#define BOOST_TEST_MODULE message_pdu
#include <boost/test/unit_test.hpp>

#include "engine/message_pdu.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms;

// The store keeps requests with sequence number 0; one that does not encode
// comes back empty and is counted, never stored as if it had.
BOOST_AUTO_TEST_CASE(stored_bytes_encodes_or_reports) {
    smpp::submit_sm s;
    s.source_addr = "Shop";
    s.destination_addr = "447700900001";
    s.short_message = "hello";
    smpp::pdu p;
    p.body = s;
    p.sequence_number = 42;
    const auto before = app::stored_bytes_failures.load();
    const auto bytes = app::stored_bytes(p);
    BOOST_TEST_REQUIRE(bytes.size() > 16u);
    smpp::pdu back;
    BOOST_TEST(!smpp::decode(bytes, back));
    BOOST_TEST(back.sequence_number == 0u);
    BOOST_TEST(app::stored_bytes_failures.load() == before);

    const std::string too_long(30, '1'); // source_addr holds 20 and a NUL
    s.source_addr = too_long;
    p.body = s;
    BOOST_TEST(app::stored_bytes(p).empty());
    BOOST_TEST(app::stored_bytes_failures.load() == before + 1);
}
