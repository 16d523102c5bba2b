#define BOOST_TEST_MODULE sim
#include "sim/sim_harness.hpp"

#include <set>

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_SUITE(binds_and_receipts, sim_fixture)

BOOST_AUTO_TEST_CASE(bind_credentials) {
    auto good = connect();
    BOOST_TEST(bind(*good, bind_type::transceiver, "acme", "secret") == status::ok);
    auto wrong_pw = connect();
    BOOST_TEST(bind(*wrong_pw, bind_type::transmitter, "acme", "nope") == status::invpaswd);
    auto unknown = connect();
    BOOST_TEST(bind(*unknown, bind_type::receiver, "nobody", "secret") == status::invsysid);

    sim->refuse_binds(status::bindfail);
    auto refused = connect();
    BOOST_TEST(bind(*refused, bind_type::transceiver, "acme", "secret") == status::bindfail);
    sim->accept_binds();
    auto again = connect();
    BOOST_TEST(bind(*again, bind_type::transceiver, "other", "pw2") == status::ok);

    run([&] { return sim->bound_sessions() == 2; });
    BOOST_TEST(sim->bound_sessions("acme") == 1u);
    BOOST_TEST(sim->counters().binds_accepted == 2u);
    BOOST_TEST(sim->counters().binds_refused == 3u);
}

BOOST_AUTO_TEST_CASE(accept_any_mode) {
    auto c = default_config();
    c.accounts.clear();
    c.accept_any = true;
    make(c);
    auto e = connect();
    BOOST_TEST(bind(*e, bind_type::transceiver, "whoever", "whatever") == status::ok);
}

BOOST_AUTO_TEST_CASE(receipt_on_transceiver) {
    auto e = bound();
    pdu p = make_submit("447911123456", "Hello world, this is a long message body", 1);
    p.as<submit_sm>()->tlvs.push_back(tlv::u16(tag::user_message_reference, 42));
    auto a = request(*e, p);
    BOOST_REQUIRE(!a.ec);
    BOOST_TEST(a.status() == status::ok);
    BOOST_TEST((a.resp->id() == command_id::submit_sm_resp));
    const std::string id = a.message_id();
    BOOST_TEST(!id.empty());

    run([&] { return e->delivered.size() == 1 && sim->counters().receipts_sent == 1; });
    const auto& d = e->dsm(0);
    BOOST_TEST(d.esm_class == 0x04);
    BOOST_TEST(d.source_addr == "447911123456");
    BOOST_TEST(d.destination_addr == "447700900123");
    BOOST_TEST(receipted_message_id(d.tlvs).value_or("?") == id);
    BOOST_TEST(message_state(d.tlvs).value_or(0) == 2);
    auto r = sim::parse_receipt(d.short_message);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->id == id);
    BOOST_TEST(r->sub == 1u);
    BOOST_TEST(r->dlvrd == 1u);
    BOOST_TEST(r->stat == "DELIVRD");
    BOOST_TEST(r->err == 0u);
    BOOST_TEST(r->submit_date.size() == 10u);
    BOOST_TEST(r->done_date.size() == 10u);
    BOOST_TEST(r->text == "Hello world, this is");
    BOOST_TEST(std::string{d.short_message}.find(" sub:001 dlvrd:001 submit date:") != std::string::npos);

    // What reached the carrier.
    BOOST_REQUIRE_EQUAL(sim->messages().size(), 1u);
    const auto& m = sim->messages().front();
    BOOST_TEST(m.account == "acme");
    BOOST_TEST(m.source == "447700900123");
    BOOST_TEST(m.destination == "447911123456");
    BOOST_TEST(m.text == "Hello world, this is a long message body");
    BOOST_TEST(m.registered_delivery == 1);
    BOOST_TEST(m.message_id == id);
    BOOST_TEST(m.tlvs.at(tag::user_message_reference) == std::string("\x00\x2a", 2));
    BOOST_TEST(sim->counters().submits_received == 1u);
    BOOST_TEST(sim->pending_deliveries() == 0u);
}

BOOST_AUTO_TEST_CASE(receipt_waits_for_a_receiver) {
    auto tx = bound(bind_type::transmitter);
    auto a = request(*tx, make_submit("15551234567", "queued", 1));
    BOOST_TEST(a.status() == status::ok);
    BOOST_TEST(sim->pending_deliveries() == 1u); // no receiver bound yet
    auto other = bound(bind_type::receiver, "other", "pw2");
    auto rx = bound(bind_type::receiver);
    run([&] { return rx->delivered.size() == 1 && sim->pending_deliveries() == 0; });
    BOOST_TEST(receipted_message_id(rx->dsm(0).tlvs).value_or("?") == a.message_id());
    BOOST_TEST(other->delivered.empty()); // another account's receiver gets nothing
    BOOST_TEST(tx->delivered.empty());
}

