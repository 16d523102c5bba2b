#define BOOST_TEST_MODULE smtp_session_logic
// The SMTP session state machine, one case per reply code and sequence
// rule: greeting, EHLO/HELO and what EHLO advertises, AUTH PLAIN, MAIL FROM
// (allowed senders, parameters), RCPT TO (domain, number, limit, route),
// DATA (dot-unstuffing, size, long lines, From: check, text modes), the
// delivery outcome, RSET/NOOP/VRFY/HELP/QUIT, unknown commands, timeouts,
// shutdown and the error limit.
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "smtp/mime.hpp"
#include "smtp/smtp_session_logic.hpp"

using namespace twinsms::smtp;

namespace {

std::string b64(std::string_view s) {
    static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < s.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(s[i]) << 16;
        if (i + 1 < s.size()) v |= static_cast<unsigned char>(s[i + 1]) << 8;
        if (i + 2 < s.size()) v |= static_cast<unsigned char>(s[i + 2]);
        out += t[(v >> 18) & 63];
        out += t[(v >> 12) & 63];
        out += i + 1 < s.size() ? t[(v >> 6) & 63] : '=';
        out += i + 2 < s.size() ? t[v & 63] : '=';
    }
    return out;
}

struct fixture {
    std::shared_ptr<rules> r = std::make_shared<rules>();
    std::vector<std::string> not_served, unroutable;
    std::unique_ptr<session_logic> s;

    fixture() {
        r->hostname = "mx.test";
        r->domain = "sms.example.com";
        r->max_size = 2000;
        r->max_recipients = 3;
        r->max_errors = 100;
        r->clients = {
            {"ops", "ops", "opspw", false, {"nagios@example.com", "@monitor.example.com"}, text_mode::subject_and_body},
            {"subj", "subj", "x", false, {"@subject.example"}, text_mode::subject},
            {"body", "body", "x", false, {"@body.example", "vip@monitor.example.com"}, text_mode::body},
            {"secure", "secure", "s3cret", true, {"@secure.example"}, text_mode::body},
            {"anyone", "anyone", "pw", true, {}, text_mode::body},
        };
        r->serves = [this](std::string_view c) { return std::find(not_served.begin(), not_served.end(), c) == not_served.end(); };
        r->routable = [this](std::string_view, std::string_view n) {
            return std::find(unroutable.begin(), unroutable.end(), n) == unroutable.end();
        };
        s = std::make_unique<session_logic>(r);
    }
    void restart() { s = std::make_unique<session_logic>(r); }

    step in(std::string_view l) { return s->on_line(l); }
    // The code of the last reply line.
    static std::string code(const step& st) {
        if (st.reply.size() < 5) return st.reply;
        const auto last = st.reply.rfind("\r\n", st.reply.size() - 3);
        return st.reply.substr(last == std::string::npos ? 0 : last + 2, 3);
    }
    std::string say(std::string_view l) { return code(in(l)); }
    void ehlo() { BOOST_REQUIRE_EQUAL(say("EHLO client.test"), "250"); }
    void envelope(std::string_view from = "nagios@example.com", std::string_view to = "6591234567") {
        ehlo();
        BOOST_REQUIRE_EQUAL(say("MAIL FROM:<" + std::string{from} + ">"), "250");
        BOOST_REQUIRE_EQUAL(say("RCPT TO:<" + std::string{to} + "@sms.example.com>"), "250");
        BOOST_REQUIRE_EQUAL(say("DATA"), "354");
    }
    // Sends the lines and the final dot; returns the last step.
    step body(std::vector<std::string> lines) {
        for (const auto& l : lines) BOOST_REQUIRE(in(l).reply.empty());
        return in(".");
    }
};

} // namespace

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

BOOST_AUTO_TEST_CASE(auth_plain) {
    BOOST_CHECK_EQUAL(say("AUTH PLAIN"), "503"); // before EHLO
    BOOST_CHECK_EQUAL(say("HELO x"), "250");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN"), "503"); // HELO is not enough
    ehlo();
    BOOST_CHECK_EQUAL(say("AUTH LOGIN"), "504");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0secure\0wrong", 13})), "535");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0ops\0opspw", 10})), "535"); // ops has no auth
    BOOST_CHECK_EQUAL(say("AUTH PLAIN not-base64!"), "501");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64("no-nul-at-all")), "501");
    BOOST_CHECK_EQUAL(in("AUTH PLAIN").reply, "334 \r\n");
    BOOST_CHECK_EQUAL(say("*"), "501");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN"), "334");
    BOOST_CHECK_EQUAL(say(b64(std::string{"other\0secure\0s3cret", 19})), "535"); // authzid must be the user
    BOOST_CHECK_EQUAL(say("AUTH PLAIN"), "334");
    BOOST_CHECK_EQUAL(say(b64(std::string{"\0secure\0s3cret", 14})), "235");
    BOOST_CHECK_EQUAL(s->authenticated(), "secure");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0secure\0s3cret", 14})), "503");
    // Authenticated: sends as its client, from its allowed senders only.
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "550");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<x@secure.example>"), "250");
    BOOST_CHECK_EQUAL(say("AUTH PLAIN x"), "503"); // in a transaction
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "250");
    BOOST_CHECK_EQUAL(say("DATA"), "354");
    const auto d = body({"", "secured"});
    BOOST_REQUIRE(d.deliver);
    BOOST_CHECK_EQUAL(d.deliver->client, "secure");
}

