// A node whose carrier profile has a charset key: what the carrier
// simulator receives (data_coding, octets, UDH or SAR parts), the one
// receipt the client gets for a message sent in parts, the refusal of a
// text the carrier cannot take, and the key's removal applied as SIGHUP does.
#define BOOST_TEST_MODULE node_charset
#include "app/node_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

std::string octets(std::initializer_list<int> l) {
    std::string s;
    for (int c : l) s += static_cast<char>(c);
    return s;
}

std::string tlv_of(const sim::received_message& m, std::uint16_t tag) {
    const auto it = m.tlvs.find(tag);
    return it == m.tlvs.end() ? std::string{} : it->second;
}

struct charset_node : node_fixture {
    sim::smsc_simulator& mno;
    explicit charset_node(sms::carrier_charset cs) : mno{add_carrier("mno")} {
        profiles.carriers[0].charset = cs;
        profiles.routes = {route_to("all", {"mno"})};
        start_node();
        wait_carriers_up();
    }
    // A submit with `ud` as short_message (or message_payload) in `dc`.
    static pdu submit(const std::string& ud, std::uint8_t dc, bool payload = false, std::uint8_t rd = 1) {
        auto p = make_submit("447700900123", "", rd, "Shop");
        auto& b = *p.as<submit_sm>();
        b.data_coding = dc;
        if (payload) b.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, ud});
        else b.short_message = ud;
        return p;
    }
    // Runs until the simulator has answered `n` receipts with ESME_ROK.
    void wait_receipts_sent(std::uint64_t n) {
        run([&] { return mno.counters().receipts_sent >= n; });
    }
};

sms::carrier_charset latin1_udh() {
    sms::carrier_charset cs;
    cs.default_alphabet = sms::alphabet::latin1;
    return cs;
}

struct latin1_carrier : charset_node {
    latin1_carrier() : charset_node{latin1_udh()} {}
};

struct sar_carrier : charset_node {
    static sms::carrier_charset settings() {
        sms::carrier_charset cs;
        cs.concat = sms::concatenation::sar;
        return cs;
    }
    sar_carrier() : charset_node{settings()} {}
};

