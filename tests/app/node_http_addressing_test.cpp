// The HTTP front doors with an account's numbering and senders: a sender
// outside the account's policy is refused 422 (sendsms: 403 with the
// reason), a national number is routed and sent in the routed form.
#define BOOST_TEST_MODULE node_http_addressing
#include "app/http_node.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
struct senders_node : http_node {
    senders_node() : http_node(false) {
        auto& acme = profiles.clients[0];
        config::numbering_settings uk;
        uk.country = "44";
        uk.trunk = "0";
        acme.numbering = uk;
        acme.senders.allowed = {"MyShop"};
        start_http();
    }
};
} // namespace

BOOST_FIXTURE_TEST_CASE(a_sender_outside_the_policy_is_refused_and_nothing_stored, senders_node) {
    const auto before = node->message_store().get_stats().messages;
    const auto r = post(send_token, R"({"from":"Other","to":"07700900040","text":"x"})");
    BOOST_TEST(r.status == 422u, r.body);
    BOOST_TEST(r.error_code() == "sender_not_allowed");
    BOOST_TEST(node->message_store().get_stats().messages == before);
    const auto k = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&from=Other&to=07700900041&text=x");
    BOOST_TEST(k.status == 403u);
    BOOST_TEST(k.body.find("not among the senders") != std::string::npos, k.body);
    BOOST_TEST(node->submissions().stats().sender_refused == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_national_number_is_routed_and_sent_international, senders_node) {
    const auto r = post(send_token, R"({"from":"MyShop","to":"07700900042","text":"x"})");
    BOOST_TEST(r.status == 202u, r.body);
    wait_at_carrier(1);
    // The route takes 44...: it saw the routed form, and the carrier (no
    // numbering of its own) gets that form.
    const auto got = at_carrier("447700900042");
    BOOST_REQUIRE(got.size() == 1u);
    BOOST_TEST(got[0].dest_ton == 1);
    BOOST_TEST(got[0].source == "MyShop");
    BOOST_TEST(got[0].source_ton == 5);
}
