// The webhook's JSON and signature, and how its answers are taken.
#define BOOST_TEST_MODULE webhook_payload
#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>

#include "app/front_doors/webhook_sink.hpp"
#include "smpp/codec/codec.hpp"
#include "webhook/payload.hpp"

using namespace twinsms;
namespace json = boost::json;

namespace {
store::delivery stored(const smpp::deliver_sm& sm, std::uint64_t message = 0) {
    store::delivery d;
    d.id.value = 42;
    d.account = "acme";
    d.created_at = 1'796'212'800'123; // 2026-12-02T12:00:00.123Z
    d.message.value = message;
    smpp::pdu p{smpp::status::ok, 0, sm};
    BOOST_REQUIRE(!smpp::encode(p, d.pdu));
    return d;
}
json::object body_of(const store::delivery& d) {
    auto p = webhook::payload_of(d);
    BOOST_REQUIRE(p);
    return json::parse(p->body).as_object();
}
smpp::deliver_sm mo(std::string_view text, std::uint8_t dc = 0) {
    smpp::deliver_sm sm;
    sm.source_addr = "447700900999";
    sm.destination_addr = "80080";
    sm.data_coding = dc;
    sm.short_message = text;
    return sm;
}
} // namespace

BOOST_AUTO_TEST_CASE(mo_in_gsm_with_an_extension_character_is_utf8) {
    // GSM 03.38: "Euro " then ESC 0x65 (the euro sign), "@" is septet 0x00.
    const std::string septets = std::string{"Euro "} + "\x1B\x65" + std::string(1, '\0') + "x";
    const auto o = body_of(stored(mo(septets)));
    BOOST_TEST(o.at("type").as_string() == "mo");
    BOOST_TEST(o.at("from").as_string() == "447700900999");
    BOOST_TEST(o.at("to").as_string() == "80080");
    BOOST_TEST(o.at("text").as_string() == "Euro \u20AC@x");
    BOOST_TEST(o.at("coding").as_string() == "gsm7");
    BOOST_TEST(o.at("delivery_id").as_string() == "42");
    BOOST_TEST(o.at("created_at").as_string() == "2026-12-02T12:00:00.123Z");
    BOOST_TEST(o.at("attempt").as_int64() == 1);
    BOOST_TEST(!o.contains("binary"));
}

BOOST_AUTO_TEST_CASE(mo_in_ucs2_keeps_a_surrogate_pair) {
    const std::string ucs2{"\x00H\x00i\xD8\x3D\xDE\x00", 8}; // "Hi" + U+1F600
    const auto o = body_of(stored(mo(ucs2, 0x08)));
    BOOST_TEST(o.at("text").as_string() == "Hi\U0001F600");
    BOOST_TEST(o.at("coding").as_string() == "ucs2");
}

BOOST_AUTO_TEST_CASE(binary_mo_is_hex_and_a_udh_is_split_off) {
    const auto bin = body_of(stored(mo(std::string{"\x01\xFF\x00", 3}, 0x04)));
    BOOST_TEST(bin.at("binary").as_string() == "01ff00");
    BOOST_TEST(!bin.contains("text"));

    const std::string with_udh{"\x05\x00\x03\x07\x02\x01part", 10};
    auto sm = mo(with_udh); // views: the text must outlive sm
    sm.esm_class = 0x40;
    const auto part = body_of(stored(sm));
    BOOST_TEST(part.at("udh").as_string() == "050003070201");
    BOOST_TEST(part.at("text").as_string() == "part");
}

BOOST_AUTO_TEST_CASE(receipt_names_our_message_and_its_state) {
    smpp::deliver_sm sm;
    sm.source_addr = "447700900001";
    sm.destination_addr = "ACME";
    sm.esm_class = 0x04;
    const std::string text = "id:00000000000000ab sub:001 dlvrd:001 submit date:2612021200 done date:2612021201 "
                             "stat:UNDELIV err:005 text:hello";
    sm.short_message = text;
    const auto o = body_of(stored(sm, 0xab));
    BOOST_TEST(o.at("type").as_string() == "receipt");
    BOOST_TEST(o.at("message_id").as_string() == "00000000000000ab");
    BOOST_TEST(o.at("state").as_string() == "UNDELIV");
    BOOST_TEST(o.at("error").as_int64() == 5);
    BOOST_TEST(o.at("submit_date").as_string() == "2612021200");
    BOOST_TEST(o.at("done_date").as_string() == "2612021201");
    BOOST_TEST(o.at("receipt_text").as_string() == text);
}

