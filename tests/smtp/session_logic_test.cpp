#define BOOST_TEST_MODULE smtp_session_logic
// The SMTP session state machine, one case per reply code and sequence
// rule: greeting, EHLO/HELO and what EHLO advertises, AUTH PLAIN, MAIL FROM
// (allowed senders, parameters), RCPT TO (domain, number, limit, route),
// DATA (dot-unstuffing, size, long lines, From: check, text modes), the
// delivery outcome, RSET/NOOP/VRFY/HELP/QUIT, unknown commands, timeouts,
// shutdown and the error limit.
//
// AUTH, STARTTLS, the other commands, timeouts, the error limit and the
// random-input case are in session_logic_auth_test.cpp; the fixture in
// session_logic_fixture.hpp.
#include "smtp/session_logic_fixture.hpp"

BOOST_FIXTURE_TEST_SUITE(session_logic_suite, fixture)

BOOST_AUTO_TEST_CASE(greeting_is_220_with_the_hostname) {
    const auto g = s->greet();
    BOOST_CHECK_EQUAL(g.reply, "220 mx.test ESMTP twinsms email to SMS\r\n");
    BOOST_CHECK(!g.close);
}

BOOST_AUTO_TEST_CASE(ehlo_advertises_size_8bitmime_and_auth_when_configured) {
    const auto e = in("EHLO client.test");
    BOOST_CHECK_EQUAL(e.reply, "250-mx.test greets client.test\r\n250-SIZE 2000\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
                               "250-ENHANCEDSTATUSCODES\r\n250-AUTH PLAIN\r\n250 HELP\r\n");
    BOOST_CHECK(e.reply.find("STARTTLS") == std::string::npos);
    // Without clients that use AUTH, it is not offered, and AUTH is 502.
    r->clients.resize(3);
    restart();
    BOOST_CHECK(in("EHLO x").reply.find("AUTH") == std::string::npos);
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0ops\0opspw", 10})), "502");
}

BOOST_AUTO_TEST_CASE(helo_and_syntax_of_the_greeting_commands) {
    BOOST_CHECK_EQUAL(in("HELO client.test").reply, "250 mx.test greets client.test\r\n");
    BOOST_CHECK_EQUAL(say("EHLO"), "501");
    BOOST_CHECK_EQUAL(say("helo"), "501");
    BOOST_CHECK_EQUAL(say("ehlo lower.case"), "250");
}

BOOST_AUTO_TEST_CASE(mail_needs_helo_and_one_at_a_time) {
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "503");
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "503");
}

BOOST_AUTO_TEST_CASE(mail_syntax_and_parameters) {
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL nagios@example.com"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<no-at-sign>"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com> SIZE=abc"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com> SIZE=2001"), "552");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com> BODY=BINARYMIME"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com> RET=HDRS"), "555");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<>"), "550");
    BOOST_CHECK_EQUAL(say("mail from: <@relay.example:Nagios@Example.com> SIZE=2000 BODY=8BITMIME AUTH=<>"), "250");
}

BOOST_AUTO_TEST_CASE(senders_pick_their_client_or_are_refused) {
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL FROM:<stranger@elsewhere.example>"), "550");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<x@sub.monitor.example.com>"), "550"); // @domain is that domain only
    BOOST_CHECK_EQUAL(say("MAIL FROM:<someone@secure.example>"), "530");    // only with AUTH
    BOOST_CHECK_EQUAL(say("MAIL FROM:<vip@monitor.example.com>"), "250");   // the exact address wins over @domain
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("DATA"), "354");
    const auto d = body({"Subject: s", "", "b"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK_EQUAL(d.deliver->client, "body");
    BOOST_CHECK_EQUAL(d.deliver->text, "b"); // body mode
    BOOST_CHECK_EQUAL(d.deliver->sender, "vip@monitor.example.com");
}

BOOST_AUTO_TEST_CASE(a_client_not_served_here_is_a_temporary_failure) {
    not_served = {"ops"};
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "451");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<a@body.example>"), "250");
}

