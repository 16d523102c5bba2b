// Alerts and overflow on a real pair: site2 pages its admin by SMS (through
// the carrier it just took over) and by email (the aiosmtpd sink of
// tests/alert) when site1 dies; site2 binds its overflow carrier while
// site1's carrier queue is over cluster.overflow.high and returns to the
// peer link once it is below low.
#define BOOST_TEST_MODULE pair_alert
#include "pair/pair_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

// tests/alert/smtp_sink.py (Debian python3-aiosmtpd) on a free port.
struct smtp_sink_process {
    std::unique_ptr<child_process> proc;
    std::uint16_t port = 0;
    smtp_sink_process() {
        proc = std::make_unique<child_process>(
            std::vector<std::string>{"/usr/bin/python3", std::string{TWINSMS_SOURCE_DIR} + "/tests/alert/smtp_sink.py"});
        auto ready = proc->wait_for_line([](std::string_view l) { return l.starts_with("ready "); }, 15s);
        if (!ready) throw std::runtime_error{"smtp sink not ready: " + proc->describe()};
        port = static_cast<std::uint16_t>(std::stoi(ready->substr(6)));
    }
    std::vector<json::object> messages() {
        proc->poll();
        std::vector<json::object> out;
        for (const auto& l : proc->out_lines())
            if (l.starts_with("message ")) out.push_back(json::parse(l.substr(8)).as_object());
        return out;
    }
};

struct alerting_site2 : smtp_sink_process, pair_fixture {
    alerting_site2()
        : smtp_sink_process{}, pair_fixture(pair_options{
                                   .site2_alerts = "  alerts:\n    sms: {to: [\"6590000002\"], from: twinsms}\n"
                                                   "    email:\n      server: 127.0.0.1:" + std::to_string(port) +
                                                   "\n      from: \"twinsms alerts <alerts@example.test>\""
                                                   "\n      to: [\"ops@example.test\"]\n      timeout: 5s\n"}) {}
};

struct overflowing : pair_fixture {
    overflowing() : pair_fixture(pair_options{.overflow = std::pair{40, 10}}) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(takeover_alert_by_sms_and_email, alerting_site2) {
    start_pair();
    kill9(s1);
    await_mode(s2, "took_over", 10s);
    require([&] { return s2.has("alert", "raised", {{"kind", "takeover"}}); }, "site2 raised the takeover alert");
    // The SMS: to the admin number, through the carrier site2 now holds.
    const sim::received_message* sms = nullptr;
    require([&] {
        for (const auto& m : sim->messages())
            if (m.destination == "6590000002" && m.text.find("TAKEOVER") != std::string::npos) sms = &m;
        return sms != nullptr;
    }, "takeover SMS at the carrier", 15s);
    BOOST_TEST_MESSAGE("alert sms: " << sms->text);
    BOOST_TEST(sms->source == "twinsms");
    BOOST_TEST(sms->text.find("site2") != std::string::npos, sms->text);
    // The email, at the sink.
    std::optional<json::object> mail;
    require([&] {
        for (auto& m : messages())
            if (str(m, "subject").find("TAKEOVER") != std::string::npos || str(m, "subject").find("takeover") != std::string::npos)
                mail = m;
        return mail.has_value();
    }, "takeover email at the SMTP sink", 20s);
    BOOST_TEST_MESSAGE("alert email subject: " << str(*mail, "subject"));
    BOOST_TEST(json::serialize(mail->at("rcpt_tos")).find("ops@example.test") != std::string::npos);
    BOOST_TEST(str(*mail, "body").find("site2") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(overflow_to_a_second_carrier_while_site1_is_backed_up, overflowing) {
    start_pair();
    BOOST_TEST(!overflow_sim->bound_sessions());
    // site1's carrier slows down (every answer 2 s late) while alpha floods site1: its queue passes 40.
    sim_command(*sim, "delay 2000");
    load_client alpha{io, {s1.smpp_port}, "alpha", "alpha1", "flood"};
    alpha.window = 20;
    alpha.gap = 2ms;
    alpha.start();
    require([&] { return s2.has("cluster", "overflow_on"); }, "site2 turned overflow on", 20s);
    require([&] { return s2.has("alert", "raised", {{"kind", "overflow_on"}}); }, "overflow_on alert", 5s);
    require([&] { return overflow_sim->bound_sessions("carrier") == 1u; }, "site2 bound the overflow carrier", 10s);
    BOOST_TEST(await_status(s2, [](const json::object& st) { return at(st, "counters", "overflow") == "true"; }, 5s));
    BOOST_TEST(mode_of(s2) == "normal");
    // bravo's traffic goes to the overflow carrier now.
    auto bravo = client(s2, "bravo", "bravo1");
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto a = request(*bravo, make_submit("4670555400" + std::to_string(i), "overflow-" + std::to_string(i), 1));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    for (int i = 0; i < 5; ++i)
        require([&] { return texts(*overflow_sim).count("overflow-" + std::to_string(i)) == 1; }, "at the overflow carrier");
    for (const auto& id : ids) require([&] { return receipt_for(*bravo, id) != nullptr; }, "receipt via the overflow carrier");
    BOOST_TEST(texts(*sim).count("overflow-0") == 0u);

    // Released: site1 drains, site2 returns to the peer link.
    alpha.stop();
    sim_command(*sim, "delay 0");
    require([&] { return s2.has("cluster", "overflow_off"); }, "site2 turned overflow off", 30s);
    BOOST_TEST(await_status(s2, [](const json::object& st) { return at(st, "counters", "overflow") == "false"; }, 5s));
    require([&] { return overflow_sim->bound_sessions("carrier") == 0u; }, "overflow carrier unbound", 10s);
    auto a = request(*bravo, make_submit("46705554100", "back-on-link", 1));
    BOOST_REQUIRE_EQUAL(a.status(), status::ok);
    require([&] { return texts(*sim).count("back-on-link") == 1; }, "via site1 again", 15s);
    BOOST_TEST(texts(*overflow_sim).count("back-on-link") == 0u);
    require([&] { return alpha.done; }, "alpha stopped", 15s);
    BOOST_TEST(alpha.error_status == 0u);
}
