// Fault injection, observed by an esme-role session.
#include "sim/sim_harness.hpp"

#include "control.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {
session_config short_timeout() {
    session_config c;
    c.response_timeout = milliseconds{1000}; // only the unanswered requests wait for it
    return c;
}
} // namespace

BOOST_FIXTURE_TEST_SUITE(faults, sim_fixture)

BOOST_AUTO_TEST_CASE(throttle_every_nth_and_for_a_while) {
    auto e = bound();
    sim->throttle_every(2);
    std::vector<command_status> got;
    for (int i = 0; i < 4; ++i) got.push_back(request(*e, make_submit("4412", "t")).status());
    BOOST_TEST((got == std::vector<command_status>{status::ok, status::throttled, status::ok, status::throttled}));
    sim->throttle_off();
    sim->throttle_for(std::chrono::minutes(1));
    BOOST_TEST(request(*e, make_submit("4412", "t")).status() == status::throttled);
    BOOST_TEST(sim->faults().throttling_now);
    sim->throttle_off();
    auto a = request(*e, make_submit("4412", "t"));
    BOOST_TEST(a.status() == status::ok);
    BOOST_TEST(sim->counters().submits_throttled == 3u);
    BOOST_TEST(sim->messages().size() == 6u);
    BOOST_TEST(sim->messages()[1].status == status::throttled);
    BOOST_TEST(sim->messages()[1].message_id.empty());
}

BOOST_AUTO_TEST_CASE(fail_with_standard_and_vendor_status) {
    auto e = bound();
    sim->fail_with(status::submitfail);
    auto a = request(*e, make_submit("4412", "f", 1));
    BOOST_TEST(a.status() == status::submitfail);
    BOOST_TEST(a.resp->as<submit_sm_resp>()->body_omitted);
    sim->fail_with(0x400);
    BOOST_TEST(request(*e, make_submit("4412", "f")).status() == 0x400u);
    sim->fail_with(status::syserr, 3);
    std::vector<command_status> got;
    for (int i = 0; i < 3; ++i) got.push_back(request(*e, make_submit("4412", "f")).status());
    BOOST_TEST((got == std::vector<command_status>{status::ok, status::ok, status::syserr}));
    sim->fail_off();
    BOOST_TEST(request(*e, make_submit("4412", "f")).status() == status::ok);
    BOOST_TEST(sim->counters().submits_failed == 3u);
    BOOST_TEST(sim->counters().receipts_scheduled == 0u); // refused submits get no receipt
}

BOOST_AUTO_TEST_CASE(drop_reads_but_never_answers) {
    auto e = bound(bind_type::transceiver, "acme", "secret", short_timeout());
    sim->set_drop(true);
    std::optional<error_code> dropped;
    e->s->send_request(make_submit("4412", "into the void"),
                       [&dropped](const error_code& ec, const pdu*) { dropped = ec; });
    // The simulator reads in order: once a later enquire_link is answered,
    // the submit has been read, and it was not answered.
    BOOST_TEST((request(*e, pdu{status::ok, 0, enquire_link{}}).resp->id() == command_id::enquire_link_resp));
    BOOST_TEST(!dropped.has_value());
    BOOST_TEST(sim->counters().submits_dropped == 1u);
    BOOST_REQUIRE_EQUAL(sim->messages().size(), 1u);
    BOOST_TEST(!sim->messages().back().answered);
    BOOST_TEST(sim->messages().back().text == "into the void");
    run([&] { return dropped.has_value(); });
    BOOST_TEST(*dropped == error_code{session_error::response_timeout});
    sim->set_drop(false);
    BOOST_TEST(request(*e, make_submit("4412", "back")).status() == status::ok);
}

BOOST_AUTO_TEST_CASE(enquire_link_silence) {
    auto e = bound(bind_type::transceiver, "acme", "secret", short_timeout());
    const pdu probe{status::ok, 0, enquire_link{}};
    BOOST_TEST((request(*e, probe).resp->id() == command_id::enquire_link_resp));
    BOOST_TEST(sim->set_answer_enquire_link(false));
    std::optional<error_code> silent;
    e->s->send_request(probe, [&silent](const error_code& ec, const pdu*) { silent = ec; });
    // Other traffic still flows, and is read after the probe.
    BOOST_TEST(request(*e, make_submit("4412", "still here")).status() == status::ok);
    BOOST_TEST(!silent.has_value());
    BOOST_TEST(sim->counters().enquire_links_ignored == 1u);
    run([&] { return silent.has_value(); });
    BOOST_TEST(*silent == error_code{session_error::response_timeout});
    sim->set_answer_enquire_link(true);
    BOOST_TEST((request(*e, probe).resp->id() == command_id::enquire_link_resp));
}

BOOST_AUTO_TEST_CASE(direct_mode_has_no_enquire_link_fault) {
    auto c = default_config();
    c.link_faults = false;
    make(c);
    auto e = bound();
    BOOST_TEST(request(*e, make_submit("4412", "direct")).status() == status::ok);
    BOOST_TEST(!sim->set_answer_enquire_link(false));
    sim->set_answer_enquire_link(true);
}

BOOST_AUTO_TEST_CASE(close_all_connections) {
    auto a = bound();
    auto b = bound(bind_type::receiver, "other", "pw2");
    sim->close_all();
    run([&] { return a->closed && b->closed && sim->bound_sessions() == 0; });
    BOOST_TEST(a->why == error_code{session_error::peer_closed});
    // The simulator keeps accepting.
    auto c = bound();
    BOOST_TEST(request(*c, make_submit("4412", "again")).status() == status::ok);
}

