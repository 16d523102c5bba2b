// node-smpp 0.5.1 (tools/interop/smsc_server.js) as a carrier SMSC for our
// carrier_client: ordered submits with one ESME_RTHROTTLED answer (pause and
// resend), receipts through carrier_handler::on_deliver, clean unbind on
// stop(), refused binds, and reconnecting when the SMSC dies and comes back
// on the same port.
//
// MO, enquire_link and unbind from the SMSC, bulk with receipts and a stop
// while the SMSC is down are in node_smsc_traffic_test.cpp; the fixture in
// node_smsc_fixture.hpp.
#define BOOST_TEST_MODULE interop_node_smsc
#include "interop/node_smsc_fixture.hpp"

BOOST_AUTO_TEST_SUITE(node_smpp_smsc, *boost::unit_test::precondition(require_node{}))

BOOST_FIXTURE_TEST_CASE(throttle_pause_resend_in_order_window_1, carrier_fixture) { throttle_scenario(1); }

BOOST_FIXTURE_TEST_CASE(throttle_pause_resend_window_10, carrier_fixture) { throttle_scenario(10); }

BOOST_FIXTURE_TEST_CASE(refused_bind_is_retried_with_backoff, carrier_fixture) {
    node_smsc smsc{{"--system-id", "carrier1", "--password", "cpw1"}};
    dump_on_failure dump{smsc.proc(), "node SMSC"};
    auto cfg = link_config(smsc.port(), 10);
    cfg.password = "wrongpw";
    const auto t0 = std::chrono::steady_clock::now();
    start_client(cfg);
    BOOST_TEST(pump_until(io, [&] { return client->stats().bind_failures >= 3; }, 10s));
    const auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(!client->bound());
    BOOST_TEST(client->stats().binds == 0u);
    BOOST_TEST(h.link_ups == 0);
    auto binds = smsc.log("bind");
    BOOST_TEST(binds.size() >= 3u);
    for (const auto& b : binds) BOOST_TEST(num(b, "status") == 0x0E); // ESME_RINVPASWD
    // Backoff 50 ms, 100 ms (with up to 20% jitter off): at least ~120 ms
    // between the first and the third attempt, and nowhere near a tight loop.
    BOOST_TEST((took >= 100ms));
    BOOST_REQUIRE(stop_client(io, client));
    smsc.terminate();
}

BOOST_FIXTURE_TEST_CASE(reconnects_after_smsc_restart_on_same_port, carrier_fixture) {
    auto smsc1 = std::make_unique<node_smsc>(
        std::vector<std::string>{"--system-id", "carrier1", "--password", "cpw1", "--throttle-nth", "0"});
    const std::uint16_t port = smsc1->port();

    start_client(link_config(port, 10));
    BOOST_REQUIRE(pump_until(io, [&] { return client->bound(); }, 10s));

    submit(*client, 0, slots, completion);
    BOOST_REQUIRE(pump_until(io, [&] { return slots[0].done; }, 10s));
    BOOST_TEST(slots[0].out.status == status::ok);

    // A submit the SMSC never answers is in flight when it dies.
    submit(*client, 1, slots, completion, "blackhole");
    BOOST_REQUIRE(pump_until(io, [&] { return smsc1->log("submit").size() == 2u; }, 10s));
    BOOST_TEST(!slots[1].done);

    smsc1->proc().kill(); // SIGKILL: no unbind, the TCP connection just ends
    BOOST_REQUIRE(pump_until(io, [&] { return h.link_downs == 1 && slots[1].done; }, 10s));
    BOOST_TEST(!client->bound());
    // The carrier may or may not have it: reported as a transport error.
    BOOST_TEST(static_cast<bool>(slots[1].out.ec));
    BOOST_TEST(client->stats().transport_errors == 1u);
    smsc1.reset();

    // Submitted while the link is down: queued, sent after the rebind.
    submit(*client, 2, slots, completion);
    submit(*client, 3, slots, completion);
    // A few refused connects: neither bound nor sent while nobody listens.
    BOOST_TEST(pump_quiet(io, 300ms, [&] { return client->bound() || slots[2].done || client->queued() != 2u; }));
    BOOST_TEST(!client->bound());
    BOOST_TEST(!slots[2].done);
    BOOST_TEST(client->queued() == 2u);

    node_smsc smsc2{{"--port", std::to_string(port), "--system-id", "carrier1", "--password", "cpw1",
                     "--throttle-nth", "0"}};
    dump_on_failure dump{smsc2.proc(), "restarted node SMSC"};
    BOOST_REQUIRE(smsc2.port() == port);
    BOOST_REQUIRE(pump_until(io, [&] { return slots[2].done && slots[3].done; }, 15s));
    BOOST_TEST(client->bound());
    BOOST_TEST(client->stats().binds == 2u);
    BOOST_TEST(h.link_ups == 2);
    for (int i : {2, 3}) {
        BOOST_TEST(!slots[i].out.ec);
        BOOST_TEST(slots[i].out.status == status::ok);
    }
    BOOST_TEST(slots[2].out.message_id != slots[3].out.message_id);
    pump_until(io, [&] { return smsc2.log("submit").size() >= 2u; }, 5s);
    auto submits = smsc2.log("submit");
    BOOST_REQUIRE(submits.size() == 2u);
    BOOST_TEST(str(submits[0], "text") == text_of(2));
    BOOST_TEST(str(submits[1], "text") == text_of(3));
    BOOST_TEST(str(submits[0], "message_id") == slots[2].out.message_id);
    BOOST_TEST(smsc2.log("bind").size() == 1u);

    BOOST_REQUIRE(stop_client(io, client));
    BOOST_TEST(pump_until(io, [&] { return !smsc2.log("close").empty(); }, 5s));
    BOOST_TEST(smsc2.log("unbind").size() == 1u);
    smsc2.terminate();
}

// The SMSC probes us, sends mobile-originated deliver_sm / data_sm, and later
// unbinds us (maintenance): we answer all of it, the link goes down as

BOOST_AUTO_TEST_SUITE_END()
