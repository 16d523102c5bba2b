// The client's other requests against a node: query_sm, cancel_sm,
// replace_sm, submit_multi, data_sm, and refusals (no route, bad times),
// plus scheduled delivery and validity running out in the queue.
#define BOOST_TEST_MODULE node_requests
#include "app/node_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
constexpr const char* in_one_minute = "000000000100000R"; // relative: 1 minute
constexpr const char* in_one_second = "000000000001000R";

struct node_44 : node_fixture {
    sim::smsc_simulator& carrier;
    node_44() : carrier{add_carrier("sim")} {
        profiles.routes = {route_to("uk", {"sim"}, config::route_strategy::failover, {"44"})};
        start_node();
        wait_carriers_up();
    }
    pdu scheduled(std::string_view text, const char* when, std::uint8_t rd = 0) {
        auto p = make_submit("447700900001", text, rd);
        p.as<submit_sm>()->schedule_delivery_time = when;
        return p;
    }
};

pdu query(std::string_view id) {
    pdu p{status::ok, 0, query_sm{}};
    p.as<query_sm>()->message_id = id;
    return p;
}
} // namespace

BOOST_FIXTURE_TEST_CASE(query_reports_the_final_state, node_44) {
    auto c = client();
    auto a = request(*c, make_submit("447700900001", "q", 0));
    wait_state(a.message_id(), store::msg_state::delivered);
    const auto id = a.message_id();
    auto q = request(*c, query(id));
    BOOST_REQUIRE(q.status() == status::ok);
    const auto& r = *q.resp->as<query_sm_resp>();
    BOOST_TEST(r.message_id == id);
    BOOST_TEST(r.message_state == 2);           // DELIVERED
    BOOST_TEST(r.final_date.size() == 16u);     // absolute SMPP time
    BOOST_TEST(request(*c, query("00000000000fffff")).status() == status::queryfail);
    BOOST_TEST(request(*c, query("not-an-id")).status() == status::invmsgid);
    auto other = client(bind_type::transceiver, "beta", "pw2");
    BOOST_TEST(request(*other, query(id)).status() == status::queryfail); // not beta's message
}

