// What the admins read: the SMS text (one GSM 7-bit SMS, the suppressed
// count kept when the detail is cut), the email subject and body, and the
// RFC 5322 message the mailer uploads (headers, encoded subject, CRLF).
#define BOOST_TEST_MODULE alert_format
#include <boost/test/unit_test.hpp>

#include "alert/alerter.hpp"
#include "alert/mailer.hpp"

using namespace twinsms::alert;
using namespace std::chrono_literals;

namespace {
constexpr epoch_ms when = 1'767'323'045'123; // 2026-01-02T03:04:05.123Z
}

BOOST_AUTO_TEST_CASE(sms_text_reads_like_the_example) {
    BOOST_TEST(sms_text("site1", alert_kind::takeover, "of site2", "(peer dead 3.0s) epoch 4", 0) ==
               "twinsms site1: TAKEOVER of site2 (peer dead 3.0s) epoch 4");
    BOOST_TEST(sms_text("site1", alert_kind::link_trouble, "peer link", "", 3) ==
               "twinsms site1: LINK TROUBLE peer link (+3 suppressed)");
    BOOST_TEST(sms_text("site1", alert_kind::failback, "", "", 0) == "twinsms site1: FAILBACK");
}

BOOST_AUTO_TEST_CASE(sms_text_fits_one_sms_and_keeps_the_suppressed_count) {
    const std::string detail(400, 'x');
    auto t = sms_text("site1", alert_kind::takeover, "of site2", detail, 12);
    BOOST_TEST(gsm_septets(t) == 160u);
    BOOST_TEST(t.ends_with("... (+12 suppressed)"));
    BOOST_TEST(t.starts_with("twinsms site1: TAKEOVER of site2 xxx"));
    // Extension characters take two septets each.
    auto b = sms_text("site1", alert_kind::takeover, "", std::string(200, '['), 0);
    BOOST_TEST(gsm_septets(b) <= 160u);
    BOOST_TEST(gsm_septets(b) >= 159u);
    BOOST_TEST(b.ends_with("[..."));
}

BOOST_AUTO_TEST_CASE(sms_text_has_only_gsm_characters) {
    auto t = sms_text("site1", alert_kind::overflow_on, "queue `main`", "h\xC3\xB6he\tover\n5000", 0);
    BOOST_TEST(t == "twinsms site1: OVERFLOW ON queue 'main' h?he over 5000");
    BOOST_TEST(gsm_septets("a^{}\\[~]|b") == 18u);
}

BOOST_AUTO_TEST_CASE(iso8601_in_utc_with_milliseconds) {
    BOOST_TEST(iso8601_utc(when) == "2026-01-02T03:04:05.123Z");
    BOOST_TEST(iso8601_utc(0) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(alert_email_subject_and_body) {
    auto m = alert_email("site1", alert_kind::takeover, "of site2", "(peer dead 3.0s) epoch 4", 2, when);
    BOOST_TEST(m.subject == "[twinsms] site1: takeover of site2");
    BOOST_TEST(m.body.find("event:   takeover\n") != std::string::npos);
    BOOST_TEST(m.body.find("detail:  (peer dead 3.0s) epoch 4\n") != std::string::npos);
    BOOST_TEST(m.body.find("time:    2026-01-02T03:04:05.123Z (UTC)\n") != std::string::npos);
    BOOST_TEST(m.body.find("2 earlier alert(s) were suppressed") != std::string::npos);
    BOOST_TEST((m.date == std::chrono::system_clock::time_point{std::chrono::milliseconds{when}}));
    auto quiet = alert_email("site1", alert_kind::link_trouble, "peer link", "", 0, when);
    BOOST_TEST(quiet.subject == "[twinsms] site1: link trouble peer link");
    BOOST_TEST(quiet.body.find("suppressed") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bare_address_takes_the_angle_brackets) {
    BOOST_TEST(bare_address("twinsms <alerts@example.test>") == "alerts@example.test");
    BOOST_TEST(bare_address("  ops@example.test ") == "ops@example.test");
}

namespace {
twinsms::config::smtp_settings smtp() {
    twinsms::config::smtp_settings s;
    s.host = "mail.example.test";
    s.from = "twinsms <alerts@example.test>";
    s.to = {"ops@example.test", "noc@example.test"};
    return s;
}
bool only_crlf(const std::string& m) {
    for (std::size_t i = 0; i < m.size(); ++i)
        if (m[i] == '\n' && (i == 0 || m[i - 1] != '\r')) return false;
    return true;
}
} // namespace

BOOST_AUTO_TEST_CASE(message_has_the_rfc5322_headers_and_crlf_lines) {
    email e{"[twinsms] site1: takeover of site2", "line one\nline two\r\n.dot line\rlast", {}};
    e.date = std::chrono::system_clock::time_point{std::chrono::milliseconds{when}};
    const auto m = format_message(smtp(), e, "123.1@example.test");
    BOOST_TEST(m.starts_with("From: twinsms <alerts@example.test>\r\n"
                             "To: ops@example.test, noc@example.test\r\n"
                             "Subject: [twinsms] site1: takeover of site2\r\n"
                             "Date: Fri, 02 Jan 2026 03:04:05 +0000\r\n"
                             "Message-ID: <123.1@example.test>\r\n"
                             "MIME-Version: 1.0\r\n"
                             "Content-Type: text/plain; charset=utf-8\r\n"
                             "Content-Transfer-Encoding: 7bit\r\n\r\n"));
    BOOST_TEST(m.ends_with("\r\n\r\nline one\r\nline two\r\n.dot line\r\nlast\r\n")); // unstuffed: curl stuffs
    BOOST_TEST(only_crlf(m));
}

BOOST_AUTO_TEST_CASE(non_ascii_subject_is_encoded_and_header_injection_is_flattened) {
    email e{"Übernahme von site2\r\nBcc: evil@example.test", "Grüße\n", {}};
    const auto m = format_message(smtp(), e, "x@y");
    BOOST_TEST(m.find("Subject: =?utf-8?B?") != std::string::npos);
    BOOST_TEST(m.find("\r\nBcc:") == std::string::npos);
    BOOST_TEST(m.find("Content-Transfer-Encoding: 8bit\r\n") != std::string::npos);
    BOOST_TEST(m.find("\r\n\r\nGr\xC3\xBC\xC3\x9F" "e\r\n") != std::string::npos);
    // Long non-ASCII subjects fold into several encoded words of <= 75 characters.
    std::string longer;
    for (int i = 0; i < 30; ++i) longer += "\xC3\xBC"; // 60 bytes
    const auto f = format_message(smtp(), email{longer, "b", {}}, "x@y");
    BOOST_TEST(f.find("?=\r\n =?utf-8?B?") != std::string::npos);
}
