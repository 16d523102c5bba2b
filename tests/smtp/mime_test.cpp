#define BOOST_TEST_MODULE smtp_mime
// The text of an email for an SMS: headers (unfolding, RFC 2047 words),
// transfer encodings, charsets, multipart selection, signature stripping,
// and malformed input that must give a clear result, never a crash.
#include <boost/test/unit_test.hpp>

#include <string>

#include "smtp/mime.hpp"

using namespace twinsms::smtp::mime;

namespace {
std::string crlf(std::string_view s) { // test messages are written with \n
    std::string out;
    for (char c : s) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(headers_unfold_and_end_at_the_empty_line) {
    const auto m = crlf("Subject: a long\n  folded subject\nX-Empty:\nFrom: A <a@b.example>\n\nbody\nSubject: not a header\n");
    const auto h = parse_headers(m);
    BOOST_REQUIRE_EQUAL(h.headers.size(), 3u);
    BOOST_CHECK_EQUAL(*h.find("subject"), "a long  folded subject");
    BOOST_CHECK_EQUAL(*h.find("X-EMPTY"), "");
    BOOST_CHECK(!h.find("To"));
    BOOST_CHECK_EQUAL(m.substr(h.body_offset), crlf("body\nSubject: not a header\n"));
}

BOOST_AUTO_TEST_CASE(a_message_without_headers_is_all_body) {
    const auto h = parse_headers("just text, no colon here\nsecond line\n");
    BOOST_CHECK(h.headers.empty());
    BOOST_CHECK_EQUAL(h.body_offset, 0u);
    const auto m = parse_message("just text\n");
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "just text");
}

BOOST_AUTO_TEST_CASE(fields_with_quoted_parameters) {
    const auto f = parse_field(R"(Multipart/Alternative; BOUNDARY="a;b \"c\""; charset=UTF-8 ; junk)");
    BOOST_CHECK_EQUAL(f.value, "multipart/alternative");
    BOOST_REQUIRE(f.param("boundary"));
    BOOST_CHECK_EQUAL(*f.param("boundary"), "a;b c");
    BOOST_CHECK_EQUAL(*f.param("charset"), "UTF-8");
    BOOST_CHECK(!f.param("junk"));
}

BOOST_AUTO_TEST_CASE(base64_decoding_skips_line_breaks_and_stops_at_padding) {
    BOOST_CHECK_EQUAL(decode_base64("SGVs\r\nbG8s IHdv\ncmxk\n"), "Hello, world");
    BOOST_CHECK_EQUAL(decode_base64("YQ=="), "a");
    BOOST_CHECK_EQUAL(decode_base64("YWI="), "ab");
    BOOST_CHECK_EQUAL(decode_base64("YQ==YWJj"), "a"); // nothing after the padding
    BOOST_CHECK_EQUAL(decode_base64("!!!"), "");
    BOOST_CHECK_EQUAL(decode_base64(""), "");
}

BOOST_AUTO_TEST_CASE(quoted_printable_soft_breaks_hex_and_stray_equals) {
    BOOST_CHECK_EQUAL(decode_quoted_printable("caf=C3=A9 au =\r\nlait\r\nnext"), "caf\xC3\xA9 au lait\nnext");
    BOOST_CHECK_EQUAL(decode_quoted_printable("trailing   \r\nx=3d=3D"), "trailing\nx==");
    BOOST_CHECK_EQUAL(decode_quoted_printable("a=ZZb=4"), "a=ZZb=4"); // not hex: kept as written
    BOOST_CHECK_EQUAL(decode_quoted_printable("end="), "end");       // soft break at the very end
    BOOST_CHECK_EQUAL(decode_quoted_printable("=20\n"), " \n");        // an encoded space survives the trim
}

BOOST_AUTO_TEST_CASE(charsets) {
    BOOST_CHECK_EQUAL(*to_utf8("UTF-8", "\xE2\x82\xAC"), "\xE2\x82\xAC");
    BOOST_CHECK_EQUAL(*to_utf8("utf-8", "a\xFF" "b"), "a\xEF\xBF\xBD" "b"); // invalid byte: U+FFFD
    BOOST_CHECK_EQUAL(*to_utf8("ISO-8859-1", "caf\xE9"), "caf\xC3\xA9");
    BOOST_CHECK_EQUAL(*to_utf8("latin1", "\x80"), "\xC2\x80");              // a C1 control in latin1
    BOOST_CHECK_EQUAL(*to_utf8("windows-1252", "\x80"), "\xE2\x82\xAC");    // the euro sign in cp1252
    BOOST_CHECK_EQUAL(*to_utf8("us-ascii", "plain"), "plain");
    BOOST_CHECK_EQUAL(*to_utf8("\"us-ascii\"", "caf\xC3\xA9"), "caf\xC3\xA9"); // 8-bit "ascii" that is UTF-8
    BOOST_CHECK_EQUAL(*to_utf8("us-ascii", "caf\xE9"), "caf\xC3\xA9");         // ... or is not
    BOOST_CHECK(!to_utf8("koi8-r", "x"));
    BOOST_CHECK(!to_utf8("utf-16", "x"));
}

BOOST_AUTO_TEST_CASE(encoded_words_in_headers) {
    BOOST_CHECK_EQUAL(decode_header_value("=?UTF-8?B?Q2Fmw6k=?= open"), "Caf\xC3\xA9 open");
    BOOST_CHECK_EQUAL(decode_header_value("=?iso-8859-1?q?caf=E9_au_lait?="), "caf\xC3\xA9 au lait");
    // Whitespace between adjacent encoded words goes (RFC 2047 6.2), other whitespace stays.
    BOOST_CHECK_EQUAL(decode_header_value("=?utf-8?q?a?= =?utf-8?q?b?= c  d"), "ab c  d");
    BOOST_CHECK_EQUAL(decode_header_value("=?utf-8*en?q?lang?="), "lang");
    BOOST_CHECK_EQUAL(decode_header_value("=?x-unknown?q?kept?="), "=?x-unknown?q?kept?=");
    BOOST_CHECK_EQUAL(decode_header_value("=?utf-8?x?bad-encoding?="), "=?utf-8?x?bad-encoding?=");
    BOOST_CHECK_EQUAL(decode_header_value("=?broken"), "=?broken");
    BOOST_CHECK_EQUAL(decode_header_value("folded\r\n line"), "folded   line");
}

BOOST_AUTO_TEST_CASE(mailbox_addresses) {
    BOOST_CHECK_EQUAL(mailbox_address("Nagios Alerts <Nagios@Example.COM>"), "nagios@example.com");
    BOOST_CHECK_EQUAL(mailbox_address("\"Doe, <John>\" <j@x.example>"), "j@x.example");
    BOOST_CHECK_EQUAL(mailbox_address("j@x.example (John <Doe>)"), "j@x.example");
    BOOST_CHECK_EQUAL(mailbox_address("a@x.example, b@y.example"), "a@x.example");
    BOOST_CHECK_EQUAL(mailbox_address("undisclosed-recipients:;"), "");
    BOOST_CHECK_EQUAL(mailbox_address("<unclosed@x"), "");
}

BOOST_AUTO_TEST_CASE(clean_text_drops_the_signature_and_blank_edges) {
    BOOST_CHECK_EQUAL(clean_text("\r\n\r\nDisk full  \r\non db1\r\n\r\n-- \r\nNagios\r\nline\r\n"), "Disk full\non db1");
    BOOST_CHECK_EQUAL(clean_text("keep --\n--\n--  \nall"), "keep --\n--\n--\nall"); // only "-- " exactly
    BOOST_CHECK_EQUAL(clean_text("-- \nonly a signature"), "");
    BOOST_CHECK_EQUAL(clean_text("old\rmac"), "old\nmac");
}

BOOST_AUTO_TEST_CASE(a_plain_message) {
    const auto m = parse_message(crlf(
        "From: Ops <ops@example.com>\nSubject: =?utf-8?q?Disk_=E2=82=AC?=\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: quoted-printable\n\nFree: 1=\n0%\n--=20\nsig\n")); // "-- " as mailers encode it
    BOOST_CHECK_EQUAL(m.from, "ops@example.com");
    BOOST_CHECK_EQUAL(m.subject, "Disk \xE2\x82\xAC");
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "Free: 10%");
}

