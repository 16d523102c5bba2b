#define BOOST_TEST_MODULE carrier_client
#include <boost/test/unit_test.hpp>

#include "carrier/carrier_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_AUTO_TEST_CASE(connects_and_binds_each_type) {
    for (auto t : {bind_type::transmitter, bind_type::receiver, bind_type::transceiver}) {
        carrier_harness h;
        h.cfg.bind = t;
        h.start();
        BOOST_TEST_REQUIRE(h.wait_bound(), "not bound as " << to_string(t));
        BOOST_TEST_REQUIRE(h.smsc.binds.size() == 1u);
        BOOST_TEST(h.smsc.binds[0].type == t);
        BOOST_TEST(h.smsc.binds[0].system_id == "twinsms");
        BOOST_TEST(h.smsc.binds[0].password == "pw");
        BOOST_TEST(h.smsc.connects.size() == 1u);
        BOOST_TEST(h.handler.link_up == 1);
        BOOST_TEST(h.client->stats().binds == 1u);
        BOOST_TEST(h.client->stats().bind_failures == 0u);
    }
}

BOOST_AUTO_TEST_CASE(submits_complete_in_order_with_the_smsc_ids) {
    carrier_harness h;
    h.start();
    h.submit_n(20); // queued before the link is up: sent once bound
    BOOST_TEST_REQUIRE(h.wait_done(20));
    for (int i = 0; i < 20; ++i) {
        BOOST_TEST_REQUIRE(h.ok(i), "message " << i);
        BOOST_TEST(h.outcomes[i]->message_id == "smsc-" + std::to_string(i + 1));
    }
    BOOST_TEST(h.done_order == iota_vec(0, 20), boost::test_tools::per_element());
    std::vector<std::string> want;
    for (int i = 0; i < 20; ++i) want.push_back(std::to_string(i));
    BOOST_TEST(h.arrivals() == want, boost::test_tools::per_element());
    BOOST_TEST(h.done_calls == 20); // exactly once each
    BOOST_TEST(h.client->stats().submitted == 20u);
    BOOST_TEST(h.client->stats().accepted == 20u);
    BOOST_TEST(h.client->queued() == 0u);
}

BOOST_AUTO_TEST_CASE(rejections_are_reported_not_retried) {
    carrier_harness h;
    h.smsc.policy = [](std::size_t n, const test_smsc::submit_seen&) -> std::optional<command_status> {
        return n == 1 ? status::invdstadr : status::ok;
    };
    h.start();
    h.submit_n(3);
    BOOST_TEST_REQUIRE(h.wait_done(3));
    BOOST_TEST(h.ok(0));
    BOOST_TEST(!h.outcomes[1]->ec);
    BOOST_TEST(h.outcomes[1]->status == status::invdstadr);
    BOOST_TEST(h.outcomes[1]->message_id.empty());
    BOOST_TEST(h.ok(2));
    BOOST_TEST(h.smsc.submits.size() == 3u);
    BOOST_TEST(h.client->stats().rejected == 1u);
}

BOOST_AUTO_TEST_CASE(window_is_respected) {
    carrier_harness h;
    h.cfg.session.window = 3;
    h.smsc.answer_delay = ms{3}; // answers lag, so a client ignoring the window would pile up
    h.start();
    h.submit_n(30);
    BOOST_TEST_REQUIRE(h.wait_done(30));
    BOOST_TEST(h.smsc.max_outstanding == 3u); // reached, never exceeded
    for (int i = 0; i < 30; ++i) BOOST_TEST_REQUIRE(h.ok(i));
    BOOST_TEST(h.done_order == iota_vec(0, 30), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(tps_pacing) {
    carrier_harness h;
    h.cfg.tps = 50;
    h.start();
    BOOST_TEST_REQUIRE(h.wait_bound());
    const auto t0 = steady::now();
    h.submit_n(100);
    BOOST_TEST_REQUIRE(h.wait_done(100));
    const auto took = steady::now() - t0;
    // 50/s with a small burst (the client allows 100 ms worth, 5): the
    // last of 100 goes out no sooner than (100 - 5) / 50 = 1.9 s.
    BOOST_TEST((took >= ms{1850}), "100 messages took " << std::chrono::duration_cast<ms>(took).count() << " ms");
    BOOST_TEST((took < ms{6000}));
    // No second at the SMSC saw more than 50 + the burst.
    const auto& s = h.smsc.submits;
    std::size_t worst = 0;
    for (std::size_t i = 0, j = 0; i < s.size(); ++i) {
        while (s[i].at - s[j].at >= std::chrono::seconds(1)) ++j;
        worst = std::max(worst, i - j + 1);
    }
    BOOST_TEST(worst <= 56u);
    for (int i = 0; i < 100; ++i) BOOST_TEST_REQUIRE(h.ok(i));
}

BOOST_AUTO_TEST_CASE(throttled_pauses_the_link_and_resends_first) {
    carrier_harness h;
    h.cfg.session.window = 1;
    h.cfg.throttle_pause = ms{300};
    h.smsc.policy = [](std::size_t n, const test_smsc::submit_seen&) -> std::optional<command_status> {
        return n == 2 ? status::throttled : status::ok; // the first arrival of message 2
    };
    h.start();
    h.submit_n(6);
    BOOST_TEST_REQUIRE(h.wait_done(6));
    // Message 2 went again, ahead of 3, 4 and 5 that were queued behind it.
    BOOST_TEST(h.arrivals() == numbers({0, 1, 2, 2, 3, 4, 5}), boost::test_tools::per_element());
    // Nothing reached the SMSC during the pause.
    const auto gap = h.smsc.submits[3].at - h.smsc.submits[2].at;
    BOOST_TEST((gap >= ms{300}), "resent after " << std::chrono::duration_cast<ms>(gap).count() << " ms");
    // The throttle is not an outcome: every message completes once, accepted, in order.
    BOOST_TEST(h.done_calls == 6);
    for (int i = 0; i < 6; ++i) BOOST_TEST(h.ok(i));
    BOOST_TEST(h.done_order == iota_vec(0, 6), boost::test_tools::per_element());
    BOOST_TEST(h.outcomes[2]->message_id == "smsc-3");
    BOOST_TEST(h.client->stats().throttled == 1u);
}

BOOST_AUTO_TEST_CASE(throttle_pause_holds_back_new_submissions_too) {
    carrier_harness h;
    h.cfg.throttle_pause = ms{300};
    h.smsc.policy = [](std::size_t n, const test_smsc::submit_seen&) -> std::optional<command_status> {
        return n == 0 ? status::throttled : status::ok;
    };
    h.start();
    h.submit_n(1);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.client->stats().throttled == 1; }));
    h.submit_n(3, 1); // submitted during the pause
    BOOST_TEST_REQUIRE(h.wait_done(4));
    BOOST_TEST(h.arrivals() == numbers({0, 0, 1, 2, 3}), boost::test_tools::per_element());
    BOOST_TEST((h.smsc.submits[1].at - h.smsc.submits[0].at >= ms{300}));
}

