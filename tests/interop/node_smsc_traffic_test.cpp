// node-smpp as a carrier SMSC, continued (see node_smsc_test.cpp): an
// SMSC-initiated enquire_link, MO and unbind, 300 submits with receipts, and
// stop() while the SMSC is down.
#include "interop/node_smsc_fixture.hpp"

BOOST_AUTO_TEST_SUITE(node_smpp_smsc, *boost::unit_test::precondition(require_node{}))

BOOST_FIXTURE_TEST_CASE(smsc_initiated_enquire_link_mo_and_unbind, carrier_fixture) {
    node_smsc smsc{{"--system-id", "carrier1", "--password", "cpw1", "--throttle-nth", "0"}};
    dump_on_failure dump{smsc.proc(), "node SMSC"};
    start_client(link_config(smsc.port(), 10));
    BOOST_REQUIRE(pump_until(io, [&] { return client->bound(); }, 10s));

    BOOST_REQUIRE(smsc.proc().write_stdin("enquire_link\n"));
    BOOST_REQUIRE(pump_until(io, [&] { return !smsc.log("enquire_link_resp").empty(); }, 5s));
    BOOST_TEST(num(smsc.log("enquire_link_resp").front(), "status") == 0);

    submit(*client, 0, slots, completion);
    BOOST_REQUIRE(pump_until(io, [&] { return slots[0].done; }, 10s));
    BOOST_TEST(slots[0].out.status == status::ok);

    // Mobile-originated traffic as node-smpp encodes it.
    BOOST_REQUIRE(smsc.proc().write_stdin("mo\n"));
    BOOST_REQUIRE(pump_until(io, [&] { return h.delivers.size() >= 4u && smsc.log("mo_resp").size() == 3u; }, 5s));
    {
        BOOST_REQUIRE(h.delivers.size() == 4u); // the receipt for message 0, then the MOs
        const auto& ucs2 = h.delivers[1];
        BOOST_TEST((ucs2.id == command_id::deliver_sm));
        BOOST_TEST(ucs2.esm_class == 0);
        BOOST_TEST(ucs2.data_coding == 8);
        BOOST_TEST(ucs2.source_addr == "46709998877");
        BOOST_TEST(ucs2.destination_addr == "twinsms");
        BOOST_TEST(hex(ucs2.short_message) == hex(ucs2_be(u"Ответ ✓")));
        const auto& payload = h.delivers[2];
        BOOST_TEST((payload.id == command_id::deliver_sm));
        BOOST_TEST(payload.short_message.empty());
        std::string expected;
        for (int i = 0; i < 10; ++i) expected += "mobile originated payload 0123456789 ";
        expected.pop_back();
        BOOST_TEST(payload.message_payload.value_or("") == expected);
        const auto& ds = h.delivers[3];
        BOOST_TEST((ds.id == command_id::data_sm));
        BOOST_TEST(ds.message_payload.value_or("") == "data sm from node");
        for (const auto& r : smsc.log("mo_resp")) {
            BOOST_TEST(num(r, "status") == 0);
            BOOST_TEST(str(r, "command") == (str(r, "kind") == "data_sm" ? "data_sm_resp" : "deliver_sm_resp"));
        }
    }

    BOOST_REQUIRE(smsc.proc().write_stdin("unbind\n"));
    BOOST_REQUIRE(pump_until(io, [&] { return h.link_downs == 1 && !smsc.log("unbind_resp").empty(); }, 5s));
    BOOST_TEST(num(smsc.log("unbind_resp").front(), "status") == 0);
    BOOST_REQUIRE(h.down_reasons.size() == 1u);
    BOOST_TEST(h.down_reasons[0] == error_code{session_error::unbound}, h.down_reasons[0].message());

    BOOST_REQUIRE(pump_until(io, [&] { return client->bound() && client->stats().binds == 2u; }, 10s));
    submit(*client, 1, slots, completion);
    BOOST_REQUIRE(pump_until(io, [&] { return slots[1].done; }, 10s));
    BOOST_TEST(slots[1].out.status == status::ok);
    pump_until(io, [&] { return smsc.log("submit").size() >= 2u; }, 5s);
    auto submits = smsc.log("submit");
    BOOST_REQUIRE(submits.size() == 2u);
    BOOST_TEST(num(submits[0], "session") != num(submits[1], "session")); // sent on the new bind

    BOOST_REQUIRE(stop_client(io, client));
    BOOST_TEST(pump_until(io, [&] { return smsc.log("close").size() == 2u; }, 5s));
    BOOST_TEST(smsc.log("unbind").size() == 1u); // ours, on the second session
    smsc.terminate();
}