BOOST_AUTO_TEST_CASE(receipt_delay_and_prefix_rules) {
    sim->set_receipt_delay(milliseconds{150});
    sim->set_receipt_rule("4479", {sim::final_state::undeliverable, 1});
    auto e = bound();
    // registered_delivery 2: a receipt on failure only.
    auto ok_one = request(*e, make_submit("441234", "fine", 2));
    const auto t0 = std::chrono::steady_clock::now();
    auto failed = request(*e, make_submit("447912", "doomed", 2));
    BOOST_TEST(ok_one.status() == status::ok);
    BOOST_TEST(failed.status() == status::ok);
    run([&] { return e->delivered.size() == 1; });
    BOOST_TEST((std::chrono::steady_clock::now() - t0 >= milliseconds{140}));
    const auto& d = e->dsm(0);
    BOOST_TEST(receipted_message_id(d.tlvs).value_or("?") == failed.message_id());
    BOOST_TEST(message_state(d.tlvs).value_or(0) == 5);
    auto r = sim::parse_receipt(d.short_message);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->stat == "UNDELIV");
    BOOST_TEST(r->err == 1u);
    BOOST_TEST(r->dlvrd == 0u);
    BOOST_TEST(sim->counters().receipts_scheduled == 1u);

    sim->set_receipt_outcome({sim::final_state::expired, 0});
    sim->set_receipt_delay(milliseconds{0});
    auto expired = request(*e, make_submit("3361", "late", 1));
    run([&] { return e->delivered.size() == 2; });
    BOOST_TEST(sim::parse_receipt(e->dsm(1).short_message)->stat == "EXPIRED");
}

BOOST_AUTO_TEST_CASE(receipt_retried_after_refusal) {
    auto c = default_config();
    c.redelivery_delay = milliseconds{20};
    make(c);
    auto e = bound();
    e->answers = {status::x_t_appn};
    auto a = request(*e, make_submit("4412", "retry me", 1));
    run([&] { return sim->counters().receipts_sent == 1; });
    BOOST_REQUIRE_EQUAL(e->delivered.size(), 2u);
    BOOST_TEST(receipted_message_id(e->dsm(1).tlvs).value_or("?") == a.message_id());
    BOOST_TEST(sim->counters().delivery_retries == 1u);
}

BOOST_AUTO_TEST_CASE(mo_delivered) {
    auto rx = bound(bind_type::receiver);
    sim->send_mo("acme", "447700900555", "12345", "STOP", 0);
    run([&] { return rx->delivered.size() == 1 && sim->counters().mo_sent == 1; });
    const auto& d = rx->dsm(0);
    BOOST_TEST(d.esm_class == 0);
    BOOST_TEST(d.source_addr == "447700900555");
    BOOST_TEST(d.destination_addr == "12345");
    BOOST_TEST(d.short_message == "STOP");
    BOOST_TEST(d.tlvs.empty());

    // Queued until the account binds a receiver.
    sim->send_mo("other", "1", "2", "later");
    BOOST_TEST(sim->pending_deliveries() == 1u);
    auto other = bound(bind_type::transceiver, "other", "pw2");
    run([&] { return other->delivered.size() == 1; });
    BOOST_TEST(other->dsm(0).short_message == "later");
    BOOST_TEST(rx->delivered.size() == 1u);
}

BOOST_AUTO_TEST_CASE(submit_multi_and_data_sm) {
    auto e = bound();
    pdu p{status::ok, 0, submit_multi{}};
    auto& m = *p.as<submit_multi>();
    m.source_addr = "SHOP";
    m.dests.push_back({dest_address::sme_address, 1, 1, "33611"});
    m.dests.push_back({dest_address::sme_address, 1, 1, "33622"});
    m.short_message = "sale";
    m.registered_delivery = 1;
    auto a = request(*e, p);
    BOOST_TEST(a.status() == status::ok);
    BOOST_TEST((a.resp->id() == command_id::submit_multi_resp));
    run([&] { return e->delivered.size() == 2; });
    std::set<std::string> from;
    for (std::size_t i = 0; i < 2; ++i) {
        from.insert(std::string{e->dsm(i).source_addr});
        BOOST_TEST(receipted_message_id(e->dsm(i).tlvs).value_or("?") == a.message_id());
    }
    BOOST_TEST((from == std::set<std::string>{"33611", "33622"}));
    BOOST_TEST(sim->messages().back().destinations.size() == 2u);

    pdu d{status::ok, 0, data_sm{}};
    auto& ds = *d.as<data_sm>();
    ds.source_addr = "100";
    ds.destination_addr = "200";
    ds.tlvs.push_back(tlv{tag::message_payload, "payload text"});
    auto b = request(*e, d);
    BOOST_TEST(b.status() == status::ok);
    BOOST_TEST((b.resp->id() == command_id::data_sm_resp));
    BOOST_TEST(b.message_id() != a.message_id());
    BOOST_TEST((sim->messages().back().command == command_id::data_sm));
    BOOST_TEST(sim->messages().back().text == "payload text");

    pdu q{status::ok, 0, query_sm{}};
    q.as<query_sm>()->message_id = a.message_id();
    BOOST_TEST(request(*e, q).status() == status::queryfail);
}

BOOST_AUTO_TEST_CASE(unique_ids_with_prefix) {
    auto c = default_config();
    c.id_prefix = "SIM-";
    make(c);
    auto e = bound();
    std::vector<std::string> ids;
    for (int i = 0; i < 200; ++i)
        e->s->send_request(make_submit("4412", "x"), [&ids](const error_code& ec, const pdu* r) {
            if (!ec && r) ids.emplace_back(r->as<submit_sm_resp>()->message_id);
        });
    run([&] { return ids.size() == 200; });
    BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == 200u);
    for (const auto& id : ids) BOOST_TEST(id.starts_with("SIM-"));
    BOOST_TEST(ids.front() == "SIM-1");
    BOOST_TEST(sim->counters().submits_accepted == 200u);
}

BOOST_AUTO_TEST_CASE(graceful_shutdown_unbinds) {
    auto e = bound();
    bool done = false;
    asio::co_spawn(io, sim->shutdown(), [&done](std::exception_ptr) { done = true; });
    run([&] { return done && e->closed; });
    BOOST_TEST(e->why == error_code{session_error::unbound});
}

BOOST_AUTO_TEST_SUITE_END()
