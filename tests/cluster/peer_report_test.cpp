// The peer_status report as TLVs: every field and flag round trips (also
// through the SMPP codec as a peer_status PDU), a missing or malformed
// required field makes the report not a twinsms peer's (nullopt), optional
// fields default, and unknown TLVs and flag bits are ignored.
#define BOOST_TEST_MODULE peer_report
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "cluster/peer_report.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms::cluster;
namespace smpp = twinsms::smpp;

namespace twinsms::cluster {
inline std::ostream& operator<<(std::ostream& o, node_mode m) { return o << to_string(m); }
} // namespace twinsms::cluster

namespace {

constexpr node_mode all_modes[] = {node_mode::joining,      node_mode::normal, node_mode::took_over,
                                   node_mode::handing_back, node_mode::fenced, node_mode::standby};

peer_report sample() {
    peer_report r;
    r.node_id = "node-b";
    r.mode = node_mode::took_over;
    r.epoch = 42;
    r.carrier_queue = 1234;
    r.handover = false;
    r.reclaim = true;
    return r;
}

void check_same(const peer_report& got, const peer_report& want) {
    BOOST_TEST(got.node_id == want.node_id);
    BOOST_TEST(got.mode == want.mode);
    BOOST_TEST(got.epoch == want.epoch);
    BOOST_TEST(got.carrier_queue == want.carrier_queue);
    BOOST_TEST(got.handover == want.handover);
    BOOST_TEST(got.reclaim == want.reclaim);
}

// The encoded list without the TLV of tag `t`.
smpp::tlv_list without(const smpp::tlv_list& l, std::uint16_t t) {
    smpp::tlv_list r = l;
    BOOST_REQUIRE(smpp::erase(r, t));
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(encode_writes_the_five_vendor_tlvs_in_order) {
    const peer_report r = sample();
    const auto l = encode(r);
    BOOST_REQUIRE(l.size() == 5u);
    BOOST_TEST(l[0].tag() == peer_tag::node_id);
    BOOST_TEST(l[1].tag() == peer_tag::mode);
    BOOST_TEST(l[2].tag() == peer_tag::epoch);
    BOOST_TEST(l[3].tag() == peer_tag::carrier_queue);
    BOOST_TEST(l[4].tag() == peer_tag::flags);
    // Vendor range of SMPP 3.4 5.3.2.
    for (const auto& t : l) BOOST_TEST((t.tag() >= 0x1400 && t.tag() <= 0x3FFF));
    // node_id is a C-octet string: the NUL goes on the wire.
    BOOST_TEST(l[0].value() == std::string_view("node-b\0", 7));
    BOOST_TEST(l[1].value() == std::string_view("\x02", 1));
    BOOST_TEST(l[2].value() == std::string_view("\x00\x00\x00\x2A", 4)); // big endian
    BOOST_TEST(l[3].value() == std::string_view("\x00\x00\x04\xD2", 4));
    BOOST_TEST(l[4].value() == std::string_view("\x02", 1)); // reclaim = 2
}

BOOST_AUTO_TEST_CASE(flags_encode_as_bits) {
    peer_report r = sample();
    r.handover = r.reclaim = false;
    BOOST_TEST(int(smpp::get_u8(encode(r), peer_tag::flags).value()) == 0);
    r.handover = true;
    BOOST_TEST(int(smpp::get_u8(encode(r), peer_tag::flags).value()) == 1);
    r.reclaim = true;
    BOOST_TEST(int(smpp::get_u8(encode(r), peer_tag::flags).value()) == 3);
    r.handover = false;
    BOOST_TEST(int(smpp::get_u8(encode(r), peer_tag::flags).value()) == 2);
}

BOOST_AUTO_TEST_CASE(round_trip_every_mode_and_flag_combination) {
    for (node_mode m : all_modes)
        for (int flags = 0; flags < 4; ++flags) {
            BOOST_TEST_CONTEXT("mode " << m << " flags " << flags) {
                peer_report r = sample();
                r.mode = m;
                r.handover = flags & 1;
                r.reclaim = flags & 2;
                const auto got = decode(encode(r));
                BOOST_REQUIRE(got.has_value());
                check_same(*got, r);
            }
        }
}

BOOST_AUTO_TEST_CASE(round_trip_extreme_values) {
    peer_report r;
    r.node_id = "a-rather-long-node-identifier.example.net";
    r.mode = node_mode::standby;
    r.epoch = std::numeric_limits<std::uint32_t>::max();
    r.carrier_queue = std::numeric_limits<std::uint32_t>::max();
    r.handover = true;
    auto got = decode(encode(r));
    BOOST_REQUIRE(got.has_value());
    check_same(*got, r);

    r = peer_report{};
    r.node_id = "x";
    got = decode(encode(r)); // all zero: joining, epoch 0, empty queue, no flags
    BOOST_REQUIRE(got.has_value());
    check_same(*got, r);
}

BOOST_AUTO_TEST_CASE(round_trip_through_a_peer_status_pdu) {
    const peer_report r = sample();
    smpp::pdu p;
    p.sequence_number = 7;
    p.body = smpp::peer_status{encode(r)};
    std::vector<std::uint8_t> wire;
    BOOST_REQUIRE(!smpp::encode(p, wire));
    BOOST_TEST(wire.size() > 16u);

    smpp::pdu back;
    BOOST_REQUIRE(!smpp::decode(wire, back));
    BOOST_TEST(back.sequence_number == 7u);
    const auto* body = std::get_if<smpp::peer_status>(&back.body);
    BOOST_REQUIRE(body != nullptr);
    const auto got = decode(body->tlvs);
    BOOST_REQUIRE(got.has_value());
    check_same(*got, r);
}

BOOST_AUTO_TEST_CASE(missing_required_fields_are_not_a_peer) {
    const peer_report r = sample();
    const auto l = encode(r);
    BOOST_TEST(!decode(without(l, peer_tag::node_id)).has_value());
    BOOST_TEST(!decode(without(l, peer_tag::mode)).has_value());
    BOOST_TEST(!decode(without(l, peer_tag::epoch)).has_value());
    BOOST_TEST(!decode(smpp::tlv_list{}).has_value());
}

BOOST_AUTO_TEST_CASE(optional_fields_default_when_missing) {
    const peer_report r = sample();
    auto got = decode(without(encode(r), peer_tag::carrier_queue));
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->carrier_queue == 0u);
    BOOST_TEST(got->reclaim); // the rest still read

    got = decode(without(encode(r), peer_tag::flags));
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(!got->handover);
    BOOST_TEST(!got->reclaim);
    BOOST_TEST(got->carrier_queue == 1234u);
}

BOOST_AUTO_TEST_CASE(wrong_length_for_epoch_or_mode_is_malformed) {
    const peer_report r = sample();
    for (auto bad : {smpp::tlv::u8(peer_tag::epoch, 1), smpp::tlv::u16(peer_tag::epoch, 1),
                     smpp::tlv{peer_tag::epoch, std::string_view{"\0\0\0\0\1", 5}},
                     smpp::tlv{peer_tag::epoch, std::string_view{}}}) {
        auto l = encode(r);
        smpp::set(l, bad);
        BOOST_TEST(!decode(l).has_value(), "epoch of " << bad.value().size() << " bytes");
    }
    for (auto bad : {smpp::tlv::u16(peer_tag::mode, 1), smpp::tlv::u32(peer_tag::mode, 1),
                     smpp::tlv{peer_tag::mode, std::string_view{}}}) {
        auto l = encode(r);
        smpp::set(l, bad);
        BOOST_TEST(!decode(l).has_value(), "mode of " << bad.value().size() << " bytes");
    }
}

BOOST_AUTO_TEST_CASE(mode_out_of_range_is_malformed) {
    const peer_report r = sample();
    for (int m : {6, 7, 0x80, 0xFF}) {
        auto l = encode(r);
        smpp::set(l, smpp::tlv::u8(peer_tag::mode, static_cast<std::uint8_t>(m)));
        BOOST_TEST(!decode(l).has_value(), "mode " << m);
    }
    auto l = encode(r);
    smpp::set(l, smpp::tlv::u8(peer_tag::mode, 5)); // standby: the last valid one
    const auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->mode == node_mode::standby);
}

