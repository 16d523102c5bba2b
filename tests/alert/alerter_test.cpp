// The alerter end to end: raise() with a recording sms_fn and the aiosmtpd
// sink: the SMS text to each admin number, one email to all addresses, the
// de-dup of a repeated raise (and the suppressed count in the next alert),
// an SMTP server that is down (SMS still goes out, raise() does not wait),
// and nothing sent after stop().
#define BOOST_TEST_MODULE alerter
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "alert/alerter.hpp"
#include "alert/smtp_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace twinsms::alert;

namespace {

struct sms {
    std::string to, from, text;
};

struct fixture {
    boost::asio::io_context io;
    std::vector<sms> sent;
    epoch_ms now = 1'767'323'045'123; // 2026-01-02T03:04:05.123Z
    sms_fn recorder() {
        return [this](const std::string& to, const std::string& from, const std::string& text) {
            sent.push_back({to, from, text});
        };
    }
    clock_fn clock() {
        return [this] { return now; };
    }
    config::alert_settings settings(std::optional<config::smtp_settings> email) {
        config::alert_settings a;
        a.sms_to = {"+15550001", "+15550002"};
        a.sms_from = "twinsms";
        a.email = std::move(email);
        a.min_interval = std::chrono::minutes{1};
        a.max_per_hour = 30;
        return a;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(raise_sends_sms_to_each_number_and_one_email_and_dedups, fixture) {
    smtp_sink sink;
    alerter a{io.get_executor(), settings(sink.settings()), "site1", recorder(), clock()};
    a.raise(alert_kind::takeover, "of site2", "(peer dead 3.0s) epoch 4");

    BOOST_REQUIRE(sent.size() == 2u); // synchronously: the node's routing takes it from here
    BOOST_TEST(sent[0].to == "+15550001");
    BOOST_TEST(sent[1].to == "+15550002");
    for (const auto& m : sent) {
        BOOST_TEST(m.from == "twinsms");
        BOOST_TEST(m.text == "twinsms site1: TAKEOVER of site2 (peer dead 3.0s) epoch 4");
    }
    BOOST_REQUIRE(run_until(io, [&] { return a.counters().email_sent == 1u; }));
    BOOST_REQUIRE(run_until(io, [&] { return sink.messages().size() == 1u; }));
    auto m = sink.messages().front();
    BOOST_TEST(str(m, "subject") == "[twinsms] site1: takeover of site2");
    BOOST_TEST(boost::json::serialize(m.at("rcpt_tos")) == R"(["ops@example.test","noc@example.test"])");
    BOOST_TEST(str(m, "body").find("time:    2026-01-02T03:04:05.123Z (UTC)") != std::string::npos);
    BOOST_TEST(str(m, "body").find("detail:  (peer dead 3.0s) epoch 4") != std::string::npos);
    BOOST_TEST(str(m, "date") == "Fri, 02 Jan 2026 03:04:05 +0000");

    // The same raise again, 10 s later: suppressed on both channels.
    now += 10'000;
    a.raise(alert_kind::takeover, "of site2", "(peer dead 3.1s) epoch 4");
    BOOST_TEST(sent.size() == 2u);
    auto c = a.counters();
    BOOST_TEST(c.raised == 2u);
    BOOST_TEST(c.sms_sent == 1u);
    BOOST_TEST(c.sms_messages == 2u);
    BOOST_TEST(c.sms_suppressed == 1u);
    BOOST_TEST(c.email_queued == 1u);
    BOOST_TEST(c.email_suppressed == 1u);

    // After min_interval it goes out again and says one was held back.
    now += 60'000;
    a.raise(alert_kind::takeover, "of site2", "(peer dead 3.2s) epoch 5");
    BOOST_REQUIRE(sent.size() == 4u);
    BOOST_TEST(sent[3].text == "twinsms site1: TAKEOVER of site2 (peer dead 3.2s) epoch 5 (+1 suppressed)");
    BOOST_REQUIRE(run_until(io, [&] { return sink.messages().size() == 2u; }));
    BOOST_TEST(str(sink.messages()[1], "body").find("1 earlier alert(s) were suppressed") != std::string::npos);
    BOOST_REQUIRE(run_until(io, [&] { return a.counters().email_sent == 2u; }));
    BOOST_TEST(a.counters().email_failures == 0u);
}

BOOST_FIXTURE_TEST_CASE(smtp_down_counts_a_failure_and_does_not_hold_up_the_sms, fixture) {
    silent_listener silent;
    config::smtp_settings s;
    s.host = "127.0.0.1";
    s.port = silent.port();
    s.from = "alerts@example.test";
    s.to = {"ops@example.test"};
    s.timeout = std::chrono::milliseconds{800};
    alerter a{io.get_executor(), settings(s), "site1", recorder(), clock()};
    const auto t0 = steady::now();
    a.raise(alert_kind::brain_split, "site1+site2 primary", "both hold the primary role");
    BOOST_TEST((steady::now() - t0 < 50ms));
    BOOST_TEST(sent.size() == 2u);
    BOOST_REQUIRE(run_until(io, [&] { return a.counters().email_failures == 1u; }));
    BOOST_TEST(a.counters().email_sent == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_throwing_sms_fn_does_not_keep_the_other_admins_uninformed, fixture) {
    int calls = 0;
    sms_fn flaky = [&](const std::string& to, const std::string&, const std::string&) {
        ++calls;
        if (to == "+15550001") throw std::runtime_error{"no route"};
    };
    alerter a{io.get_executor(), settings(std::nullopt), "site1", flaky, clock()};
    a.raise(alert_kind::peer_lost, "site2", "");
    BOOST_TEST(calls == 2);
    BOOST_TEST(a.counters().sms_failures == 1u);
    BOOST_TEST(a.counters().sms_messages == 1u);
}

BOOST_FIXTURE_TEST_CASE(nothing_goes_out_after_stop, fixture) {
    smtp_sink sink;
    alerter a{io.get_executor(), settings(sink.settings()), "site1", recorder(), clock()};
    a.stop();
    a.raise(alert_kind::failback, "to site1", "");
    BOOST_TEST(sent.empty());
    BOOST_TEST(a.counters().raised == 1u);
    BOOST_TEST(a.counters().email_queued == 0u);
    BOOST_TEST(observe_quiet(io, std::chrono::milliseconds{300}, [&] { return !sink.messages().empty(); }),
               "a mail went out after stop()");
    BOOST_TEST(sink.messages().empty());
}

BOOST_FIXTURE_TEST_CASE(no_email_section_means_sms_only, fixture) {
    alerter a{io.get_executor(), settings(std::nullopt), "site1", recorder(), clock()};
    a.raise(alert_kind::overflow_on, "carrier queue", "above 5000");
    BOOST_TEST(sent.size() == 2u);
    BOOST_TEST(a.counters().email_queued == 0u);
    BOOST_TEST(a.counters().email_suppressed == 0u);
}
