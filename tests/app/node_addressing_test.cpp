// A node with numbering, sender policy and carrier destinations in its
// profiles: what each carrier simulator receives, what the client is
// refused, and the numbers its receipts and MO carry.
#define BOOST_TEST_MODULE node_addressing
#include "app/node_harness.hpp"

#include <set>

using namespace twinsms;
using namespace twinsms::test;

namespace {

config::numbering_settings uk_plan(config::number_format f) {
    config::numbering_settings p;
    p.country = "44";
    p.trunk = "0";
    p.format = f;
    return p;
}

// acme writes UK numbers nationally and sees MO numbers with '+'; carrier
// "uk" takes UK numbers only (not 4490 premium ones) and wants them
// national; carrier "world" takes the rest and puts our brand as sender.
struct addressing : node_fixture {
    sim::smsc_simulator& uk;
    sim::smsc_simulator& world;
    addressing() : uk{add_carrier("uk")}, world{add_carrier("world")} {
        auto& acme = profiles.clients.front();
        acme.numbering = uk_plan(config::number_format::plus);
        acme.senders.allowed = {"MyShop"};
        acme.senders.prefixes = {"4477009"};
        acme.senders.default_sender = "ShopInfo";
        auto& c_uk = profiles.carriers[0];
        c_uk.numbering = uk_plan(config::number_format::national);
        c_uk.destinations.allowed = {"44"};
        c_uk.destinations.denied = {"4490"};
        profiles.carriers[1].sender_override = "Twin";
        profiles.routes = {route_to("all", {"uk", "world"})};
        config::mo_rule mo = mo_to_client("uk-mobiles", "acme");
        mo.source_prefixes = {"447"}; // the routed form: a national 07... matches
        profiles.mo_routes = {mo};
        start_node();
        wait_carriers_up();
    }
    // A submit as a client that leaves TON/NPI unknown writes it.
    static pdu submit(std::string_view dst, std::string_view src, std::uint8_t rd = 1) {
        auto p = make_submit(dst, "hi", rd, src);
        auto& b = *p.as<submit_sm>();
        b.source_addr_ton = b.source_addr_npi = b.dest_addr_ton = b.dest_addr_npi = 0;
        return p;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(each_carrier_gets_its_numbering_and_the_receipt_the_clients, addressing) {
    auto c = client();
    const auto a = request(*c, submit("07700900123", "MyShop"));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_REQUIRE(uk.messages().size() == 1u);
    const auto& got = uk.messages().front();
    BOOST_TEST(got.destination == "07700900123");
    BOOST_TEST(got.dest_ton == 2); // national
    BOOST_TEST(got.dest_npi == 1);
    BOOST_TEST(got.source == "MyShop");
    BOOST_TEST(got.source_ton == 5); // alphanumeric
    BOOST_TEST(got.source_npi == 0);
    // The receipt names the handset and sender as acme wrote them.
    const auto& r = c->dsm(0);
    BOOST_TEST(smpp::receipted_message_id(r.tlvs).value_or("") == a.message_id());
    BOOST_TEST(r.source_addr == "07700900123");
    BOOST_TEST(r.destination_addr == "MyShop");
    BOOST_TEST(world.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(a_carrier_that_may_not_take_a_number_is_skipped, addressing) {
    auto c = client();
    const auto foreign = request(*c, submit("0033612345678", "07700900555", 0));
    const auto premium = request(*c, submit("09012345678", "07700900555", 0)); // 449012345678: denied on uk
    BOOST_REQUIRE(foreign.status() == status::ok);
    BOOST_REQUIRE(premium.status() == status::ok);
    wait_state(foreign.message_id(), store::msg_state::delivered);
    wait_state(premium.message_id(), store::msg_state::delivered);
    BOOST_TEST(uk.messages().empty());
    BOOST_REQUIRE(world.messages().size() == 2u);
    std::set<std::string> dests;
    for (const auto& m : world.messages()) {
        dests.insert(m.destination); // world has no numbering: the routed form
        BOOST_TEST(m.dest_ton == 1);
        BOOST_TEST(m.source == "Twin"); // world's sender_override
        BOOST_TEST(m.source_ton == 5);
    }
    BOOST_TEST((dests == std::set<std::string>{"33612345678", "449012345678"}));
    BOOST_TEST(stored(premium.message_id())->carrier == "world");
}

BOOST_FIXTURE_TEST_CASE(senders_outside_the_policy_are_refused_and_none_gets_the_default, addressing) {
    auto c = client();
    const auto bad = request(*c, submit("07700900123", "Other"));
    BOOST_TEST(bad.status() == status::invsrcadr);
    const auto bad_number = request(*c, submit("07700900123", "07800900555"));
    BOOST_TEST(bad_number.status() == status::invsrcadr);
    const auto by_prefix = request(*c, submit("07700900124", "+447700900555", 0));
    BOOST_TEST(by_prefix.status() == status::ok);
    const auto none = request(*c, submit("07700900125", "", 0));
    BOOST_REQUIRE(none.status() == status::ok);
    wait_state(none.message_id(), store::msg_state::delivered);
    wait_state(by_prefix.message_id(), store::msg_state::delivered);
    BOOST_REQUIRE(uk.messages().size() == 2u); // the refused ones never left
    const auto to = [&](std::string_view dst) -> const sim::received_message& {
        for (const auto& m : uk.messages())
            if (m.destination == dst) return m;
        BOOST_FAIL("nothing to " << dst);
        return uk.messages().front();
    };
    BOOST_TEST(to("07700900124").source == "07700900555"); // uk's national numbering, sender too
    BOOST_TEST(to("07700900124").source_ton == 2);
    BOOST_TEST(to("07700900125").source == "ShopInfo");
    BOOST_TEST(to("07700900125").source_ton == 5);
    BOOST_TEST(node->submissions().stats().sender_refused == 2u);
}

BOOST_FIXTURE_TEST_CASE(mo_is_routed_and_shown_in_the_clients_numbering, addressing) {
    auto c = client(bind_type::receiver);
    sim::mo_message mo;
    mo.account = "twinsms";
    mo.source = "07700900999";
    mo.source_ton = 2;
    mo.destination = "80080";
    mo.text = "hello";
    uk.send_mo(mo);
    run([&] { return c->delivered.size() == 1u; });
    const auto& d = c->dsm(0);
    BOOST_TEST(d.source_addr == "+447700900999");
    BOOST_TEST(d.source_addr_ton == 1);
    BOOST_TEST(d.destination_addr == "80080");
    BOOST_TEST(d.dest_addr_ton == 3); // a short code
    BOOST_TEST(std::string{d.short_message} == "hello");
}
