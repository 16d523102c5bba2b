// The heartbeat's settings payload: what is encoded decodes the same;
// truncated or altered bytes are refused; the MAC binds it to the report's
// sequence number and the pair's secret; edits past the size bound wait.
#define BOOST_TEST_MODULE settings_wire
#include <boost/test/unit_test.hpp>

#include "settings/settings_wire.hpp"

using namespace twinsms;
using namespace twinsms::settings;

namespace {

payload sample() {
    payload p;
    p.index = {{"clients/alpha.yaml", std::string(64, 'a')}, {"carriers/sim.yaml", std::string(64, 'b')}};
    p.edits.push_back({edit{"clients/alpha.yaml", std::string(64, 'a'), std::string(64, 'c'), {std::string(64, 'd')}, 42},
                       "client:\n  state: active\n  system_id: alpha\n"});
    p.verdicts.push_back({"carriers/sim.yaml", std::string(64, 'e'), outcome::conflict, "changed on both nodes"});
    return p;
}

smpp::tlv_list report_with_sequence(const std::string& seq) { return {smpp::tlv{tag::report_sequence, seq}}; }

} // namespace

BOOST_AUTO_TEST_CASE(round_trip) {
    std::size_t sent = 0;
    const auto bytes = encode(sample(), sent);
    BOOST_TEST(sent == 1u);
    const auto p = decode(bytes);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(p->index == sample().index);
    BOOST_REQUIRE_EQUAL(p->edits.size(), 1u);
    BOOST_TEST(p->edits[0].e.profile == "clients/alpha.yaml");
    BOOST_TEST(p->edits[0].e.prior == std::vector<std::string>{std::string(64, 'd')});
    BOOST_TEST(p->edits[0].e.id == 42u);
    BOOST_TEST(p->edits[0].text == sample().edits[0].text);
    BOOST_REQUIRE_EQUAL(p->verdicts.size(), 1u);
    BOOST_TEST((p->verdicts[0].result == outcome::conflict));
    BOOST_TEST(p->verdicts[0].detail == "changed on both nodes");
}

BOOST_AUTO_TEST_CASE(malformed_bytes_are_refused) {
    std::size_t sent = 0;
    const auto bytes = encode(sample(), sent);
    for (std::size_t cut = 0; cut < bytes.size(); cut += 7) BOOST_TEST(!decode(bytes.substr(0, cut)).has_value());
    BOOST_TEST(!decode(bytes + "x").has_value());
    auto bad_version = bytes;
    bad_version[0] = 9;
    BOOST_TEST(!decode(bad_version).has_value());
}

BOOST_AUTO_TEST_CASE(signed_under_the_secret_and_the_reports_sequence) {
    const std::string secret = "pair-secret-0123456789", seq = "\0\0\0\0\0\0\0\7";
    std::size_t sent = 0;
    auto tlvs = report_with_sequence(seq);
    std::string storage;
    BOOST_REQUIRE(attach(tlvs, encode(sample(), sent), secret, storage));
    std::string why;
    const auto p = extract(tlvs, secret, why);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(why.empty());
    BOOST_TEST(p->index.size() == 2u);
    // Another secret, or the payload moved to another report (a replay with a new sequence): refused.
    BOOST_TEST(!extract(tlvs, "another-secret-0123456789", why).has_value());
    BOOST_TEST(!why.empty());
    smpp::tlv_list moved{smpp::tlv{tag::report_sequence, std::string_view{"\0\0\0\0\0\0\0\x8", 8}}, tlvs[1], tlvs[2]};
    BOOST_TEST(!extract(moved, secret, why).has_value());
    // No payload at all: nothing, and no complaint.
    BOOST_TEST(!extract(report_with_sequence(seq), secret, why).has_value());
    BOOST_TEST(why.empty());
    // Without a sequence (no secret configured) nothing is attached.
    smpp::tlv_list bare;
    BOOST_TEST(!attach(bare, "x", secret, storage));
}

BOOST_AUTO_TEST_CASE(edits_past_the_bound_wait_for_the_next_heartbeat) {
    payload p;
    for (int i = 0; i < 5; ++i) p.edits.push_back({edit{"clients/c" + std::to_string(i) + ".yaml", "", "d", {}, 1}, std::string(20'000, 'x')});
    std::size_t sent = 0;
    const auto bytes = encode(p, sent);
    BOOST_TEST(sent == 2u);
    BOOST_TEST(bytes.size() <= max_payload);
    BOOST_TEST(decode(bytes)->edits.size() == 2u);
}