BOOST_AUTO_TEST_CASE(starttls_when_configured_and_auth_only_under_tls) {
    r->starttls = true;
    restart();
    BOOST_CHECK_EQUAL(say("STARTTLS"), "503"); // EHLO first
    auto e = in("EHLO client.test");
    BOOST_CHECK(e.reply.find("250-STARTTLS\r\n") != std::string::npos);
    BOOST_CHECK(e.reply.find("AUTH") == std::string::npos); // not before TLS
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0secure\0s3cret", 14})), "538");
    BOOST_CHECK_EQUAL(say("STARTTLS now"), "501");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    BOOST_CHECK_EQUAL(say("STARTTLS"), "503"); // not in a transaction
    BOOST_CHECK_EQUAL(say("RSET"), "250");
    const auto st = in("STARTTLS");
    BOOST_CHECK_EQUAL(st.reply, "220 2.0.0 ready to start TLS\r\n");
    BOOST_CHECK(st.start_tls);
    BOOST_CHECK(!st.close);
    s->tls_started();
    BOOST_CHECK(s->secure());
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "503"); // everything starts over: EHLO again
    e = in("EHLO client.test");
    BOOST_CHECK(e.reply.find("STARTTLS") == std::string::npos);
    BOOST_CHECK(e.reply.find("250-AUTH PLAIN\r\n") != std::string::npos);
    BOOST_CHECK_EQUAL(say("STARTTLS"), "503"); // once
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"\0secure\0s3cret", 14})), "235");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<x@secure.example>"), "250");
}

BOOST_AUTO_TEST_CASE(auth_with_an_empty_sender_list_takes_anyone) {
    ehlo();
    BOOST_CHECK_EQUAL(say("AUTH PLAIN " + b64(std::string{"anyone\0anyone\0pw", 16})), "235");
    BOOST_CHECK_EQUAL(say("MAIL FROM:<whoever@wherever.example>"), "250");
}

BOOST_AUTO_TEST_CASE(plain_decoding) {
    const auto c = decode_plain(b64(std::string{"z\0u\0p w", 7}));
    BOOST_REQUIRE(c);
    BOOST_CHECK_EQUAL(c->authzid, "z");
    BOOST_CHECK_EQUAL(c->user, "u");
    BOOST_CHECK_EQUAL(c->password, "p w");
    BOOST_CHECK(!decode_plain(""));
    BOOST_CHECK(!decode_plain("abc"));                                  // not a multiple of 4
    BOOST_CHECK(!decode_plain(b64(std::string{"\0u\0p\0extra", 11}))); // three NULs
}

BOOST_AUTO_TEST_CASE(other_commands) {
    BOOST_CHECK_EQUAL(say("NOOP"), "250");
    BOOST_CHECK_EQUAL(say("RSET"), "250");
    BOOST_CHECK_EQUAL(say("VRFY someone"), "252");
    BOOST_CHECK_EQUAL(say("VRFY"), "501");
    BOOST_CHECK_EQUAL(say("HELP"), "214");
    BOOST_CHECK_EQUAL(say("EXPN list"), "502");
    BOOST_CHECK_EQUAL(say("STARTTLS"), "502");
    BOOST_CHECK_EQUAL(say("BDAT 10 LAST"), "502");
    BOOST_CHECK_EQUAL(say("FOO bar"), "500");
    BOOST_CHECK_EQUAL(say(""), "500");
    const auto q = in("QUIT");
    BOOST_CHECK_EQUAL(code(q), "221");
    BOOST_CHECK(q.close);
    BOOST_CHECK(s->closed());
    BOOST_CHECK(in("NOOP").reply.empty()); // closed: nothing more
}

BOOST_AUTO_TEST_CASE(ehlo_again_resets_the_transaction) {
    envelope();
    BOOST_REQUIRE(body({"", "x"}).deliver);
    s->delivered({});
    BOOST_CHECK_EQUAL(say("MAIL FROM:<nagios@example.com>"), "250");
    ehlo();
    BOOST_CHECK_EQUAL(say("RCPT TO:<6591234567@sms.example.com>"), "503");
}

BOOST_AUTO_TEST_CASE(timeout_and_shutdown_close_with_421) {
    auto t = s->on_timeout();
    BOOST_CHECK_EQUAL(code(t), "421");
    BOOST_CHECK(t.close);
    restart();
    envelope();
    t = s->on_shutdown();
    BOOST_CHECK_EQUAL(code(t), "421");
    BOOST_CHECK(t.close);
    BOOST_CHECK(s->closed());
}

