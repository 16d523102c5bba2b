// A node under trouble: carriers that refuse, throttle, vanish or fail over;
// a full store; a restart with messages still queued.
#define BOOST_TEST_MODULE node_faults
#include "app/node_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(temporary_carrier_error_is_retried_with_backoff, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    start_node();
    wait_carriers_up();
    carrier.fail_with(status::msgqful); // the carrier's queue is full: not now
    auto c = client();
    auto a = request(*c, make_submit("447700900001", "retry me", 1));
    BOOST_REQUIRE(a.status() == status::ok);
    run([&] { return carrier.counters().submits_failed >= 2u; });
    BOOST_TEST(stored(a.message_id())->state == store::msg_state::retry_pending);
    carrier.fail_off();
    wait_state(a.message_id(), store::msg_state::delivered);
    BOOST_TEST(stored(a.message_id())->attempts >= 3u);
    BOOST_TEST(node->dispatch().stats().retries >= 2u);
}

BOOST_FIXTURE_TEST_CASE(throttled_link_resends_in_order, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    profiles.carriers[0].link.throttle_pause = std::chrono::milliseconds(50);
    start_node();
    wait_carriers_up();
    carrier.throttle_every(3);
    auto c = client();
    std::vector<std::string> ids;
    for (int i = 0; i < 9; ++i) ids.push_back(request(*c, make_submit("4477009000" + std::to_string(10 + i), "t", 0)).message_id());
    for (const auto& id : ids) wait_state(id, store::msg_state::delivered);
    BOOST_TEST(carrier.counters().submits_throttled >= 1u);
    BOOST_TEST(carrier.counters().submits_accepted == 9u);
}

BOOST_FIXTURE_TEST_CASE(permanent_refusal_fails_over_to_the_next_carrier, node_fixture) {
    auto& first = add_carrier("first");
    auto& second = add_carrier("second");
    profiles.routes = {route_to("all", {"first", "second"})};
    start_node();
    wait_carriers_up();
    first.fail_with(status::invdstadr);
    auto c = client();
    auto a = request(*c, make_submit("447700900002", "elsewhere", 0));
    wait_state(a.message_id(), store::msg_state::delivered);
    BOOST_TEST(first.counters().submits_failed == 1u);
    BOOST_TEST(second.messages().size() == 1u);
    BOOST_TEST(stored(a.message_id())->carrier == "second");
}

BOOST_FIXTURE_TEST_CASE(refused_by_every_carrier_is_undeliverable_with_a_receipt, node_fixture) {
    auto& only = add_carrier("only");
    profiles.routes = {route_to("all", {"only"})};
    start_node();
    wait_carriers_up();
    only.fail_with(status::invdstadr);
    auto c = client();
    auto a = request(*c, make_submit("447700900003", "nowhere", 1));
    wait_state(a.message_id(), store::msg_state::undeliverable);
    run([&] { return c->delivered.size() == 1u; });
    BOOST_TEST(smpp::message_state(c->dsm(0).tlvs).value_or(0) == 5);
}

BOOST_FIXTURE_TEST_CASE(link_down_fails_over_and_comes_back, node_fixture) {
    auto& first = add_carrier("first");
    auto& second = add_carrier("second");
    profiles.routes = {route_to("all", {"first", "second"})};
    start_node();
    wait_carriers_up();
    first.stop(); // gone: no listener, links closed
    run([&] { return !node->carriers().up("first"); });
    auto c = client();
    auto a = request(*c, make_submit("447700900004", "via second", 0));
    wait_state(a.message_id(), store::msg_state::delivered);
    BOOST_TEST(second.messages().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(no_carrier_up_keeps_messages_queued_until_one_is, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    carrier.refuse_binds(status::bindfail);
    start_node();
    auto c = client();
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto a = request(*c, make_submit("447700900005", "held " + std::to_string(i), 0));
        BOOST_REQUIRE(a.status() == status::ok); // accepted while no carrier is up
        ids.push_back(a.message_id());
    }
    run([&] { return node->dispatch().parked() == 5u; });
    carrier.accept_binds();
    for (const auto& id : ids) wait_state(id, store::msg_state::delivered);
    BOOST_TEST(carrier.messages().size() == 5u);
}

BOOST_FIXTURE_TEST_CASE(restart_sends_what_was_queued, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    carrier.refuse_binds(status::bindfail);
    start_node();
    std::vector<std::string> ids;
    {
        auto c = client();
        for (int i = 0; i < 20; ++i) ids.push_back(request(*c, make_submit("447700900006", "q", 1)).message_id());
    }
    stop_node();
    carrier.accept_binds();
    start_node(); // same store
    for (const auto& id : ids) wait_state(id, store::msg_state::delivered);
    BOOST_TEST(carrier.messages().size() == 20u);
    auto rx = client(bind_type::receiver);
    run([&] { return rx->delivered.size() == 20u; }); // receipts waited in the store
}

BOOST_FIXTURE_TEST_CASE(full_store_answers_msgqful_and_keeps_serving, node_fixture) {
    auto& carrier = add_carrier("sim");
    profiles.routes = {route_to("all", {"sim"})};
    profiles.node.store.map_size_mb = 1;
    profiles.node.store.max_map_size_mb = 1; // no growth
    carrier.refuse_binds(status::bindfail); // everything stays queued
    start_node();
    auto c = client();
    const std::string big(250, 'x');
    command_status last = status::ok;
    int accepted = 0;
    for (int i = 0; i < 20000 && last == status::ok; ++i) {
        last = request(*c, make_submit("447700900007", big, 0)).status();
        accepted += last == status::ok;
    }
    BOOST_TEST(last == status::msgqful);
    BOOST_TEST(accepted > 100);
    BOOST_TEST(!c->s->closed()); // the session lives on
    auto q = pdu{status::ok, 0, smpp::enquire_link{}};
    BOOST_TEST(!request(*c, q).ec);
    // What was accepted is still delivered once a carrier takes it.
    carrier.accept_binds();
    run([&] { return carrier.messages().size() >= static_cast<std::size_t>(accepted); }, std::chrono::seconds(30));
}