struct ascii_carrier : charset_node {
    static sms::carrier_charset settings() {
        sms::carrier_charset cs;
        cs.default_alphabet = sms::alphabet::ascii;
        cs.ucs2 = false;
        return cs;
    }
    ascii_carrier() : charset_node{settings()} {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(gsm_text_reaches_a_latin1_carrier_in_latin1, latin1_carrier) {
    auto c = client();
    const std::string gsm = octets({0x00, ' ', 'c', 'a', 'f', 0x05, ' ', 0x1B, 0x3C, 0x1B, 0x3E}); // "@ café []"
    const auto a = request(*c, submit(gsm, 0x00));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_REQUIRE(mno.messages().size() == 1u);
    const auto& got = mno.messages().front();
    BOOST_TEST(got.data_coding == 0x00);
    BOOST_TEST(got.short_message == octets({'@', ' ', 'c', 'a', 'f', 0xE9, ' ', '[', ']'}));
    BOOST_TEST(got.esm_class == 0);
    BOOST_TEST(smpp::receipted_message_id(c->dsm(0).tlvs).value_or("") == a.message_id());
    // € is not Latin-1: the carrier takes UCS-2, so the message goes so.
    const auto euro = request(*c, submit(octets({'5', 0x1B, 0x65}), 0x00));
    BOOST_REQUIRE(euro.status() == status::ok);
    run([&] { return c->delivered.size() == 2u; });
    BOOST_REQUIRE(mno.messages().size() == 2u);
    BOOST_TEST(mno.messages().back().data_coding == 0x08);
    BOOST_TEST(mno.messages().back().short_message == octets({0x00, '5', 0x20, 0xAC}));
}

BOOST_FIXTURE_TEST_CASE(a_long_payload_goes_in_udh_parts_and_the_client_gets_one_receipt, latin1_carrier) {
    auto c = client();
    const std::string text(200, 'a');
    const auto a = request(*c, submit(text, 0x00, true));
    BOOST_REQUIRE(a.status() == status::ok);
    wait_receipts_sent(2); // both parts' receipts, each taken by the node
    wait_state(a.message_id(), store::msg_state::delivered);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_REQUIRE(mno.messages().size() == 2u);
    const auto& p1 = mno.messages()[0];
    const auto& p2 = mno.messages()[1];
    BOOST_TEST(p1.esm_class == 0x40);
    BOOST_TEST(p2.esm_class == 0x40);
    BOOST_TEST(p1.data_coding == 0x00);
    BOOST_TEST(p1.tlvs.count(smpp::tag::message_payload) == 0u);
    const auto ref = static_cast<char>(p1.short_message.at(3));
    const std::string udh1{'\x05', '\x00', '\x03', ref, '\x02', '\x01'}, udh2{'\x05', '\x00', '\x03', ref, '\x02', '\x02'};
    BOOST_TEST(p1.short_message == udh1 + std::string(153, 'a'));
    BOOST_TEST(p2.short_message == udh2 + std::string(47, 'a'));
    // Both carrier ids lead to the message: the second receipt is a repeat, not unknown.
    const auto& st = node->dispatch().stats();
    BOOST_TEST(st.unknown_receipts == 0u);
    BOOST_TEST(st.duplicate_receipts >= 1u);
    BOOST_TEST(st.split_messages == 1u);
    BOOST_TEST(st.split_parts == 2u);
    BOOST_TEST(c->delivered.size() == 1u);
    BOOST_TEST(smpp::receipted_message_id(c->dsm(0).tlvs).value_or("") == a.message_id());
    const auto m = stored(a.message_id());
    BOOST_REQUIRE(m);
    BOOST_TEST(m->carrier_message_id == p1.message_id);
}

BOOST_FIXTURE_TEST_CASE(sar_parts_carry_the_tlvs_and_no_header, sar_carrier) {
    auto c = client();
    const std::string ucs2 = [] {
        std::string s;
        for (int i = 0; i < 80; ++i) s += octets({0x04, 0x1F}); // 80 UCS-2 units: 67 + 13
        return s;
    }();
    const auto a = request(*c, submit(ucs2, 0x08, true));
    BOOST_REQUIRE(a.status() == status::ok);
    wait_receipts_sent(2);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_REQUIRE(mno.messages().size() == 2u);
    const auto& p1 = mno.messages()[0];
    const auto& p2 = mno.messages()[1];
    BOOST_TEST(p1.esm_class == 0);
    BOOST_TEST(p1.data_coding == 0x08);
    BOOST_TEST(p1.short_message == ucs2.substr(0, 134));
    BOOST_TEST(p2.short_message == ucs2.substr(134));
    const auto ref = tlv_of(p1, smpp::tag::sar_msg_ref_num);
    BOOST_TEST(ref.size() == 2u);
    BOOST_TEST(tlv_of(p2, smpp::tag::sar_msg_ref_num) == ref);
    BOOST_TEST(tlv_of(p1, smpp::tag::sar_total_segments) == std::string{'\x02'});
    BOOST_TEST(tlv_of(p2, smpp::tag::sar_total_segments) == std::string{'\x02'});
    BOOST_TEST(tlv_of(p1, smpp::tag::sar_segment_seqnum) == std::string{'\x01'});
    BOOST_TEST(tlv_of(p2, smpp::tag::sar_segment_seqnum) == std::string{'\x02'});
    BOOST_TEST(node->dispatch().stats().unknown_receipts == 0u);
    wait_state(a.message_id(), store::msg_state::delivered);
}

BOOST_FIXTURE_TEST_CASE(a_text_the_carrier_cannot_take_fails_with_the_reason, ascii_carrier) {
    auto c = client();
    const auto a = request(*c, submit(octets({0x04, 0x1F, 0x00, '!'}), 0x08)); // "П!"
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::undeliverable);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(mno.messages().empty()); // never sent
    const auto text = std::string{c->dsm(0).short_message};
    BOOST_TEST(text.find("stat:UNDELIV") != std::string::npos, text);
    const auto m = stored(a.message_id());
    BOOST_REQUIRE(m);
    BOOST_TEST(m->events.back().detail.find("U+041F") != std::string::npos, m->events.back().detail);
    BOOST_TEST(m->events.back().detail.find("mno") != std::string::npos);
    BOOST_TEST(node->dispatch().stats().charset_refused == 1u);
    // Plain ASCII goes.
    const auto ok = request(*c, submit("plain", 0x03));
    BOOST_REQUIRE(ok.status() == status::ok);
    wait_state(ok.message_id(), store::msg_state::delivered);
    BOOST_REQUIRE(mno.messages().size() == 1u);
    BOOST_TEST(mno.messages().front().data_coding == 0x00);
    BOOST_TEST(mno.messages().front().short_message == "plain");
}

BOOST_FIXTURE_TEST_CASE(without_the_key_after_a_reload_the_pdu_goes_as_stored, latin1_carrier) {
    auto c = client();
    auto changed = profiles;
    changed.carriers[0].charset.reset();
    node->apply(changed);
    const auto a = request(*c, submit(octets({'c', 'a', 'f', 0xE9}), 0x03));
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::delivered);
    BOOST_REQUIRE(mno.messages().size() == 1u);
    BOOST_TEST(mno.messages().front().data_coding == 0x03);
    BOOST_TEST(mno.messages().front().short_message == octets({'c', 'a', 'f', 0xE9}));
    // And back with it: data_coding 0 in Latin-1.
    node->apply(profiles);
    const auto b = request(*c, submit(octets({'c', 'a', 'f', 0xE9}), 0x03));
    BOOST_REQUIRE(b.status() == status::ok);
    wait_state(b.message_id(), store::msg_state::delivered);
    BOOST_REQUIRE(mno.messages().size() == 2u);
    BOOST_TEST(mno.messages().back().data_coding == 0x00);
    BOOST_TEST(mno.messages().back().short_message == octets({'c', 'a', 'f', 0xE9}));
}

BOOST_FIXTURE_TEST_CASE(a_part_refused_fails_the_message, latin1_carrier) {
    mno.fail_with(status::invdstadr, 2); // the second submit_sm: part 2 of 2
    auto c = client();
    const auto a = request(*c, submit(std::string(200, 'a'), 0x00, true));
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::undeliverable);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(mno.messages().size() == 2u);
    const auto m = stored(a.message_id());
    BOOST_REQUIRE(m);
    BOOST_TEST(m->events.back().detail == "part 2 of 2 refused by mno (ESME_RINVDSTADR)", m->events.back().detail);
    BOOST_TEST(std::string{c->dsm(0).short_message}.find("stat:UNDELIV") != std::string::npos);
}