BOOST_AUTO_TEST_CASE(too_many_errors_close_the_session) {
    r->max_errors = 3;
    restart();
    BOOST_CHECK_EQUAL(say("bad"), "500");
    BOOST_CHECK_EQUAL(say("bad"), "500");
    const auto last = in("bad");
    BOOST_CHECK_EQUAL(last.reply, "500 5.5.1 command not recognized\r\n421 4.7.0 mx.test too many errors, closing\r\n");
    BOOST_CHECK(last.close);
    BOOST_CHECK(s->closed());
}

BOOST_AUTO_TEST_CASE(path_and_number_parsing) {
    auto p = parse_path(" <a@b.c> SIZE=10 BODY=8bitmime");
    BOOST_REQUIRE(p);
    BOOST_CHECK_EQUAL(p->address, "a@b.c");
    BOOST_REQUIRE_EQUAL(p->params.size(), 2u);
    BOOST_CHECK_EQUAL(p->params[0].first, "SIZE");
    BOOST_CHECK_EQUAL(p->params[1].second, "8bitmime");
    BOOST_CHECK(parse_path("a@b.c")); // bare, leniently
    BOOST_CHECK(!parse_path("<a@b.c>junk"));
    BOOST_CHECK(!parse_path("<a b@c>"));
    BOOST_CHECK(!parse_path("<@b.c>"));
    BOOST_CHECK(!parse_path("<a@>"));
    BOOST_CHECK(!parse_path("<" + std::string(300, 'a') + "@b>"));
    BOOST_CHECK_EQUAL(parse_path("<>")->address, "");
    BOOST_CHECK_EQUAL(*parse_number("+6591234567"), "6591234567");
    BOOST_CHECK(!parse_number("++123"));
    BOOST_CHECK(!parse_number("12a4"));
    BOOST_CHECK(sender_allowed({"@x.example"}, "a@x.example"));
    BOOST_CHECK(!sender_allowed({"@x.example"}, "a@evilx.example"));
    BOOST_CHECK(!sender_allowed({}, "a@x.example"));
}

BOOST_AUTO_TEST_CASE(random_input_keeps_the_protocol_well_formed) {
    // Commands, arguments and junk in random order: every reply is CRLF
    // lines "NNN-text" / "NNN text", the last with a space, and a session
    // that closed says nothing more. Fixed seed: the same run every time.
    std::mt19937 rng{20261202};
    const std::vector<std::string> words{"EHLO x", "HELO x", "MAIL FROM:<nagios@example.com>", "MAIL FROM:<a@b.example>",
                                         "MAIL FROM:<>", "RCPT TO:<6591234567@sms.example.com>", "RCPT TO:<x@y>", "DATA",
                                         ".", "..", "Subject: hi", "", "RSET", "NOOP", "VRFY a", "AUTH PLAIN",
                                         "AUTH PLAIN AHNlY3VyZQBzM2NyZXQ=", "*", "STARTTLS", "QUIT", "\x01\xff", "MAIL",
                                         "RCPT TO:", "From: x@y.example", "Content-Type: multipart/mixed; boundary=b", "--b"};
    r->max_errors = 1000;
    unsigned sessions = 0, deliveries = 0;
    for (int round = 0; round < 20000; ++round) {
        if (!s || s->closed()) {
            restart();
            ++sessions;
            BOOST_REQUIRE(s->greet().reply.starts_with("220 "));
        }
        std::string l = words[rng() % words.size()];
        if (rng() % 8 == 0) l += std::string(rng() % 40, static_cast<char>(rng() % 256));
        const auto st = rng() % 50 == 0 ? s->on_line_too_long() : in(l);
        if (st.deliver) {
            ++deliveries;
            BOOST_REQUIRE(!st.deliver->recipients.empty());
            BOOST_REQUIRE(!st.deliver->text.empty());
            delivery_result ok;
            ok.ids.assign(st.deliver->recipients.size(), {"0000000000000001"});
            const auto d = s->delivered(ok);
            BOOST_REQUIRE(d.reply.starts_with("250"));
        }
        if (st.reply.empty()) continue;
        BOOST_REQUIRE(st.reply.ends_with("\r\n"));
        std::size_t at = 0;
        bool last_seen = false;
        while (at < st.reply.size()) {
            const auto end = st.reply.find("\r\n", at);
            const auto one = st.reply.substr(at, end - at);
            BOOST_REQUIRE_MESSAGE(one.size() >= 4 && std::isdigit(static_cast<unsigned char>(one[0])) &&
                                      std::isdigit(static_cast<unsigned char>(one[1])) && std::isdigit(static_cast<unsigned char>(one[2])) &&
                                      (one[3] == ' ' || one[3] == '-'),
                                  "bad reply line '" << one << "' to '" << l << "'");
            last_seen = one[3] == ' ';
            at = end + 2;
        }
        BOOST_REQUIRE(last_seen);
    }
    BOOST_TEST(sessions > 1u);    // QUIT and the error limit closed some
    BOOST_TEST(deliveries > 0u);  // and some mails made it through
}

BOOST_AUTO_TEST_SUITE_END()
