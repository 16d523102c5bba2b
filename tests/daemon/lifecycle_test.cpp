// twinsmsd run as an operator runs it: started on a copy of the demo
// profiles, a client submits and gets its receipt, SIGTERM unbinds the
// client and exits 0; SIGHUP applies a valid change without dropping bound
// sessions and refuses an invalid one, logging where the error is.
#define BOOST_TEST_MODULE daemon_lifecycle
#include "daemon/daemon_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

bool is_hex16(std::string_view id) {
    return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

const std::string second_client = "client:\n  state: active\n  system_id: second\n  password: second1\n"
                                  "  binds: [transmitter, receiver, transceiver]\n";

} // namespace

BOOST_FIXTURE_TEST_CASE(submit_gets_a_receipt_and_sigterm_unbinds_and_exits_0, daemon_fixture) {
    auto& carrier = add_demo_carrier();
    start_daemon();
    auto c = client();
    auto a = request(*c, make_submit("46701234567", "hello daemon", 1));
    BOOST_REQUIRE_MESSAGE(!a.ec, a.ec.message());
    BOOST_TEST(a.status() == status::ok);
    const auto id = a.message_id();
    BOOST_TEST(is_hex16(id), id);

    require([&] { return receipt_for(*c, id) != nullptr; }, "receipt naming our id");
    const auto& r = *receipt_for(*c, id);
    BOOST_TEST(std::string{r.short_message}.rfind("id:" + id + " ", 0) == 0u, r.short_message);
    BOOST_TEST(std::string{r.short_message}.find("stat:DELIVRD") != std::string::npos);
    BOOST_TEST(smpp::message_state(r.tlvs).value_or(0) == 2); // DELIVERED
    BOOST_REQUIRE_EQUAL(carrier.messages().size(), 1u);
    BOOST_TEST(carrier.messages().front().text == "hello daemon");
    BOOST_TEST(carrier.messages().front().message_id != id); // the carrier's id is not ours
    // The relative store path put the store inside the profile folder.
    BOOST_TEST(fs::exists(profiles.file("store")));

    const auto t0 = std::chrono::steady_clock::now();
    const auto st = terminate(5s);
    const auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(st.exited);
    BOOST_TEST(!st.timed_out, daemon->describe());
    BOOST_TEST(st.signal == 0);
    BOOST_TEST(st.code == 0, daemon->describe());
    BOOST_TEST(std::chrono::duration_cast<ms>(took).count() < 5000);
    // The daemon unbound us (we never sent unbind): a graceful end, not a dropped socket.
    require([&] { return c->closed; }, "client session closed");
    BOOST_TEST((c->why == smpp::session_error::unbound), c->why.message());
    BOOST_TEST(daemon->first_event("node", "stopped").has_value());
    // And it unbound from the carrier too.
    require([&] { return carrier.bound_sessions() == 0; }, "carrier link gone");
}

BOOST_FIXTURE_TEST_CASE(sigint_stops_cleanly_too, daemon_fixture) {
    add_demo_carrier();
    start_daemon();
    daemon->signal(SIGINT);
    wait([&] { return !daemon->running(); }, 5s);
    const auto& st = daemon->proc().wait(0ms);
    BOOST_TEST(st.code == 0, daemon->describe());
    BOOST_TEST(daemon->first_event("twinsmsd", "signal").value_or("").find("signal=SIGINT") != std::string::npos);
}

// A second SIGTERM during the graceful stop (systemd, docker, an impatient
// operator, a kill to the process group and the pid) must not fall back to
// the default action and kill the daemon mid-stop (it did: the signal_set
// lived only in its handler's capture; fixed in fc23f8a).
BOOST_FIXTURE_TEST_CASE(second_sigterm_during_the_graceful_stop_still_exits_0, daemon_fixture) {
    add_demo_carrier();
    start_daemon();
    auto c = client();
    daemon->signal(SIGTERM);
    // Not pumping our io_context: the client does not answer the daemon's
    // unbind yet, so the graceful stop is still under way (up to its unbind timeout).
    // Woken by the daemon's output (or its exit), at most 5 s.
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (!daemon->first_event("node", "stopping") && daemon->poll() == false && std::chrono::steady_clock::now() < until)
        daemon->proc().await_activity(
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()));
    BOOST_REQUIRE(daemon->first_event("node", "stopping").has_value());
    daemon->signal(SIGTERM);
    wait([&] { return !daemon->running(); }, 10s);
    const auto& st = daemon->proc().wait(0ms);
    BOOST_TEST((st.exited && st.signal == 0 && st.code == 0), daemon->describe());
    BOOST_TEST(daemon->events("twinsmsd", "signal_ignored").size() == 1u);
    BOOST_TEST(daemon->first_event("node", "stopped").has_value());
}