// 300 submits through a window of 20 with a receipt for each: responses and
// receipt requests interleave on the link; order and matching hold.
BOOST_FIXTURE_TEST_CASE(bulk_300_with_receipts_window_20, carrier_fixture) {
    constexpr int n = 300;
    node_smsc smsc{{"--system-id", "carrier1", "--password", "cpw1", "--throttle-nth", "0"}};
    dump_on_failure dump{smsc.proc(), "node SMSC"};
    start_client(link_config(smsc.port(), 20));
    BOOST_REQUIRE(pump_until(io, [&] { return client->bound(); }, 10s));

    for (int i = 0; i < n; ++i) submit(*client, i, slots, completion);
    BOOST_REQUIRE_MESSAGE(pump_until(io, [&] {
        return completion.size() == static_cast<std::size_t>(n) && h.delivers.size() == static_cast<std::size_t>(n);
    }, 30s), "completed " << completion.size() << ", receipts " << h.delivers.size());

    std::set<std::string> ids;
    int failed = 0;
    for (const auto& s : slots) {
        if (s.out.ec || s.out.status != status::ok) ++failed;
        ids.insert(s.out.message_id);
    }
    BOOST_TEST(failed == 0);
    BOOST_TEST(ids.size() == static_cast<std::size_t>(n));
    std::set<std::string> receipted;
    for (const auto& d : h.delivers) receipted.insert(d.receipted_message_id.value_or(""));
    BOOST_TEST(receipted == ids);

    BOOST_REQUIRE(pump_until(io, [&] { return smsc.log("submit").size() >= static_cast<std::size_t>(n); }, 10s));
    auto submits = smsc.log("submit");
    BOOST_REQUIRE(submits.size() == static_cast<std::size_t>(n));
    int out_of_order = 0;
    for (int i = 0; i < n; ++i)
        if (str(submits[i], "text") != text_of(i) || str(submits[i], "message_id") != slots[i].out.message_id)
            ++out_of_order;
    BOOST_TEST(out_of_order == 0);
    BOOST_TEST(pump_until(io, [&] { return smsc.log("deliver_resp").size() == static_cast<std::size_t>(n); }, 10s));

    BOOST_REQUIRE(stop_client(io, client));
    smsc.terminate();
}

// stop() while the SMSC is unreachable: no hang, and what was queued is
// handed back as failed (session_error::closed), not dropped.
BOOST_FIXTURE_TEST_CASE(stop_while_smsc_down_fails_queued, carrier_fixture) {
    auto smsc = std::make_unique<node_smsc>(
        std::vector<std::string>{"--system-id", "carrier1", "--password", "cpw1", "--throttle-nth", "0"});
    start_client(link_config(smsc->port(), 10));
    BOOST_REQUIRE(pump_until(io, [&] { return client->bound(); }, 10s));
    smsc->proc().kill();
    smsc.reset();
    BOOST_REQUIRE(pump_until(io, [&] { return h.link_downs == 1; }, 5s));

    submit(*client, 0, slots, completion);
    submit(*client, 1, slots, completion);
    // Reconnect attempts are refused: nothing completes meanwhile.
    BOOST_TEST(pump_quiet(io, 150ms, [&] { return !completion.empty(); }));
    BOOST_TEST(completion.empty());

    const auto t0 = std::chrono::steady_clock::now();
    BOOST_REQUIRE(stop_client(io, client));
    BOOST_REQUIRE(pump_until(io, [&] { return completion.size() == 2u; }, 5s));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 2s));
    BOOST_TEST((completion == std::vector<int>{0, 1}));
    for (const auto& s : slots) BOOST_TEST(s.out.ec == error_code{session_error::closed}, s.out.ec.message());
    // Nothing more is accepted after stop().
    // (Shared state: the callback may outlive this scope on a failure path.)
    auto late = std::make_shared<std::optional<submit_outcome>>();
    client->submit(make_submit(9), [late](const submit_outcome& o) { *late = o; });
    BOOST_REQUIRE(pump_until(io, [&] { return late->has_value(); }, 2s));
    BOOST_TEST((*late)->ec == error_code{session_error::closed});
}

BOOST_AUTO_TEST_SUITE_END()
