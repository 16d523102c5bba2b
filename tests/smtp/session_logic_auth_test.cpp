// The SMTP session state machine, continued (see session_logic_test.cpp):
// AUTH PLAIN, STARTTLS, RSET/NOOP/VRFY/HELP/QUIT, unknown commands,
// timeouts, shutdown, the error limit, parsing and random input.
#include "smtp/session_logic_fixture.hpp"

BOOST_FIXTURE_TEST_SUITE(session_logic_suite, fixture)

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