// Found by the webhook_payload fuzz target: a carrier's Latin-1 byte in a
// receipt made the body invalid JSON (a strict receiver refuses the POST),
// and a receipt with an unreadable stat had no state at all.
BOOST_AUTO_TEST_CASE(carrier_bytes_become_valid_utf8_and_an_unreadable_state_is_unknown) {
    smpp::deliver_sm sm;
    sm.source_addr = "44770\xA0";
    sm.destination_addr = "ACME";
    sm.esm_class = 0x04;
    const std::string text = "id:00000000000000ab submit date:2612021200\xA0 stat:WHATEVER text:caf\xE9";
    sm.short_message = text;
    const auto o = body_of(stored(sm, 0xab)); // body_of parses it: valid JSON
    BOOST_TEST(o.at("from").as_string() == "44770\uFFFD");
    BOOST_TEST(std::string{o.at("receipt_text").as_string()}.ends_with("caf\uFFFD"));
    BOOST_TEST(o.at("state").as_string() == "UNKNOWN");
}

BOOST_AUTO_TEST_CASE(an_undecodable_pdu_has_no_payload) {
    store::delivery d;
    d.pdu = {0, 0, 0, 5, 1};
    BOOST_TEST(!webhook::payload_of(d));
}

BOOST_AUTO_TEST_CASE(signature_is_hmac_sha256_of_timestamp_dot_body) {
    // Computed independently: python3 -c "import hmac,hashlib;
    //   print(hmac.new(b'Jefe', b'1796212800.{}', hashlib.sha256).hexdigest())"
    BOOST_TEST(webhook::signature("Jefe", "1796212800", "{}") ==
               "sha256=2039f7dc5de6c1a410d3c9c3c75e0e36daa0cfe96628140feaaf918fe1683482");
    // Any change to the timestamp or the body changes it.
    BOOST_TEST(webhook::signature("Jefe", "1796212801", "{}") != webhook::signature("Jefe", "1796212800", "{}"));
    BOOST_TEST(webhook::signature("Jefe", "1796212800", "{ }") != webhook::signature("Jefe", "1796212800", "{}"));
}

BOOST_AUTO_TEST_CASE(headers_carry_delivery_timestamp_and_signature) {
    store::delivery d;
    d.id.value = 7;
    const auto h = webhook::headers("0123456789abcdef", 1796212800, "{\"a\":1}", d);
    auto has = [&](const std::string& line) { return std::find(h.begin(), h.end(), line) != h.end(); };
    BOOST_TEST(has("Content-Type: application/json"));
    BOOST_TEST(has("X-Twinsms-Delivery: 7"));
    BOOST_TEST(has("X-Twinsms-Timestamp: 1796212800"));
    BOOST_TEST(has("X-Twinsms-Signature: " + webhook::signature("0123456789abcdef", "1796212800", "{\"a\":1}")));
}

BOOST_AUTO_TEST_CASE(answers_are_classified) {
    using r = engine::delivery_sink::result;
    auto of = [](long status, std::string error = {}) { return app::classify({status, std::move(error)}); };
    BOOST_TEST((of(200) == r::delivered));
    BOOST_TEST((of(204) == r::delivered));
    BOOST_TEST((of(500) == r::retry));
    BOOST_TEST((of(503) == r::retry));
    BOOST_TEST((of(429) == r::retry));
    BOOST_TEST((of(408) == r::retry));
    BOOST_TEST((of(0, "Connection refused") == r::retry));
    BOOST_TEST((of(302) == r::retry));
    BOOST_TEST((of(400) == r::undeliverable));
    BOOST_TEST((of(410) == r::undeliverable));
}