BOOST_AUTO_TEST_CASE(slow_answers) {
    auto e = bound();
    sim->set_response_delay(milliseconds{150});
    const auto t0 = std::chrono::steady_clock::now();
    auto a = request(*e, make_submit("4412", "slow", 1));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 >= milliseconds{140}));
    BOOST_TEST(a.status() == status::ok);
    run([&] { return e->delivered.size() == 1; }); // the receipt follows the late answer
    BOOST_TEST(receipted_message_id(e->dsm(0).tlvs).value_or("?") == a.message_id());
}

BOOST_AUTO_TEST_CASE(control_channel_commands) {
    using sim::run_command;
    BOOST_TEST(run_command(*sim, "throttle 3").ok);
    BOOST_TEST(sim->faults().throttle_every == 3u);
    BOOST_TEST(run_command(*sim, "throttle for 60000").ok);
    BOOST_TEST(sim->faults().throttling_now);
    BOOST_TEST(run_command(*sim, "throttle off").ok);
    BOOST_TEST(sim->faults().throttle_every == 0u);
    BOOST_TEST(!sim->faults().throttling_now);
    BOOST_TEST(run_command(*sim, "fail ESME_RSUBMITFAIL").ok);
    BOOST_TEST(sim->faults().fail_status.value_or(0) == status::submitfail);
    BOOST_TEST(run_command(*sim, "fail 0x400 2").ok);
    BOOST_TEST(sim->faults().fail_status.value_or(0) == 0x400u);
    BOOST_TEST(sim->faults().fail_every == 2u);
    BOOST_TEST(run_command(*sim, "fail off").ok);
    BOOST_TEST(!sim->faults().fail_status);
    BOOST_TEST(run_command(*sim, "drop on").ok);
    BOOST_TEST(sim->faults().drop);
    BOOST_TEST(run_command(*sim, "  drop   off  ").ok);
    BOOST_TEST(!sim->faults().drop);
    BOOST_TEST(run_command(*sim, "refuse bindfail").ok);
    BOOST_TEST(sim->faults().refuse_binds.value_or(0) == status::bindfail);
    BOOST_TEST(run_command(*sim, "delay 25").ok);
    BOOST_TEST(sim->faults().response_delay.count() == 25);
    BOOST_TEST(run_command(*sim, "reset").ok);
    BOOST_TEST(!sim->faults().refuse_binds);
    BOOST_TEST(run_command(*sim, "receipt-state UNDELIV:5 4479").ok);
    BOOST_TEST(!run_command(*sim, "receipt-state BOGUS").ok);
    BOOST_TEST(!run_command(*sim, "throttle many").ok);
    BOOST_TEST(!run_command(*sim, "frobnicate").ok);
    BOOST_TEST(run_command(*sim, "stats").text.starts_with("event=stats "));
    BOOST_TEST(run_command(*sim, "quit").quit);
    BOOST_TEST(sim::parse_status("throttled").value_or(0) == status::throttled);
    BOOST_TEST(sim::parse_status("69").value_or(0) == status::submitfail);
    BOOST_TEST(!sim::parse_status("ESME_RNOPE"));

    auto rx = bound(bind_type::receiver);
    BOOST_TEST(run_command(*sim, "mo acme 447700900001 12345 hello there, sim").ok);
    run([&] { return rx->delivered.size() == 1 && sim->counters().mo_sent == 1; });
    BOOST_TEST(rx->dsm(0).short_message == "hello there, sim");
    BOOST_TEST(rx->dsm(0).source_addr == "447700900001");
    const auto block = sim::stats_block(*sim, 1.0);
    BOOST_TEST(block.find("mo_sent: 1 msgs\n") != std::string::npos);
    BOOST_TEST(block.find("submits_received: 0 msgs\n") != std::string::npos);
}

// The bind log: every accepted bind with its owner (system_type) and when
// it was bound and closed, refused binds not in it; `binds` lists it.
BOOST_AUTO_TEST_CASE(bind_log_records_owner_and_times) {
    auto a = connect();
    std::optional<session::bind_result> r;
    bind_params bp;
    bp.system_id = "acme";
    bp.password = "secret";
    bp.system_type = "site1";
    asio::co_spawn(io, a->s->bind(bind_type::transceiver, bp), [&r](std::exception_ptr, session::bind_result b) { r = b; });
    run([&] { return r.has_value(); });
    auto refused = connect();
    BOOST_TEST(bind(*refused, bind_type::transceiver, "acme", "wrong") == status::invpaswd);
    run([&] { return sim->bind_log().size() == 1; });
    BOOST_TEST(sim->bind_log()[0].system_type == "site1");
    BOOST_TEST(sim->bind_log()[0].account == "acme");
    BOOST_TEST(!sim->bind_log()[0].closed_at);
    a->s->close();
    run([&] { return sim->bind_log()[0].closed_at.has_value(); });
    BOOST_TEST((*sim->bind_log()[0].closed_at >= sim->bind_log()[0].bound_at));
    auto b = bound(bind_type::transmitter, "other", "pw2");
    run([&] { return sim->bind_log().size() == 2; });
    const auto listing = sim::run_command(*sim, "binds");
    BOOST_TEST(listing.ok);
    BOOST_TEST(listing.text.find("ok 2 binds") == 0u, listing.text);
    BOOST_TEST(listing.text.find("account=acme system_type=site1") != std::string::npos, listing.text);
    BOOST_TEST(listing.text.find("account=other system_type=- ") != std::string::npos, listing.text);
    BOOST_TEST(listing.text.find("to_ms=bound") != std::string::npos, listing.text);
}

BOOST_AUTO_TEST_SUITE_END()