BOOST_AUTO_TEST_CASE(a_client_takes_mail_only_from_its_allowed_sources) {
    // "ops" takes mail from 10.0.0.1 only; the session is from 192.0.2.7.
    std::vector<std::pair<std::string, boost::asio::ip::address>> asked;
    r->source_allowed = [&](std::string_view c, const boost::asio::ip::address& a) {
        asked.emplace_back(std::string{c}, a);
        return c != "ops" || a == boost::asio::ip::make_address("10.0.0.1");
    };
    s = std::make_unique<session_logic>(r, boost::asio::ip::make_address("192.0.2.7"));
    ehlo();
    const auto refused = in("MAIL FROM:<nagios@example.com>");
    BOOST_CHECK_EQUAL(code(refused), "550");
    BOOST_CHECK(refused.reply.find("192.0.2.7 may not send as ops") != std::string::npos);
    BOOST_CHECK_EQUAL(say("MAIL FROM:<a@body.example>"), "250"); // "body" allows any source
    BOOST_REQUIRE_EQUAL(asked.size(), 2u);
    BOOST_CHECK(asked[0].second == boost::asio::ip::make_address("192.0.2.7"));
    s = std::make_unique<session_logic>(r, boost::asio::ip::make_address("10.0.0.1"));
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
}

BOOST_AUTO_TEST_CASE(recipients) {
    ehlo();
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "503");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("RCPT <6591234567@sms.example.com>"), "501");
    BOOST_CHECK_EQUAL(say("RCPT TO:<>"), "501");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@gmail.com>"), "550");
    BOOST_CHECK_EQUAL(say("RCPT TO:<postmaster>"), "501");
    BOOST_CHECK_EQUAL(say("RCPT TO:<john@sms.example.com>"), "553");
    BOOST_CHECK_EQUAL(say("RCPT TO:<65-9123@sms.example.com>"), "553");
    BOOST_CHECK_EQUAL(say("RCPT TO:<12@sms.example.com>"), "553");
    BOOST_CHECK_EQUAL(say("RCPT TO:<123456789012345678901@sms.example.com>"), "553");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com> NOTIFY=NEVER"), "555");
    unroutable = {"999"};
    BOOST_CHECK_EQUAL(say("RCPT TO:<999@sms.example.com>"), "550");
    BOOST_CHECK_EQUAL(say("RCPT TO:<+6591234567@SMS.Example.COM>"), "250");
    BOOST_CHECK_EQUAL(in("RCPT TO:<6591234567@sms.example.com>").reply, "250 2.1.5 recipient ok (duplicate, sent once)\r\n");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234568@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234569@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(in("RCPT TO:<6591234570@sms.example.com>").reply, "452 4.5.3 too many recipients\r\n");
    BOOST_CHECK_EQUAL(say("DATA"), "354");
    const auto d = body({"Subject: hi", "", "text"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK((d.deliver->recipients == std::vector<std::string>{"6591234567", "6591234568", "6591234569"}));
}

BOOST_AUTO_TEST_CASE(data_needs_recipients) {
    ehlo();
    BOOST_CHECK_EQUAL(say("DATA"), "503");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("DATA"), "503");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("DATA now"), "501");
    BOOST_CHECK_EQUAL(in("DATA").reply, "354 end data with <CR><LF>.<CR><LF>\r\n");
    BOOST_CHECK(s->in_data());
    BOOST_CHECK_EQUAL(s->line_limit(), max_text_line);
}

