// A whole node in-process: client -> twinsmsd -> carrier simulator, with
// receipts and MO back to the client.
#define BOOST_TEST_MODULE node_flow
#include "app/node_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
struct one_carrier : node_fixture {
    sim::smsc_simulator& carrier;
    one_carrier() : carrier{add_carrier("sim")} {
        profiles.routes = {route_to("all", {"sim"})};
        profiles.mo_routes = {mo_to_client("all-mo", "acme")};
        start_node();
        wait_carriers_up();
    }
};

std::string text_of(const deliver_sm& d) { return std::string{d.short_message}; }
} // namespace

BOOST_FIXTURE_TEST_CASE(submit_is_stored_sent_and_its_receipt_carries_our_id, one_carrier) {
    auto c = client();
    auto a = request(*c, make_submit("447700900001", "hello", 1));
    BOOST_REQUIRE(!a.ec);
    BOOST_TEST(a.status() == status::ok);
    const auto id = a.message_id();
    BOOST_TEST(id.size() == 16u);
    run([&] { return c->delivered.size() == 1u; });

    BOOST_REQUIRE(carrier.messages().size() == 1u);
    const auto& got = carrier.messages().front();
    BOOST_TEST(got.destination == "447700900001");
    BOOST_TEST(got.text == "hello");
    BOOST_TEST((got.registered_delivery & 0x03) == 1); // we always ask the carrier for receipts

    const auto& r = c->dsm(0);
    BOOST_TEST((r.esm_class & 0x3C) == 0x04);
    BOOST_TEST(smpp::receipted_message_id(r.tlvs).value_or("") == id);
    BOOST_TEST(smpp::message_state(r.tlvs).value_or(0) == 2); // DELIVERED
    BOOST_TEST(text_of(r).find("id:" + id) == 0u);
    BOOST_TEST(text_of(r).find("stat:DELIVRD") != std::string::npos);
    BOOST_TEST(r.source_addr == "447700900001"); // addresses swapped
    wait_state(id, store::msg_state::delivered);
    auto m = stored(id);
    BOOST_TEST(m->carrier == "sim");
    BOOST_TEST(m->carrier_message_id == got.message_id);
    BOOST_TEST(!m->in_flight);
}

BOOST_FIXTURE_TEST_CASE(no_receipt_unless_asked, one_carrier) {
    auto c = client();
    auto a = request(*c, make_submit("447700900002", "quiet", 0));
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::delivered);
    BOOST_TEST(c->delivered.empty());
}

BOOST_FIXTURE_TEST_CASE(failure_only_receipt_is_sent_for_undelivered, one_carrier) {
    carrier.set_receipt_rule("4477009009", {sim::final_state::undeliverable, 5});
    auto c = client();
    auto ok = request(*c, make_submit("447700900003", "fine", 2));
    auto bad = request(*c, make_submit("447700900901", "lost", 2));
    BOOST_REQUIRE(ok.status() == status::ok);
    BOOST_REQUIRE(bad.status() == status::ok);
    wait_state(ok.message_id(), store::msg_state::delivered);
    run([&] { return c->delivered.size() == 1u; });
    const auto& r = c->dsm(0);
    BOOST_TEST(smpp::receipted_message_id(r.tlvs).value_or("") == bad.message_id());
    BOOST_TEST(smpp::message_state(r.tlvs).value_or(0) == 5); // UNDELIVERABLE
    BOOST_TEST(text_of(r).find("stat:UNDELIV") != std::string::npos);
    BOOST_TEST(stored(bad.message_id())->state == store::msg_state::undeliverable);
}

BOOST_FIXTURE_TEST_CASE(mo_reaches_the_bound_client, one_carrier) {
    auto c = client(bind_type::receiver);
    carrier.send_mo("twinsms", "447700900999", "80080", "STOP all");
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(c->dsm(0).source_addr == "447700900999");
    BOOST_TEST(c->dsm(0).destination_addr == "80080");
    BOOST_TEST(text_of(c->dsm(0)) == "STOP all");
    run([&] { return carrier.counters().mo_sent == 1u; }); // acknowledged to the carrier
}

BOOST_FIXTURE_TEST_CASE(receipt_waits_for_the_client_to_bind, one_carrier) {
    std::string id;
    {
        auto tx = client(bind_type::transmitter);
        auto a = request(*tx, make_submit("447700900004", "later", 1));
        BOOST_REQUIRE(a.status() == status::ok);
        id = a.message_id();
        wait_state(id, store::msg_state::delivered);
    } // gone before its receipt could be delivered
    carrier.send_mo("twinsms", "447700900998", "80080", "hi"); // and an MO while nobody is bound
    run([&] { return carrier.counters().mo_sent == 1u; });     // stored, so the carrier is answered
    auto rx = client(bind_type::receiver);
    run([&] { return rx->delivered.size() == 2u; });
    std::set<std::string> seen;
    for (std::size_t i = 0; i < 2; ++i)
        seen.insert((rx->dsm(i).esm_class & 0x04) ? std::string{*smpp::receipted_message_id(rx->dsm(i).tlvs)}
                                                  : text_of(rx->dsm(i)));
    BOOST_TEST(seen.contains(id));
    BOOST_TEST(seen.contains("hi"));
}

BOOST_FIXTURE_TEST_CASE(client_error_on_a_delivery_is_retried, one_carrier) {
    auto c = client(bind_type::transceiver);
    c->answers = {status::x_t_appn};
    carrier.send_mo("twinsms", "447700900997", "80080", "again");
    run([&] { return c->delivered.size() == 2u; });
    BOOST_TEST(text_of(c->dsm(1)) == "again");
    run([&] { return node->deliveries().stats().acknowledged == 1u; });
}