BOOST_AUTO_TEST_CASE(node_id_with_an_inner_nul_is_malformed) {
    const peer_report r = sample();
    auto l = encode(r);
    smpp::set(l, smpp::tlv{peer_tag::node_id, std::string_view{"no\0de\0", 6}});
    BOOST_TEST(!decode(l).has_value());
}

BOOST_AUTO_TEST_CASE(node_id_without_its_nul_is_tolerated) {
    // As get_cstring tolerates some SMSCs' unterminated strings.
    const peer_report r = sample();
    auto l = encode(r);
    smpp::set(l, smpp::tlv{peer_tag::node_id, std::string_view{"node-b"}});
    const auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->node_id == "node-b");
}

BOOST_AUTO_TEST_CASE(malformed_optional_fields_read_as_defaults) {
    const peer_report r = sample();
    auto l = encode(r);
    smpp::set(l, smpp::tlv::u16(peer_tag::carrier_queue, 9));
    smpp::set(l, smpp::tlv::u16(peer_tag::flags, 3));
    const auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->carrier_queue == 0u);
    BOOST_TEST(!got->handover);
    BOOST_TEST(!got->reclaim);
}

BOOST_AUTO_TEST_CASE(unknown_flag_bits_are_ignored) {
    const peer_report r = sample();
    auto l = encode(r);
    smpp::set(l, smpp::tlv::u8(peer_tag::flags, 0xFC));
    auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(!got->handover);
    BOOST_TEST(!got->reclaim);

    smpp::set(l, smpp::tlv::u8(peer_tag::flags, 0xFF));
    got = decode(l);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->handover);
    BOOST_TEST(got->reclaim);
}

