// Receipt ids read in another base (route::message_id_forms): the id as the
// carrier gave it wins over another reading, which carriers that number
// their messages in sequence hand out to other messages soon after. And a
// receipt that arrives before its submit_sm_resp is asked for again.
#define BOOST_TEST_MODULE receipt_ids
#include <map>

#include "app/node_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct numbered_carrier : node_fixture {
    sim::smsc_simulator* carrier = nullptr;
    // A carrier whose ids count up from `start` in `format`.
    void start_with(sim::id_format format, std::uint64_t start, milliseconds receipt_delay = milliseconds{0},
                    bool receipt_first = false) {
        sim::smsc_config c;
        c.accounts = {{"twinsms", "carpw1"}};
        c.link_faults = false;
        c.ids = format;
        c.id_start = start;
        c.receipt_delay = receipt_delay;
        c.receipt_before_response = receipt_first;
        sims.push_back(std::make_unique<sim::smsc_simulator>(io, c));
        carrier = sims.back().get();
        carrier->start();
        profiles.carriers.push_back(carrier_profile("sim", carrier->port()));
        profiles.routes = {route_to("all", {"sim"})};
        start_node();
        wait_carriers_up();
    }
    static std::map<std::string, std::size_t> receipts_by_id(const esme& e) {
        std::map<std::string, std::size_t> n;
        for (const auto& p : e.delivered)
            if (const auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04)
                ++n[std::string{smpp::receipted_message_id(d->tlvs).value_or("")}];
        return n;
    }
};

} // namespace

// Decimal ids 10..16: "16" read as hex is "10". Every receipt comes after
// all seven submits, so the mapping of "16" is in place when the receipt
// for "10" arrives: it must still reach the message the carrier called "10".
BOOST_FIXTURE_TEST_CASE(each_message_gets_its_own_receipt_when_ids_collide_across_bases, numbered_carrier) {
    start_with(sim::id_format::decimal, 10, milliseconds{400});
    auto c = client();
    std::vector<std::string> ids;
    for (int i = 0; i < 7; ++i) {
        auto a = request(*c, make_submit("44770090010" + std::to_string(i), "n" + std::to_string(i), 1));
        BOOST_REQUIRE(a.status() == status::ok);
        ids.push_back(a.message_id());
    }
    run([&] { return carrier->messages().size() == 7u; });
    BOOST_REQUIRE_EQUAL(carrier->messages().back().message_id, "16");
    BOOST_REQUIRE_EQUAL(carrier->counters().receipts_sent, 0u); // the receipts come after the last submit
    run([&] { return carrier->counters().receipts_sent == 7u && node->deliveries().pending() == 0; });
    run_until(io, [&] { return c->delivered.size() >= 7u; }, std::chrono::seconds(2));
    const auto got = receipts_by_id(*c);
    for (const auto& id : ids) {
        const auto it = got.find(id);
        BOOST_TEST((it == got.end() ? 0u : it->second) == 1u, "receipts for " << id);
    }
    BOOST_TEST(node->dispatch().stats().duplicate_receipts == 0u);
}

// Hex id "a" is also read as decimal "10", which the carrier gives someone
// else later (another bind of its account: in a pair, the other node). That
// receipt is not a repeat of the finished message "a": it is unknown here
// (a pair hands it to the peer).
BOOST_FIXTURE_TEST_CASE(another_reading_of_a_finished_message_is_not_its_repeat, numbered_carrier) {
    start_with(sim::id_format::hex, 0xa);
    auto c = client();
    auto a = request(*c, make_submit("447700900200", "mine", 1));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return c->delivered.size() == 1u; }); // its receipt, so the carrier has it
    BOOST_REQUIRE_EQUAL(carrier->messages().front().message_id, "a");

    // Someone else on the carrier's account, transmitting only: its receipts
    // come to the node's transceiver.
    auto other = connect_esme(io, tcp::endpoint{asio::ip::make_address("127.0.0.1"), carrier->port()});
    BOOST_REQUIRE_EQUAL(bind_esme(io, *other, bind_type::transmitter, "twinsms", "carpw1"), status::ok);
    for (int i = 0; i < 5; ++i) // "b" to "f"
        BOOST_REQUIRE(request_answer(io, *other, make_submit("447700900201", "x", 0)).status() == status::ok);
    BOOST_REQUIRE_EQUAL(request_answer(io, *other, make_submit("447700900202", "theirs", 1)).message_id(), "10");
    run([&] { return carrier->counters().receipts_sent == 2u; });
    BOOST_TEST(node->dispatch().stats().unknown_receipts == 1u);
    BOOST_TEST(node->dispatch().stats().duplicate_receipts == 0u);
    BOOST_TEST(c->delivered.size() == 1u);
    BOOST_TEST(stored(a.message_id())->state == store::msg_state::delivered);
}

// The carrier's receipt overtakes its submit_sm_resp (its answers are slow,
// its receipts are not): the receipt matches nothing yet while the attempt
// awaits its response, so it is answered ESME_RX_T_APPN; the carrier sends
// it again once the response mapped the id, and the client gets it.
BOOST_FIXTURE_TEST_CASE(a_receipt_before_its_response_is_asked_again_and_reaches_the_client, numbered_carrier) {
    start_with(sim::id_format::hex, 1, milliseconds{0}, true);
    carrier->set_response_delay(milliseconds{300});
    auto c = client();
    auto a = request(*c, make_submit("447700900300", "early", 1));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(node->dispatch().stats().receipts_before_response >= 1u);
    BOOST_TEST(node->dispatch().stats().unknown_receipts == 0u);
    BOOST_TEST(stored(a.message_id())->state == store::msg_state::delivered);
}