BOOST_FIXTURE_TEST_CASE(scheduled_message_waits_and_can_be_cancelled, node_44) {
    auto c = client();
    auto a = request(*c, scheduled("never", in_one_minute));
    BOOST_REQUIRE(a.status() == status::ok);
    auto q = request(*c, query(a.message_id()));
    BOOST_TEST(q.resp->as<query_sm_resp>()->message_state == 1); // ENROUTE: waiting with us
    pdu cancel{status::ok, 0, cancel_sm{}};
    const auto id = a.message_id();
    cancel.as<cancel_sm>()->message_id = id;
    BOOST_TEST(request(*c, cancel).status() == status::ok);
    BOOST_TEST(stored(id)->state == store::msg_state::cancelled);
    BOOST_TEST(request(*c, cancel).status() == status::cancelfail); // already final
    BOOST_TEST(carrier.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(sent_message_cannot_be_cancelled, node_44) {
    auto c = client();
    auto a = request(*c, make_submit("447700900001", "gone", 0));
    wait_state(a.message_id(), store::msg_state::delivered);
    pdu cancel{status::ok, 0, cancel_sm{}};
    const auto id = a.message_id();
    cancel.as<cancel_sm>()->message_id = id;
    BOOST_TEST(request(*c, cancel).status() == status::cancelfail);
}

BOOST_FIXTURE_TEST_CASE(replace_changes_text_and_schedule, node_44) {
    auto c = client();
    auto a = request(*c, scheduled("old text", in_one_minute));
    pdu rep{status::ok, 0, replace_sm{}};
    const auto id = a.message_id();
    auto& r = *rep.as<replace_sm>();
    r.message_id = id;
    r.short_message = "new text";
    r.schedule_delivery_time = in_one_second;
    BOOST_TEST(request(*c, rep).status() == status::ok);
    wait_state(id, store::msg_state::delivered);
    BOOST_REQUIRE(carrier.messages().size() == 1u);
    BOOST_TEST(carrier.messages().front().text == "new text");
}

BOOST_FIXTURE_TEST_CASE(refusals_name_the_field, node_44) {
    auto c = client();
    BOOST_TEST(request(*c, make_submit("33612345678", "no route", 0)).status() == status::invdstadr);
    auto bad_validity = make_submit("447700900001", "x", 0);
    bad_validity.as<submit_sm>()->validity_period = "99999999999999XX";
    BOOST_TEST(request(*c, bad_validity).status() == status::invexpiry);
    BOOST_TEST(request(*c, scheduled("x", "2613")).status() == status::invsched);
    BOOST_TEST(node->intake_stats().stats().refused == 3u);
    BOOST_TEST(carrier.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(submit_multi_stores_one_message_per_destination, node_44) {
    auto c = client();
    pdu p{status::ok, 0, submit_multi{}};
    auto& m = *p.as<submit_multi>();
    m.source_addr = "TWINSMS";
    m.short_message = "to many";
    m.dests.push_back({dest_address::sme_address, 1, 1, "447700900011"});
    m.dests.push_back({dest_address::sme_address, 1, 1, "447700900012"});
    m.dests.push_back({dest_address::distribution_list, 0, 0, "friends"});
    m.dests.push_back({dest_address::sme_address, 1, 1, "33600000000"}); // no route
    auto a = request(*c, p);
    BOOST_REQUIRE(a.status() == status::ok);
    const auto& r = *a.resp->as<submit_multi_resp>();
    BOOST_TEST(r.message_id.size() == 16u);
    BOOST_REQUIRE(r.unsuccess.size() == 2u);
    BOOST_TEST(r.unsuccess[0].destination_addr == "friends");
    BOOST_TEST(r.unsuccess[0].error_status_code == status::invdlname);
    BOOST_TEST(r.unsuccess[1].destination_addr == "33600000000");
    BOOST_TEST(r.unsuccess[1].error_status_code == status::invdstadr);
    run([&] { return carrier.messages().size() == 2u; });
    std::set<std::string> dests;
    for (const auto& msg : carrier.messages()) dests.insert(msg.destination);
    BOOST_TEST((dests == std::set<std::string>{"447700900011", "447700900012"}));
}

BOOST_FIXTURE_TEST_CASE(data_sm_goes_through_as_data_sm, node_44) {
    auto c = client();
    pdu p{status::ok, 0, data_sm{}};
    auto& d = *p.as<data_sm>();
    d.source_addr = "TWINSMS";
    d.destination_addr = "447700900021";
    const std::string payload(300, 'p'); // longer than one short_message
    d.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, payload});
    auto a = request(*c, p);
    BOOST_REQUIRE(a.status() == status::ok);
    BOOST_TEST((a.resp->id() == command_id::data_sm_resp));
    BOOST_TEST(a.message_id().size() == 16u);
    run([&] { return carrier.messages().size() == 1u; });
    BOOST_TEST((carrier.messages().front().command == command_id::data_sm));
    BOOST_TEST(carrier.messages().front().text == payload);
}

BOOST_FIXTURE_TEST_CASE(validity_running_out_in_the_queue_expires_with_a_receipt, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    carrier.refuse_binds(status::bindfail); // nothing leaves the queue
    start_node();
    auto c = client();
    auto p = make_submit("447700900031", "too late", 1);
    p.as<submit_sm>()->validity_period = in_one_second;
    auto a = request(*c, p);
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::expired);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(smpp::message_state(c->dsm(0).tlvs).value_or(0) == 3); // EXPIRED
    BOOST_TEST(std::string{c->dsm(0).short_message}.find("stat:EXPIRED") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(throughput_limit_counts_parts, node_fixture) {
    add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    profiles.clients[0].account.tps = 0.1; // no refill to speak of during the test
    profiles.clients[0].account.burst = 5;
    start_node();
    auto c = client();
    pdu p{status::ok, 0, data_sm{}};
    auto& d = *p.as<data_sm>();
    d.destination_addr = "447700900041";
    const std::string payload(600, 'a'); // 4 GSM parts of 153
    d.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, payload});
    BOOST_TEST(request(*c, p).status() == status::ok);        // 4 of 5 tokens
    BOOST_TEST(request(*c, p).status() == status::throttled); // needs 4, 1 left
    BOOST_TEST(request(*c, make_submit("447700900042", "one part", 0)).status() == status::ok);
}

// The pair's vendor PDUs belong to the peer link: from an ordinary client
// (or a node without a cluster) they are an unknown command, and the session
// goes on.
BOOST_FIXTURE_TEST_CASE(peer_link_pdus_from_a_client_are_refused, node_44) {
    auto c = client();
    BOOST_TEST(request(*c, pdu{status::ok, 0, peer_status{}}).status() == status::invcmdid);
    BOOST_TEST(request(*c, pdu{status::ok, 0, peer_forward{}}).status() == status::invcmdid);
    BOOST_TEST(request(*c, make_submit("447700900001", "still served", 0)).status() == status::ok);
}