BOOST_AUTO_TEST_CASE(extra_unknown_tlvs_are_ignored) {
    const peer_report r = sample();
    const std::string future = "from a newer twinsms";
    smpp::tlv_list l;
    l.push_back(smpp::tlv::u32(0x1506, 0xDEADBEEF)); // a future peer tag
    l.push_back(smpp::tlv::u8(smpp::tag::sc_interface_version, 0x34));
    for (const auto& t : encode(r)) l.push_back(t);
    l.push_back(smpp::tlv::cstring(0x3FFF, future));
    l.push_back(smpp::tlv{0x2000, std::string_view{}});
    const auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    check_same(*got, r);
}

BOOST_AUTO_TEST_CASE(fields_in_any_order) {
    const peer_report r = sample();
    const auto enc = encode(r);
    smpp::tlv_list l(enc.rbegin(), enc.rend());
    const auto got = decode(l);
    BOOST_REQUIRE(got.has_value());
    check_same(*got, r);
}

BOOST_AUTO_TEST_CASE(mode_names) {
    BOOST_TEST(to_string(node_mode::joining) == "joining");
    BOOST_TEST(to_string(node_mode::normal) == "normal");
    BOOST_TEST(to_string(node_mode::took_over) == "took_over");
    BOOST_TEST(to_string(node_mode::handing_back) == "handing_back");
    BOOST_TEST(to_string(node_mode::fenced) == "fenced");
    BOOST_TEST(to_string(node_mode::standby) == "standby");
    BOOST_TEST(to_string(static_cast<node_mode>(99)) == "unknown");
}

// A receipt handed across the pair: the carrier name and the carrier's PDU
// byte for byte, through the codec as a peer_forward PDU; a forward without
// either part is not one.
BOOST_AUTO_TEST_CASE(forwarded_receipt_round_trips_through_the_codec) {
    smpp::deliver_sm d;
    d.source_addr = "447700900001";
    d.destination_addr = "TWINSMS";
    d.esm_class = 0x04;
    d.short_message = "id:ABC123 sub:001 dlvrd:001 submit date:2612010000 done date:2612010000 stat:DELIVRD err:000 text:";
    std::vector<std::uint8_t> inner;
    BOOST_REQUIRE(!smpp::encode(smpp::pdu{smpp::status::ok, 7, d}, inner));

    const forwarded_receipt f{"uk-mno", std::string{inner.begin(), inner.end()}};
    std::vector<std::uint8_t> outer;
    BOOST_REQUIRE(!smpp::encode(smpp::pdu{smpp::status::ok, 9, smpp::peer_forward{encode(f)}}, outer));

    smpp::pdu got;
    BOOST_REQUIRE(!smpp::decode(outer, got));
    BOOST_REQUIRE(got.id() == smpp::command_id::peer_forward);
    const auto back = decode_forward(got.as<smpp::peer_forward>()->tlvs);
    BOOST_REQUIRE(back.has_value());
    BOOST_TEST(back->carrier == "uk-mno");
    BOOST_TEST(back->pdu == f.pdu);

    smpp::pdu again;
    BOOST_REQUIRE(!smpp::decode({reinterpret_cast<const std::uint8_t*>(back->pdu.data()), back->pdu.size()}, again));
    BOOST_TEST(again.as<smpp::deliver_sm>()->short_message == d.short_message);

    smpp::tlv_list no_pdu{smpp::tlv::cstring(peer_tag::forward_carrier, f.carrier)};
    BOOST_TEST(!decode_forward(no_pdu).has_value());
    smpp::tlv_list no_carrier{smpp::tlv{peer_tag::forward_pdu, f.pdu}};
    BOOST_TEST(!decode_forward(no_carrier).has_value());
    smpp::tlv_list short_pdu{smpp::tlv::cstring(peer_tag::forward_carrier, f.carrier), smpp::tlv{peer_tag::forward_pdu, "short"}};
    BOOST_TEST(!decode_forward(short_pdu).has_value());
}