// A fenced link (its fence says this node may not speak for the carrier
// account now, as when the witness lease ran out) neither binds nor sends:
// its submissions wait queued, a bound link closes instead of sending the
// next one, and it binds again once the fence opens.
BOOST_AUTO_TEST_CASE(a_fenced_link_neither_binds_nor_sends) {
    carrier_harness h;
    bool may = false;
    h.fence = [&] { return may; };
    h.start();
    h.submit_n(3);
    BOOST_TEST(!h.wait_bound(ms{600})); // several reconnect rounds (50 ms backoff doubling)
    BOOST_TEST(h.smsc.binds.empty());
    BOOST_TEST(h.client->stats().fenced >= 2u);
    BOOST_TEST(h.client->last_error().find("fenced") != std::string::npos, h.client->last_error());
    BOOST_TEST(h.done_calls == 0);

    may = true;
    BOOST_TEST_REQUIRE(h.wait_done(3));
    for (int i = 0; i < 3; ++i) BOOST_TEST(h.ok(i));
    BOOST_TEST(h.smsc.binds.size() == 1u);

    may = false; // fenced while bound
    const auto fenced = h.client->stats().fenced;
    h.submit_n(1, 3);
    BOOST_TEST_REQUIRE(run_until(h.io, [&] { return !h.client->bound(); }));
    BOOST_TEST(h.smsc.submits.size() == 3u); // the fourth never went
    BOOST_TEST(h.client->queued() == 1u);    // it waits, it is not failed
    BOOST_TEST(h.done_calls == 3);
    BOOST_TEST(h.client->stats().fenced > fenced);

    may = true;
    BOOST_TEST_REQUIRE(h.wait_done(4));
    BOOST_TEST(h.ok(3));
    BOOST_TEST(h.smsc.submits.size() == 4u);
    BOOST_TEST(h.smsc.binds.size() == 2u);
}

BOOST_AUTO_TEST_CASE(deliver_sm_reaches_the_handler_and_its_answer_the_smsc) {
    for (auto t : {bind_type::receiver, bind_type::transceiver}) {
        carrier_harness h;
        h.cfg.bind = t;
        h.handler.answer_now = false; // answer later, as after a store commit
        h.start();
        BOOST_TEST_REQUIRE(h.wait_bound());
        auto s = h.smsc.bound_session();
        BOOST_TEST_REQUIRE(s != nullptr);
        std::vector<command_status> answers;
        for (const char* text : {"receipt", "mo"}) {
            pdu d{status::ok, 0, deliver_sm{}};
            d.as<deliver_sm>()->short_message = text;
            s->send_request(d, [&](const error_code& ec, const pdu* r) { answers.push_back(ec ? 0xEEEE : r->status); });
        }
        BOOST_TEST_REQUIRE(run_until(h.io, [&] { return h.handler.unanswered.size() == 2; }));
        BOOST_TEST(h.handler.delivered == (std::vector<std::string>{"receipt", "mo"}), boost::test_tools::per_element());
        BOOST_TEST(answers.empty()); // nothing answered on the handler's behalf
        BOOST_TEST(h.client->incoming_pending() == 2u); // waiting, as for their store commit
        BOOST_TEST(h.client->incoming_high_water() == 2u);
        BOOST_TEST(h.handler.unanswered[0].respond(status::ok));
        BOOST_TEST(h.handler.unanswered[1].respond(status::x_t_appn));
        BOOST_TEST_REQUIRE(run_until(h.io, [&] { return answers.size() == 2; }));
        BOOST_TEST(answers[0] == status::ok);
        BOOST_TEST(answers[1] == status::x_t_appn);
        BOOST_TEST(h.client->incoming_pending() == 0u);
        BOOST_TEST(h.client->incoming_high_water() == 2u); // the most at once on this bind
        BOOST_TEST(h.client->stats().delivers == 2u);
    }
}
