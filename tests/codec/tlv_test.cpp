// TLV list API and the typed accessors' handling of malformed values: a bad
// optional parameter must read as absent, never as a wrong number.
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {
tlv_list list_of(std::initializer_list<tlv> l) { return tlv_list(l.begin(), l.end()); }
} // namespace

BOOST_AUTO_TEST_SUITE(tlv_api)

BOOST_AUTO_TEST_CASE(integer_builders_own_their_bytes) {
    tlv a = tlv::u32(tag::qos_time_to_live, 0x01020304);
    tlv copy = a; // inline storage: the copy must not point into `a`
    a = tlv::u8(tag::message_state, 9);
    BOOST_TEST(to_hex(copy.value()) == "01020304");
    BOOST_TEST(to_hex(tlv::u16(tag::sar_msg_ref_num, 0xBEEF).value()) == "beef");
    BOOST_TEST(to_hex(a.value()) == "09");
    BOOST_TEST(copy == tlv(tag::qos_time_to_live, std::string_view{"\x01\x02\x03\x04", 4}));
    BOOST_TEST(!(copy == tlv(tag::qos_time_to_live, std::string_view{"\x01\x02\x03\x05", 4})));
}

// tlv::cstring keeps a view of its argument, so a temporary must not bind.
template <class S>
concept makes_cstring_tlv = requires(S&& s) { tlv::cstring(tag::receipted_message_id, std::forward<S>(s)); };
static_assert(makes_cstring_tlv<std::string&>);
static_assert(makes_cstring_tlv<const std::string&>);
static_assert(!makes_cstring_tlv<std::string>);
static_assert(!makes_cstring_tlv<const char (&)[4]>);
static_assert(!makes_cstring_tlv<std::string_view>);

BOOST_AUTO_TEST_CASE(cstring_builder_includes_nul) {
    const std::string id = "abc";
    const tlv t = tlv::cstring(tag::receipted_message_id, id);
    BOOST_TEST(t.value().size() == 4u);
    BOOST_TEST(to_hex(t.value()) == "61626300");
    const auto l = list_of({t});
    BOOST_TEST(receipted_message_id(l).value() == "abc");
}

BOOST_AUTO_TEST_CASE(typed_accessors_reject_wrong_lengths) {
    const auto l = list_of({
        tlv{tag::message_state, std::string_view{"\x00\x02", 2}},     // u8 sent as 2 bytes
        tlv{tag::user_message_reference, std::string_view{"\x07", 1}}, // u16 sent as 1 byte
        tlv{tag::network_error_code, std::string_view{"\x03\x00", 2}}, // needs 3 bytes
        tlv{tag::qos_time_to_live, std::string_view{"\x00\x00\x0e", 3}},
    });
    BOOST_TEST(!message_state(l).has_value());
    BOOST_TEST(!user_message_reference(l).has_value());
    BOOST_TEST(!network_error_code(l).has_value());
    BOOST_TEST(!get_u32(l, tag::qos_time_to_live).has_value());
    // Raw bytes stay reachable for a caller that wants to be lenient.
    BOOST_TEST(get_octets(l, tag::message_state)->size() == 2u);
    BOOST_TEST(!delivery_failure_reason(l).has_value()); // absent
}

BOOST_AUTO_TEST_CASE(cstring_accessor_nul_rules) {
    using sv = std::string_view;
    BOOST_TEST(get_cstring(list_of({tlv{0x001E, sv{"id\0", 3}}}), 0x001E).value() == "id");
    // Some SMSCs omit the NUL: the whole value is then the string.
    BOOST_TEST(get_cstring(list_of({tlv{0x001E, sv{"id", 2}}}), 0x001E).value() == "id");
    BOOST_TEST(get_cstring(list_of({tlv{0x001E, sv{"\0", 1}}}), 0x001E).value() == "");
    // A NUL that does not end the value makes it malformed.
    BOOST_TEST(!get_cstring(list_of({tlv{0x001E, sv{"i\0d", 3}}}), 0x001E).has_value());
    BOOST_TEST(!get_cstring(list_of({tlv{0x001E, sv{"id\0\0", 4}}}), 0x001E).has_value());
}

BOOST_AUTO_TEST_CASE(sar_needs_all_three_parts) {
    auto l = list_of({tlv::u16(tag::sar_msg_ref_num, 5), tlv::u8(tag::sar_total_segments, 3)});
    BOOST_TEST(!sar(l).has_value());
    l.push_back(tlv{tag::sar_segment_seqnum, std::string_view{"\x00\x01", 2}});
    BOOST_TEST(!sar(l).has_value()); // wrong width
    set(l, tlv::u8(tag::sar_segment_seqnum, 2));
    const auto s = sar(l);
    BOOST_REQUIRE(s.has_value());
    BOOST_TEST(s->msg_ref_num == 5);
    BOOST_TEST(s->total_segments == 3);
    BOOST_TEST(s->segment_seqnum == 2);
}

BOOST_AUTO_TEST_CASE(set_find_erase_with_duplicates) {
    auto l = list_of({tlv::u8(0x1401, 1), tlv::u8(tag::message_state, 2), tlv::u8(0x1401, 3)});
    BOOST_TEST(find(l, 0x1401) == &l[0]); // first one wins
    set(l, tlv::u8(0x1401, 7));           // replaces the first only
    BOOST_TEST(get_u8(l, 0x1401).value() == 7);
    BOOST_TEST(to_hex(l[2].value()) == "03");
    set(l, tlv::u8(tag::delivery_failure_reason, 4)); // appends
    BOOST_REQUIRE(l.size() == 4u);
    BOOST_TEST(l[3].tag() == tag::delivery_failure_reason);
    BOOST_TEST(erase(l, 0x1401));
    BOOST_TEST(get_u8(l, 0x1401).value() == 3); // the duplicate is now first
    BOOST_TEST(l[0].tag() == tag::message_state);
    BOOST_TEST(!erase(l, 0x9999));
    BOOST_TEST(find(l, 0x9999) == nullptr);
}

BOOST_AUTO_TEST_CASE(duplicate_tlvs_survive_round_trip) {
    const bytes wire = from_hex("0000001D 80000004 00000000 00000001"
                                "6100"           // message_id "a"
                                "1401 0001 01"   // the same vendor tag twice
                                "1401 0002 0203");
    const pdu p = decode_ok(wire);
    const auto& r = body_as<submit_sm_resp>(p);
    BOOST_REQUIRE(r.tlvs.size() == 2u);
    BOOST_TEST(to_hex(r.tlvs[1].value()) == "0203");
    expect_reencodes(p, wire);
}

BOOST_AUTO_TEST_CASE(standard_tag_names) {
    BOOST_TEST(tag_name(tag::message_payload) == "message_payload");
    BOOST_TEST(tag_name(tag::its_session_info) == "its_session_info");
    BOOST_TEST(tag_name(0x0000).empty());
}

BOOST_AUTO_TEST_SUITE_END()