BOOST_FIXTURE_TEST_CASE(sighup_adds_a_client_without_dropping_bound_sessions, daemon_fixture) {
    auto& carrier = add_demo_carrier();
    start_daemon();
    auto first = client();
    BOOST_TEST(request(*first, make_submit("46700000001", "before reload", 0)).status() == status::ok);

    // Not known yet: refused.
    auto early = connect();
    BOOST_TEST(bind(*early, bind_type::transceiver, "second", "second1").status == status::invpaswd);

    profiles.write("clients/second.yaml", second_client);
    daemon->signal(SIGHUP);
    const auto line = wait_event("twinsmsd", "reloaded");
    BOOST_TEST(daemon->events("twinsmsd", "reload_refused").empty());

    auto second = client(bind_type::transceiver, "second", "second1");
    BOOST_TEST(request(*second, make_submit("46700000002", "from second", 0)).status() == status::ok);
    // The first session lived through the reload and still works.
    BOOST_TEST(!first->closed);
    BOOST_TEST((first->s->state() == smpp::bind_state::bound_trx));
    BOOST_TEST(request(*first, make_submit("46700000003", "after reload", 0)).status() == status::ok);
    require([&] { return carrier.messages().size() == 3u; }, "three messages at the carrier");
    BOOST_TEST(!first->closed);
    BOOST_TEST(daemon->carrier_binds("sim") == 1u); // the unchanged carrier link was not restarted
    BOOST_TEST(terminate().code == 0);
}

BOOST_FIXTURE_TEST_CASE(sighup_with_invalid_routes_is_refused_and_the_old_config_keeps_serving, daemon_fixture) {
    auto& carrier = add_demo_carrier();
    start_daemon();
    auto c = client();
    BOOST_TEST(request(*c, make_submit("46700000011", "before", 0)).status() == status::ok);

    profiles.replace("routes.yaml", "carriers: [sim]", "carriers: [nope]");
    const auto routes = profiles.read("routes.yaml");
    daemon->signal(SIGHUP);
    const auto line = wait_event("twinsmsd", "reload_refused");
    BOOST_TEST(daemon->events("twinsmsd", "reloaded").empty());
    // The error says where: file:line:column: yaml.path: message.
    const auto at = routes.find("nope");
    const auto line_no = std::count(routes.begin(), routes.begin() + static_cast<long>(at), '\n') + 1;
    const auto col = at - routes.rfind('\n', at);
    const auto want = profiles.file("routes.yaml").string() + ":" + std::to_string(line_no) + ":" +
                      std::to_string(col) + ": routes[0].carriers[0]: no carrier profile named 'nope'";
    BOOST_TEST(logfmt_value(line, "error").value_or("") == want, line);
    BOOST_TEST(logfmt_value(line, "level").value_or("") == "error");

    // Still serving with the old routes: the session stayed, submits go to sim.
    BOOST_TEST(!c->closed);
    BOOST_TEST(request(*c, make_submit("46700000012", "after refused reload", 0)).status() == status::ok);
    auto other = client(); // and new binds are taken
    BOOST_TEST(request(*other, make_submit("46700000013", "new session", 0)).status() == status::ok);
    require([&] { return carrier.messages().size() == 3u; }, "three messages at the carrier");
    BOOST_TEST(carrier.messages().back().text == "new session");

    // Fixed, the next SIGHUP applies.
    profiles.replace("routes.yaml", "carriers: [nope]", "carriers: [sim]");
    daemon->signal(SIGHUP);
    wait_event("twinsmsd", "reloaded");
    BOOST_TEST(terminate().code == 0);
}

// The receipt text's "text:" field is the first 20 characters of the
// message; for a part with a UDH (esm_class UDHI) they come after the UDH
// (the daemon used to excerpt 05 00 03 REF 03 01 as "...Z..", fixed in fc23f8a).
BOOST_FIXTURE_TEST_CASE(receipt_text_of_a_concatenated_part_excerpts_its_text_not_the_udh, daemon_fixture) {
    add_demo_carrier();
    start_daemon();
    auto c = client();
    const std::string sm = std::string{"\x05\x00\x03\x5A\x03\x01", 6} + "part one of three, more text";
    auto p = make_submit("46701234567", sm, 1);
    p.as<submit_sm>()->esm_class = 0x40; // UDHI
    auto a = request(*c, p);
    BOOST_REQUIRE(a.status() == status::ok);
    require([&] { return receipt_for(*c, a.message_id()) != nullptr; }, "receipt");
    const std::string text{receipt_for(*c, a.message_id())->short_message};
    BOOST_TEST(text.substr(text.find(" text:") + 6) == "part one of three, m", text);
}
