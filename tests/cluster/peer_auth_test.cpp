// peer_status authentication: a signed report verifies under the same
// secret and round trips through the SMPP codec; any changed field, another
// secret, a missing or cut MAC fails; the replay guard accepts each sequence
// once, in order and near our clock; the sequencer keeps growing even when
// the wall clock steps back.
#define BOOST_TEST_MODULE peer_auth
#include <boost/test/unit_test.hpp>

#include "cluster/peer_auth.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms::cluster;
namespace smpp = twinsms::smpp;

namespace {

const std::string secret = "pair-secret-0123456789";

peer_report sample() {
    peer_report r;
    r.node_id = "site1";
    r.mode = node_mode::normal;
    r.epoch = 17;
    r.carrier_queue = 5;
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(signed_report_verifies_and_survives_the_codec) {
    const auto r = sample();
    auto tlvs = encode(r);
    std::string scratch;
    sign(tlvs, r, 1'000'000, secret, scratch);
    smpp::pdu p;
    p.sequence_number = 3;
    p.body = smpp::peer_status{tlvs};
    std::vector<std::uint8_t> wire;
    BOOST_REQUIRE(!smpp::encode(p, wire));
    smpp::pdu back;
    BOOST_REQUIRE(!smpp::decode(wire, back));
    const auto* body = std::get_if<smpp::peer_status>(&back.body);
    BOOST_REQUIRE(body != nullptr);
    const auto& bt = body->tlvs;
    const auto got = decode(bt);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(verify(bt, *got, secret).value_or(0) == 1'000'000u);
}

BOOST_AUTO_TEST_CASE(a_changed_field_another_secret_or_no_mac_fails) {
    const auto r = sample();
    auto tlvs = encode(r);
    std::string scratch;
    sign(tlvs, r, 5, secret, scratch);
    BOOST_TEST(!verify(tlvs, r, "another-secret-0123456789"));
    auto forged = r;
    forged.mode = node_mode::took_over; // the forgery the MAC is for
    BOOST_TEST(!verify(tlvs, forged, secret));
    forged = r;
    forged.epoch = 1'000'000;
    BOOST_TEST(!verify(tlvs, forged, secret));
    forged = r;
    forged.reclaim = true;
    BOOST_TEST(!verify(tlvs, forged, secret));
    BOOST_TEST(!verify(encode(r), r, secret)); // unsigned
    // A cut MAC.
    auto cut = encode(r);
    const std::string s8 = scratch.substr(0, 8), mac = scratch.substr(8, 31);
    cut.push_back(smpp::tlv{peer_tag::sequence, s8});
    cut.push_back(smpp::tlv{peer_tag::mac, mac});
    BOOST_TEST(!verify(cut, r, secret));
    // Another sequence under the same MAC.
    auto moved = encode(r);
    std::string other_seq(8, '\0');
    other_seq[7] = 6;
    const std::string full_mac = scratch.substr(8);
    moved.push_back(smpp::tlv{peer_tag::sequence, other_seq});
    moved.push_back(smpp::tlv{peer_tag::mac, full_mac});
    BOOST_TEST(!verify(moved, r, secret));
}

BOOST_AUTO_TEST_CASE(replay_guard_accepts_each_sequence_once_in_order_and_near_our_clock) {
    replay_guard g{120'000'000};
    const std::int64_t now = 1'800'000'000'000'000;
    BOOST_TEST(g.accept(now, now).empty());
    BOOST_TEST(!g.accept(now, now).empty());     // replayed
    BOOST_TEST(!g.accept(now - 1, now).empty()); // older
    BOOST_TEST(g.accept(now + 1, now).empty());
    BOOST_TEST(!g.accept(now + 200'000'000, now).empty()); // far ahead of our clock
    replay_guard fresh; // after our restart: a report recorded 10 minutes ago
    BOOST_TEST(fresh.accept(now - 600'000'000, now).find("s from our clock") != std::string::npos);
    BOOST_TEST(fresh.accept(now - 60'000'000, now).empty()); // a minute apart: clocks differ that much
}

BOOST_AUTO_TEST_CASE(sequencer_grows_even_when_the_clock_steps_back) {
    sequencer s;
    const auto a = s.next(1000);
    const auto b = s.next(500);
    const auto c = s.next(5000);
    BOOST_TEST(a == 1000u);
    BOOST_TEST(b == 1001u);
    BOOST_TEST(c == 5000u);
}
