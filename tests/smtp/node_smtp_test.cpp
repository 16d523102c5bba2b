#define BOOST_TEST_MODULE node_smtp
// Email to SMS through a whole node: the node in-process with its SMTP
// listener, a carrier simulator, and Python's smtplib as the mail client
// (tests/smtp/smtp_client.py, run as a child while the node's io_context is
// pumped). What the simulator receives is checked (destination, coding,
// text, parts), and so are the refusals, AUTH, the session limits
// (max_sessions, command and data timeouts, long lines), and that the node
// keeps serving after all of them. Waits are on events, never sleeps.
#include "app/node_harness.hpp"

#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include "app/metrics/node_metrics.hpp"
#include "app/front_doors/smtp_gateway.hpp"
#include "interop/child_process.hpp"
#include "sms/sms_text.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct result {
    std::string step;
    int code = 0;
    std::string text;
};

struct smtp_node : node_fixture {
    sim::smsc_simulator* sim = nullptr;

    smtp_node() {
        sim = &add_carrier("sim");
        profiles.routes = {route_to("all", {"sim"})};
        config::smtp_server_settings s;
        s.listen = {tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
        s.domain = "sms.example.com";
        s.hostname = "mx.test";
        s.max_size = 4096;
        s.max_recipients = 3;
        s.max_sessions = 4;
        s.command_timeout = std::chrono::seconds(20);
        s.data_timeout = std::chrono::seconds(20);
        profiles.node.smtp = s;
        auto& acme = profiles.clients.at(0);
        acme.smtp.emplace();
        acme.smtp->allowed_senders = {"nagios@example.com", "@monitor.example.com"};
        acme.smtp->source = "Alerts";
        acme.smtp->max_parts = 4;
        auto secure = client_profile("secure", "s3cret");
        secure.smtp.emplace();
        secure.smtp->auth = true;
        secure.smtp->text = config::mail_text::body;
        secure.smtp->source = "+6580000000";
        profiles.clients.push_back(secure);
    }

    std::uint16_t smtp_port() { return node->smtp()->endpoints().at(0).port(); }

    // Runs smtp_client.py SCENARIO [ARGS] to its end, pumping the node meanwhile.
    std::vector<result> run_client(const std::string& scenario, std::vector<std::string> args = {}) {
        std::vector<std::string> argv{"/usr/bin/python3", std::string{TWINSMS_SOURCE_DIR} + "/tests/smtp/smtp_client.py",
                                      std::to_string(smtp_port()), scenario};
        argv.insert(argv.end(), args.begin(), args.end());
        child_process p{argv};
        run([&] { return p.poll(); }, std::chrono::seconds(60));
        BOOST_TEST_REQUIRE(p.status().code == 0, p.describe() + "\n" + p.out());
        std::vector<result> out;
        for (const auto& l : p.out_lines()) {
            if (!l.starts_with("result ")) continue;
            const auto o = boost::json::parse(l.substr(7)).as_object();
            out.push_back({std::string{o.at("step").as_string()}, static_cast<int>(o.at("code").as_int64()),
                           std::string{o.at("text").as_string()}});
        }
        return out;
    }
    static const result& step(const std::vector<result>& rs, std::string_view name) {
        for (const auto& r : rs)
            if (r.step == name) return r;
        BOOST_FAIL("no step " << name);
        return rs.front();
    }
    // The text of what the simulator got, decoded from its coding.
    static std::string text_of(const sim::received_message& m) {
        auto body = std::string_view{m.short_message};
        if (m.esm_class & sms::esm_class_udhi) body.remove_prefix(1 + static_cast<unsigned char>(body.at(0)));
        const auto c = m.data_coding == sms::data_coding_ucs2 ? sms::coding::ucs2 : sms::coding::gsm7;
        return sms::to_utf8(c, body).value_or("(undecodable)");
    }
    void wait_sim(std::size_t n) {
        run([&] { return sim->messages().size() >= n; });
    }
    // "2.0.0 NUMBER queued as ID ID" lines of a 250 reply: number -> ids.
    static std::map<std::string, std::vector<std::string>> queued(const std::string& reply) {
        std::map<std::string, std::vector<std::string>> out;
        std::istringstream in{reply};
        for (std::string l; std::getline(in, l);) {
            std::istringstream w{l};
            std::string code, number, q, as, id;
            w >> code >> number >> q >> as;
            if (q != "queued") continue;
            while (w >> id) out[number].push_back(id);
        }
        return out;
    }
};

// A raw TCP client for what smtplib would not do: stay silent, send junk.
// Writes are asynchronous: the node runs on the same thread, so a blocking
// write larger than the socket buffers would never finish.
struct raw_client {
    tcp::socket s;
    std::string got, outbox, writing;
    bool eof = false;
    std::array<char, 4096> buf{};
    raw_client(asio::io_context& io, std::uint16_t port) : s{io} {
        s.connect({asio::ip::make_address("127.0.0.1"), port});
        read();
    }
    void send(const std::string& data) {
        outbox += data;
        if (writing.empty()) flush();
    }
    void flush() {
        if (outbox.empty()) return;
        writing = std::move(outbox);
        outbox.clear();
        asio::async_write(s, asio::buffer(writing), [this](boost::system::error_code ec, std::size_t) {
            writing.clear();
            if (!ec) flush();
        });
    }
    void read() {
        s.async_read_some(asio::buffer(buf), [this](boost::system::error_code ec, std::size_t n) {
            if (ec) {
                eof = true;
                return;
            }
            got.append(buf.data(), n);
            read();
        });
    }
    bool has(std::string_view text) const { return got.find(text) != std::string::npos; }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(ehlo_advertises_the_extensions, smtp_node) {
    start_node();
    const auto r = run_client("features");
    const auto& f = step(r, "features").text;
    BOOST_TEST(f.find(R"(["size", "4096"])") != std::string::npos, f);
    BOOST_TEST(f.find(R"(["8bitmime", "")") != std::string::npos, f);
    BOOST_TEST(f.find(R"(["auth", " PLAIN"])") != std::string::npos, f); // smtplib keeps the space
    BOOST_TEST(f.find("starttls") == std::string::npos, f);
}

BOOST_FIXTURE_TEST_CASE(a_mail_becomes_one_sms_per_recipient, smtp_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("plain");
    const auto& p = step(r, "plain");
    BOOST_TEST_REQUIRE(p.code == 250, p.text);
    const auto ids = queued(p.text);
    BOOST_TEST_REQUIRE(ids.size() == 2u, p.text);
    wait_sim(2);
    std::map<std::string, const sim::received_message*> by_dest;
    for (const auto& m : sim->messages()) by_dest[m.destination] = &m;
    for (const auto* number : {"6591234567", "6591234568"}) {
        const auto* m = by_dest[number];
        BOOST_TEST_REQUIRE(m, number);
        BOOST_TEST(text_of(*m) == "Disk full\ndb1: 95% used\n.dotline"); // subject+body, dot unstuffed, no signature
        BOOST_TEST(m->data_coding == sms::data_coding_gsm7);
        BOOST_TEST(m->source == "Alerts");
        BOOST_TEST(m->source_ton == 5);
        BOOST_TEST(m->dest_ton == 1);
        // The 250 named our ids, stored as acme's messages before the answer.
        BOOST_TEST_REQUIRE(ids.at(number).size() == 1u);
        const auto stored_m = stored(ids.at(number).at(0), "acme");
        BOOST_TEST_REQUIRE(stored_m.has_value());
        BOOST_TEST(stored_m->account == "acme");
        BOOST_TEST(stored_m->route == "all");
    }
    BOOST_TEST(node->smtp()->stats().mails == 1u);
    BOOST_TEST(node->smtp()->stats().sms == 2u);
    const auto metrics = app::render_metrics(*node, nullptr);
    BOOST_TEST(metrics.find("\ntwinsms_smtp_mails_total 1\n") != std::string::npos, metrics);
    BOOST_TEST(metrics.find("\ntwinsms_smtp_sms_total 2\n") != std::string::npos, metrics);
    BOOST_TEST(metrics.find("\ntwinsms_smtp_sessions_total 1\n") != std::string::npos, metrics);
}

BOOST_FIXTURE_TEST_CASE(multipart_latin1_quoted_printable_goes_as_ucs2, smtp_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("multipart");
    BOOST_TEST_REQUIRE(step(r, "multipart").code == 250, step(r, "multipart").text);
    wait_sim(1);
    const auto& m = sim->messages().front();
    BOOST_TEST(m.destination == "6591234567");
    BOOST_TEST(m.data_coding == sms::data_coding_ucs2); // the degree sign is not in the GSM alphabet
    BOOST_TEST(text_of(m) == "Alerte: serveur arr\xC3\xAAt\xC3\xA9\nTemp\xC3\xA9rature 45\xC2\xB0" "C");
}

BOOST_FIXTURE_TEST_CASE(long_texts_go_in_parts_and_are_cut_to_max_parts, smtp_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("long");
    BOOST_TEST_REQUIRE(step(r, "long3").code == 250, step(r, "long3").text);
    BOOST_TEST_REQUIRE(step(r, "long_cut").code == 250, step(r, "long_cut").text);
    BOOST_TEST(queued(step(r, "long3").text).at("6591234567").size() == 3u);
    BOOST_TEST(queued(step(r, "long_cut").text).at("6591234568").size() == 4u);
    wait_sim(7);
    std::string three, four;
    unsigned n3 = 0, n4 = 0;
    for (const auto& m : sim->messages()) {
        BOOST_TEST((m.esm_class & sms::esm_class_udhi) != 0);
        (m.destination == "6591234567" ? three : four) += text_of(m);
        ++(m.destination == "6591234567" ? n3 : n4);
    }
    BOOST_TEST(n3 == 3u);
    BOOST_TEST(n4 == 4u);
    std::string want3;
    for (int i = 0; i < 40; ++i) want3 += "0123456789";
    BOOST_TEST(three == want3);
    BOOST_TEST(four.size() == 4u * 153);
    BOOST_TEST(four.ends_with("..."));
    BOOST_TEST(four.starts_with("abcdefghijabcdefghij"));
}

BOOST_AUTO_TEST_CASE(fit_text_cuts_at_a_character_to_fill_the_parts) {
    BOOST_TEST(app::fit_text("short", 1) == "short");
    BOOST_TEST(app::fit_text(std::string(160, 'a'), 1) == std::string(160, 'a'));      // exactly one SMS
    BOOST_TEST(app::fit_text(std::string(161, 'a'), 1) == std::string(157, 'a') + "..."); // 160 septets
    BOOST_TEST(app::fit_text(std::string(400, 'a'), 2) == std::string(303, 'a') + "..."); // 2 x 153
    std::string han;
    for (int i = 0; i < 100; ++i) han += "\xE4\xB8\xAD"; // U+4E2D: UCS-2, 70 in one SMS
    BOOST_TEST(app::fit_text(han, 1) == han.substr(0, 67 * 3) + "...");
    BOOST_TEST(app::fit_text(std::string(100'000, 'x'), 255).size() == 255u * 153);
    BOOST_TEST(app::fit_text("word   " + std::string(200, 'b'), 1).starts_with("word   bbb")); // spaces inside stay
    BOOST_TEST(app::fit_text(std::string(156, 'a') + "      " + std::string(10, 'b'), 1) == std::string(156, 'a') + "...");
}

BOOST_FIXTURE_TEST_CASE(refusals_and_the_node_keeps_serving, smtp_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("refusals");
    BOOST_TEST(step(r, "sender").code == 550);
    BOOST_TEST(step(r, "recipients:rcpt:6591234567@gmail.com").code == 550);
    BOOST_TEST(step(r, "recipients:rcpt:john@sms.example.com").code == 553);
    BOOST_TEST(step(r, "recipients:rcpt:1@sms.example.com").code == 553);
    BOOST_TEST(step(r, "recipients:rcpt:6591234564@sms.example.com").code == 452); // max_recipients 3
    BOOST_TEST(step(r, "recipients").code == 250);
    BOOST_TEST(queued(step(r, "recipients").text).size() == 3u);
    BOOST_TEST(step(r, "size_param").code == 552);
    BOOST_TEST(step(r, "too_big").code == 552);
    BOOST_TEST(step(r, "from_header").code == 550);
    BOOST_TEST(step(r, "noop").code == 250);
    wait_sim(3);
    // Only the three accepted recipients reached the carrier, and the node goes on.
    BOOST_TEST(run_client("plain").at(0).code == 250);
    wait_sim(5);
    BOOST_TEST(sim->messages().size() == 5u);
    auto e = node_fixture::client(); // SMPP too
    const auto a = request(*e, make_submit("447700900999", "smpp still works"));
    BOOST_TEST(a.status() == status::ok);
    wait_sim(6);
}

BOOST_FIXTURE_TEST_CASE(auth_plain_sends_as_the_authenticated_client, smtp_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("auth");
    BOOST_TEST(step(r, "login_wrong").code == 535);
    BOOST_TEST(step(r, "login").code == 235);
    const auto& m = step(r, "auth_mail");
    BOOST_TEST_REQUIRE(m.code == 250, m.text);
    const auto id = queued(m.text).at("6591234569").at(0);
    BOOST_TEST(stored(id, "secure").has_value());
    wait_sim(1);
    BOOST_TEST(text_of(sim->messages().front()) == "authenticated"); // body mode
    BOOST_TEST(sim->messages().front().source == "6580000000");
    BOOST_TEST(sim->messages().front().source_ton == 1);
}

BOOST_FIXTURE_TEST_CASE(the_accounts_throughput_limit_applies, smtp_node) {
    profiles.clients.at(0).account.tps = 0.001; // no refill within the test
    profiles.clients.at(0).account.burst = 3;
    start_node();
    wait_carriers_up();
    BOOST_TEST(step(run_client("plain"), "plain").code == 250); // 2 SMS of 3
    const auto again = step(run_client("plain"), "plain");       // 2 more: over the limit
    BOOST_TEST(again.code == 451, again.text);
    BOOST_TEST(again.text.find("throughput limit of account acme") != std::string::npos, again.text);
    BOOST_TEST(node->smtp()->stats().throttled == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_client_the_node_does_not_serve_now_is_deferred, smtp_node) {
    start_node();
    BOOST_REQUIRE(node->set_override("acme", false)); // as the pair does with a passive profile
    const auto r = step(run_client("plain"), "plain");
    BOOST_TEST(r.code == 451, r.text);
    BOOST_REQUIRE(node->set_override("acme", true));
    BOOST_TEST(step(run_client("plain"), "plain").code == 250);
}

BOOST_FIXTURE_TEST_CASE(a_reload_changes_who_may_send, smtp_node) {
    start_node();
    wait_carriers_up();
    raw_client before{io, smtp_port()}; // a session open across the reload keeps its rules
    run([&] { return before.has("220 "); });
    auto p = profiles;
    p.clients.at(0).smtp->allowed_senders = {"@other.example"};
    node->apply(p);
    BOOST_TEST(step(run_client("plain"), "plain").code == 550); // nagios@example.com is no longer allowed
    before.send("EHLO x\r\nMAIL FROM:<nagios@example.com>\r\nQUIT\r\n");
    run([&] { return before.eof; });
    BOOST_TEST(before.has("250 2.1.0 sender ok"), before.got);
}

BOOST_FIXTURE_TEST_CASE(max_sessions_refuses_with_421, smtp_node) {
    profiles.node.smtp->max_sessions = 2;
    start_node();
    raw_client a{io, smtp_port()}, b{io, smtp_port()};
    run([&] { return a.has("220 mx.test") && b.has("220 mx.test"); });
    raw_client c{io, smtp_port()};
    run([&] { return c.eof; });
    BOOST_TEST(c.got == "421 4.3.2 too many connections, try again later\r\n");
    BOOST_TEST(node->smtp()->session_stats().refused == 1u);
    a.send("QUIT\r\n");
    run([&] { return a.eof && node->smtp()->sessions() == 1; });
    BOOST_TEST(a.has("221 2.0.0"));
    raw_client d{io, smtp_port()};
    run([&] { return d.has("220 mx.test"); });
}

BOOST_FIXTURE_TEST_CASE(a_silent_client_is_dropped_after_the_command_timeout, smtp_node) {
    profiles.node.smtp->command_timeout = std::chrono::milliseconds(300);
    start_node();
    raw_client a{io, smtp_port()};
    run([&] { return a.eof; });
    BOOST_TEST(a.got == "220 mx.test ESMTP twinsms email to SMS\r\n421 4.4.2 mx.test timeout, closing\r\n");
    run([&] { return node->smtp()->sessions() == 0; });
    BOOST_TEST(node->smtp()->session_stats().timeouts == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_stalled_data_phase_ends_at_the_data_timeout, smtp_node) {
    profiles.node.smtp->command_timeout = std::chrono::seconds(60); // longer than run() waits
    profiles.node.smtp->data_timeout = std::chrono::milliseconds(300);
    start_node();
    raw_client a{io, smtp_port()};
    a.send("EHLO x\r\nMAIL FROM:<nagios@example.com>\r\nRCPT TO:<6591234567@sms.example.com>\r\nDATA\r\nSubject: x\r\n");
    run([&] { return a.eof; });
    BOOST_TEST(a.has("354 "));
    BOOST_TEST(a.got.ends_with("421 4.4.2 mx.test timeout, closing\r\n"), a.got);
    BOOST_TEST(sim->messages().empty());
}

BOOST_FIXTURE_TEST_CASE(long_lines_and_junk_are_answered_not_fatal, smtp_node) {
    start_node();
    wait_carriers_up();
    raw_client a{io, smtp_port()};
    a.send(std::string(100'000, 'A') + "\r\n");          // far beyond the 512-octet command line
    a.send(std::string("\x00\xff\x01 junk\r\n", 10));   // binary junk
    a.send("EHLO x\r\nMAIL FROM:<nagios@example.com>\r\nRCPT TO:<6591234567@sms.example.com>\r\nDATA\r\n");
    a.send("Subject: after junk\r\n\r\n" + std::string(2000, 'b') + "\r\n.\r\n"); // a 2000-octet text line: 500
    a.send("MAIL FROM:<nagios@example.com>\r\nRCPT TO:<6591234567@sms.example.com>\r\nDATA\r\nSubject: ok\r\n\r\nfine\r\n.\r\nQUIT\r\n");
    run([&] { return a.eof; });
    BOOST_TEST(a.got.find("500 5.5.2 line too long\r\n") != std::string::npos, a.got);
    BOOST_TEST(a.got.find("500 5.5.1 command not recognized\r\n") != std::string::npos, a.got);
    BOOST_TEST(a.got.find("500 5.5.2 line too long in the message") != std::string::npos, a.got);
    BOOST_TEST(a.got.find("250 2.0.0 OK 1 SMS for 1 recipient\r\n") != std::string::npos, a.got);
    BOOST_TEST(a.got.ends_with("221 2.0.0 mx.test closing\r\n"), a.got);
    wait_sim(1);
    BOOST_TEST(text_of(sim->messages().front()) == "ok\nfine");
}

// A self-signed certificate for 127.0.0.1, made with the openssl CLI.
struct test_cert {
    temp_dir dir;
    test_cert() {
        child_process p{{"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key(), "-out", cert()}};
        const auto& st = p.wait(std::chrono::seconds(60));
        BOOST_TEST_REQUIRE((st.exited && st.code == 0), p.describe());
    }
    std::string cert() const { return (dir.path / "cert.pem").string(); }
    std::string key() const { return (dir.path / "key.pem").string(); }
};

struct tls_node : smtp_node {
    test_cert c;
    tls_node() {
        profiles.node.tls = tls::server_settings{c.cert(), c.key(), {}, std::chrono::milliseconds(500)};
        profiles.node.smtp->starttls = true;
    }
};

BOOST_FIXTURE_TEST_CASE(starttls_then_auth_and_a_mail_under_tls, tls_node) {
    start_node();
    wait_carriers_up();
    const auto r = run_client("starttls", {c.cert()});
    BOOST_TEST(step(r, "before").text.find("\"starttls\"") != std::string::npos, step(r, "before").text);
    BOOST_TEST(step(r, "before").text.find("\"auth\"") == std::string::npos, step(r, "before").text);
    BOOST_TEST(step(r, "auth_in_the_clear").code == 538);
    BOOST_TEST(step(r, "starttls").code == 220);
    BOOST_TEST(step(r, "cipher").text.starts_with("TLSv1."), step(r, "cipher").text);
    BOOST_TEST(step(r, "after").text.find("\"auth\"") != std::string::npos, step(r, "after").text);
    BOOST_TEST(step(r, "after").text.find("\"starttls\"") == std::string::npos, step(r, "after").text);
    BOOST_TEST(step(r, "login").code == 235);
    BOOST_TEST_REQUIRE(step(r, "tls_mail").code == 250, step(r, "tls_mail").text);
    wait_sim(1);
    BOOST_TEST(text_of(sim->messages().front()) == "over TLS");
}

BOOST_FIXTURE_TEST_CASE(a_failed_handshake_closes_only_that_session, tls_node) {
    start_node();
    wait_carriers_up();
    // Commands sent in the clear behind STARTTLS are dropped, not run (RFC 3207 5);
    // then no handshake comes: closed after node.tls.handshake_timeout.
    raw_client a{io, smtp_port()};
    a.send("EHLO x\r\nSTARTTLS\r\nMAIL FROM:<nagios@example.com>\r\n");
    run([&] { return a.eof; });
    BOOST_TEST(a.got.ends_with("220 2.0.0 ready to start TLS\r\n"), a.got);
    BOOST_TEST(node->smtp()->session_stats().tls_failures == 1u);
    raw_client b{io, smtp_port()};
    b.send("EHLO x\r\nSTARTTLS\r\nthis is not a TLS ClientHello\r\n");
    run([&] { return b.eof; });
    BOOST_TEST(node->smtp()->session_stats().tls_failures == 2u);
    BOOST_TEST(step(run_client("plain"), "plain").code == 250); // the node goes on, in the clear too
}

BOOST_FIXTURE_TEST_CASE(stop_answers_idle_sessions_with_421, smtp_node) {
    start_node();
    raw_client a{io, smtp_port()};
    run([&] { return a.has("220 "); });
    stop_node();
    run([&] { return a.eof; });
    BOOST_TEST(a.got.ends_with("421 4.3.2 mx.test shutting down, try again later\r\n"), a.got);
}