BOOST_AUTO_TEST_CASE(dot_unstuffing_and_commands_inside_data_are_text) {
    envelope();
    const auto d = body({"From: Nagios <nagios@example.com>", "Subject: Alert", "", "..leading dot", "QUIT", ". x", "-- ", "sig"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK(d.reply.empty());
    BOOST_CHECK_EQUAL(d.deliver->text, "Alert\n.leading dot\nQUIT\n x");
    BOOST_CHECK(!s->in_data());
    BOOST_CHECK_EQUAL(say("NOOP"), "503"); // waiting for the delivery outcome
}

BOOST_AUTO_TEST_CASE(delivery_outcomes) {
    ehlo();
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("RSET"), "250");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "503"); // RSET ended the transaction
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234568@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("DATA"), "354");
    BOOST_REQUIRE(body({"Subject: x", "", "y"}).deliver);
    delivery_result ok;
    ok.ids = {{"0000000000000001"}, {"0000000000000002", "0000000000000003"}};
    BOOST_CHECK_EQUAL(s->delivered(ok).reply, "250-2.0.0 6591234567 queued as 0000000000000001\r\n"
                                              "250-2.0.0 6591234568 queued as 0000000000000002 0000000000000003\r\n"
                                              "250 2.0.0 OK 3 SMS for 2 recipients\r\n");
    BOOST_CHECK(s->delivered(ok).reply.empty()); // once only
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "503"); // the transaction is over
    for (auto [o, want] : {std::pair{delivery_result::outcome::temporary, "451"},
                           std::pair{delivery_result::outcome::storage_full, "452"},
                           std::pair{delivery_result::outcome::permanent, "554"}}) {
        BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
        BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "250");
        BOOST_CHECK_EQUAL(say("DATA"), "354");
        BOOST_REQUIRE(body({"", "y"}).deliver);
        delivery_result r;
        r.result = o;
        r.reason = "store says no";
        const auto st = s->delivered(r);
        BOOST_CHECK_EQUAL(code(st), want);
        BOOST_CHECK(st.reply.find("store says no") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(oversized_messages_are_read_to_the_end_then_552) {
    envelope();
    for (int i = 0; i < 100; ++i) BOOST_CHECK(in(std::string(50, 'x')).reply.empty());
    const auto d = in(".");
    BOOST_CHECK(!d.deliver);
    BOOST_CHECK_EQUAL(code(d), "552");
    BOOST_CHECK_EQUAL(say("NOOP"), "250"); // the session goes on
}

BOOST_AUTO_TEST_CASE(size_limit_is_on_the_unstuffed_message) {
    r->max_size = 12; // "a\r\n" x 4 = 12
    restart();
    envelope();
    const auto d = body({"..", ".a", "a", "a"}); // ".\r\n" "a\r\n" ... after unstuffing: 3 + 3 + 3 + 3
    BOOST_CHECK(d.deliver);
    restart();
    envelope();
    BOOST_CHECK_EQUAL(code(body({"a", "a", "a", "ab"})), "552");
}

BOOST_AUTO_TEST_CASE(lines_too_long) {
    BOOST_CHECK_EQUAL(s->line_limit(), max_command_line);
    BOOST_CHECK_EQUAL(code(s->on_line_too_long()), "500");
    envelope();
    BOOST_CHECK(s->on_line_too_long().reply.empty()); // inside DATA: answered after the dot
    const auto d = in(".");
    BOOST_CHECK(!d.deliver);
    BOOST_CHECK_EQUAL(code(d), "500");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250"); // and the transaction was reset
}

BOOST_AUTO_TEST_CASE(from_header_must_be_allowed_too) {
    envelope();
    BOOST_CHECK_EQUAL(code(body({"From: Mallory <mallory@evil.example>", "", "x"})), "550");
    envelope();
    BOOST_CHECK(body({"From: NAGIOS@EXAMPLE.COM", "", "x"}).deliver);
    BOOST_CHECK_EQUAL(code(s->delivered({})), "250");
}

BOOST_AUTO_TEST_CASE(text_modes) {
    envelope("a@subject.example");
    auto d = body({"Subject: =?utf-8?q?caf=C3=A9?=", "", "ignored body"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK_EQUAL(d.deliver->text, "caf\xC3\xA9");
    s->delivered({});
    envelope("a@subject.example");
    BOOST_CHECK_EQUAL(code(body({"Subject: ", "", "body only"})), "554");
    envelope("a@body.example");
    BOOST_CHECK_EQUAL(code(body({"Subject: only a subject", "Content-Type: text/html", "", "<p>x</p>"})), "554");
    envelope("nagios@example.com");
    d = body({"Subject: only a subject", "Content-Type: text/html", "", "<p>x</p>"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK_EQUAL(d.deliver->text, "only a subject");
    s->delivered({});
    envelope("nagios@example.com");
    BOOST_CHECK_EQUAL(code(body({"", "", "-- ", "signature only"})), "554");
}

BOOST_AUTO_TEST_CASE(an_unreadable_body_is_554) {
    envelope("a@body.example");
    const auto d = body({"Content-Type: text/plain; charset=koi8-r", "", "x"});
    BOOST_CHECK_EQUAL(code(d), "554");
    BOOST_CHECK(d.reply.find("koi8-r") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