BOOST_AUTO_TEST_CASE(base64_latin1_body) {
    // "Température élevée" in latin1, base64.
    const auto m = parse_message(crlf("Content-Type: text/plain; charset=\"ISO-8859-1\"\nContent-Transfer-Encoding: BASE64\n\n"
                                      "VGVtcOlyYXR1cmUg6Wxldull\n"));
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "Temp\xC3\xA9rature \xC3\xA9lev\xC3\xA9" "e");
}

BOOST_AUTO_TEST_CASE(multipart_alternative_takes_the_plain_part) {
    const auto m = parse_message(crlf(
        "Subject: alt\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"XX\"\n\n"
        "preamble\n--XX\nContent-Type: text/html\n\n<p>html</p>\n--XX\nContent-Type: text/plain; charset=us-ascii\n\n"
        "plain text\n--XX--\nepilogue\n"));
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "plain text");
}

BOOST_AUTO_TEST_CASE(nested_multipart_skips_attachments) {
    const auto m = parse_message(crlf(
        "Content-Type: multipart/mixed; boundary=outer\n\n"
        "--outer\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nattached\n"
        "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
        "--inner\nContent-Type: text/html\n\n<b>x</b>\n--inner\nContent-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\nbmVzdGVkIHRleHQ=\n--inner--\n"
        "--outer--\n"));
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "nested text");
}

BOOST_AUTO_TEST_CASE(html_only_has_no_body_and_no_error) {
    const auto m = parse_message(crlf("Subject: s\nContent-Type: text/html\n\n<p>x</p>\n"));
    BOOST_CHECK(!m.body);
    BOOST_CHECK(m.body_error.empty());
    BOOST_CHECK_EQUAL(m.subject, "s");
}

BOOST_AUTO_TEST_CASE(unreadable_bodies_say_why) {
    const auto a = parse_message(crlf("Content-Type: text/plain; charset=koi8-r\n\nx\n"));
    BOOST_CHECK(!a.body);
    BOOST_CHECK_EQUAL(a.body_error, "charset 'koi8-r' is not supported");
    const auto b = parse_message(crlf("Content-Type: multipart/mixed\n\n--x\n\ntext\n"));
    BOOST_CHECK(!b.body);
    BOOST_CHECK_EQUAL(b.body_error, "multipart without a boundary");
}

BOOST_AUTO_TEST_CASE(a_missing_close_delimiter_ends_at_the_end) {
    const auto m = parse_message(crlf("Content-Type: multipart/alternative; boundary=b\n\n--b\n\nunterminated\n"));
    BOOST_REQUIRE(m.body);
    BOOST_CHECK_EQUAL(*m.body, "unterminated");
}

BOOST_AUTO_TEST_CASE(deep_nesting_stops) {
    std::string msg;
    for (unsigned i = 0; i <= max_depth + 1; ++i)
        msg += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\n\n--b" + std::to_string(i) + "\n";
    msg += "Content-Type: text/plain\n\ndeep\n";
    const auto m = parse_message(msg);
    BOOST_CHECK(!m.body);
    BOOST_CHECK_EQUAL(m.body_error, "multipart nested too deep");
}

BOOST_AUTO_TEST_CASE(garbage_never_crashes) {
    // Every prefix of a tricky message parses to something.
    const auto full = crlf("Content-Type: multipart/alternative; boundary=\"q\"\nSubject: =?utf-8?B?w6k=?=\n\n--q\n"
                           "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n=C3=\n--q--\n");
    for (std::size_t n = 0; n <= full.size(); ++n) {
        const auto m = parse_message(std::string_view{full}.substr(0, n));
        if (m.body) BOOST_CHECK(m.body->size() <= full.size());
    }
    BOOST_CHECK(parse_message(std::string(1000, '\n')).body == std::optional<std::string>{""});
}
