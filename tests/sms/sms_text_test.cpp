#define BOOST_TEST_MODULE sms_text
// Text to SMS: the coding chosen, the septets / units / octets, the parts
// with their concatenation header, and every edge (exact limits, escape
// and surrogate pairs at a part boundary, empty text, 255 parts, invalid
// UTF-8). Cross-checked with route/parts.hpp, which counts what the node
// charges and parses the headers we write.
#include <boost/test/unit_test.hpp>

#include <string>

#include "route/parts.hpp"
#include "sms/sms_text.hpp"

using namespace twinsms;
using namespace twinsms::sms;

namespace twinsms::sms {
std::ostream& operator<<(std::ostream& o, coding c) { return o << to_string(c); }
} // namespace twinsms::sms

namespace {

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

encoded must_encode(std::string_view utf8, text_coding c = text_coding::automatic) {
    auto r = encode_text(utf8, c);
    BOOST_TEST_REQUIRE(bool(r), "encode failed: " << r.error.message);
    return *r.value;
}

message_parts must_split(const encoded& e, std::uint8_t ref = 0x42) {
    auto r = split(e, ref);
    BOOST_TEST_REQUIRE(bool(r), "split failed: " << r.error.message);
    BOOST_TEST(count_parts(e) == r->count());
    return *r.value;
}

message_parts parts_of(std::string_view utf8, std::uint8_t ref = 0x42) { return must_split(must_encode(utf8), ref); }

std::string payload(const message_parts& p, std::size_t i) {
    const auto& sm = p.short_messages.at(i);
    return p.count() == 1 ? sm : sm.substr(udh_concat_length);
}

std::size_t units_of(const message_parts& p, std::size_t i) {
    const auto n = payload(p, i).size();
    return p.c == coding::ucs2 ? n / 2 : n;
}

// Every part of a concatenated message carries 05 00 03 ref total seq, which
// route::udh_part reads back, and the payloads put together are the message.
void check_concatenation(const message_parts& p, const encoded& e, std::uint8_t ref) {
    BOOST_TEST(p.esm_class == esm_class_udhi);
    std::string joined;
    for (std::size_t i = 0; i < p.count(); ++i) {
        const auto& sm = p.short_messages[i];
        BOOST_TEST_REQUIRE(sm.size() > udh_concat_length);
        BOOST_TEST(sm.substr(0, 3) == std::string("\x05\x00\x03", 3));
        const auto part = route::udh_part(sm);
        BOOST_TEST_REQUIRE(part.has_value());
        BOOST_TEST(part->ref == ref);
        BOOST_TEST(part->total == p.count());
        BOOST_TEST(part->seq == i + 1);
        BOOST_TEST((part->source == route::part_source::udh8));
        // What the node charges for each part as a submit_sm: one SMS.
        smpp::submit_sm s;
        s.esm_class = p.esm_class;
        s.data_coding = p.data_coding;
        s.short_message = sm;
        BOOST_TEST(route::count_parts(s) == 1u);
        BOOST_TEST(units_of(p, i) <= limits_of(p.c).part);
        BOOST_TEST(sm.size() <= 254u); // fits short_message
        joined += payload(p, i);
    }
    BOOST_TEST(joined == e.data);
}

} // namespace

BOOST_AUTO_TEST_CASE(plain_ascii_is_gsm_one_septet_per_octet) {
    const auto e = must_encode("Hello, world 123!");
    BOOST_TEST(e.c == coding::gsm7);
    BOOST_TEST(e.data == "Hello, world 123!"); // these septets equal ASCII
    const auto p = must_split(e);
    BOOST_TEST(p.count() == 1u);
    BOOST_TEST(p.esm_class == 0);
    BOOST_TEST(p.data_coding == 0x00);
    BOOST_TEST(p.short_messages[0] == e.data);
}

BOOST_AUTO_TEST_CASE(every_gsm_character_round_trips) {
    // The whole basic table (all but the escape) and the extension table.
    const std::string basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                              "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    const auto e = must_encode(basic, text_coding::gsm7);
    BOOST_TEST(e.units() == 127u);
    for (std::size_t i = 0; i < e.data.size(); ++i) {
        const auto s = static_cast<std::uint8_t>(e.data[i]);
        BOOST_TEST(s == (i < 0x1B ? i : i + 1)); // in table order, skipping 0x1B
    }
    BOOST_TEST(to_utf8(coding::gsm7, e.data).value_or("") == basic);

    const std::string ext = "\f^{}\\[~]|€";
    const auto x = must_encode(ext, text_coding::gsm7);
    BOOST_TEST(x.units() == 20u); // two septets each
    BOOST_TEST(x.data == std::string("\x1B\x0A\x1B\x14\x1B\x28\x1B\x29\x1B\x2F\x1B\x3C\x1B\x3D\x1B\x3E\x1B\x40\x1B\x65", 20));
    BOOST_TEST(to_utf8(coding::gsm7, x.data).value_or("") == ext);
    BOOST_TEST(in_gsm_extension(U'€'));
    BOOST_TEST(!in_gsm_basic(U'€'));
}

BOOST_AUTO_TEST_CASE(lookalikes_outside_the_alphabet_need_ucs2) {
    // ç (only capital Ç is in the table), backtick, tab, a Greek capital A
    // that looks like Latin A: none is GSM.
    for (const char* t : {"ça", "`", "a\tb", "Α"}) {
        const auto e = must_encode(t);
        BOOST_TEST(e.c == coding::ucs2, t);
        auto forced = encode_text(t, text_coding::gsm7);
        BOOST_TEST(!forced);
        BOOST_TEST((forced.error.code == text_errc::not_gsm));
    }
}

BOOST_AUTO_TEST_CASE(exactly_160_septets_is_one_sms_161_is_two) {
    const auto one = parts_of(repeat("a", 160));
    BOOST_TEST(one.count() == 1u);
    BOOST_TEST(one.esm_class == 0);
    BOOST_TEST(one.short_messages[0].size() == 160u);

    const auto e = must_encode(repeat("a", 161));
    const auto two = must_split(e, 7);
    BOOST_TEST(two.count() == 2u);
    BOOST_TEST(units_of(two, 0) == 153u);
    BOOST_TEST(units_of(two, 1) == 8u);
    BOOST_TEST(two.short_messages[0].substr(0, 6) == std::string("\x05\x00\x03\x07\x02\x01", 6));
    BOOST_TEST(two.short_messages[1].substr(0, 6) == std::string("\x05\x00\x03\x07\x02\x02", 6));
    check_concatenation(two, e, 7);

    // 306 septets fill two parts exactly, 307 need a third.
    BOOST_TEST(parts_of(repeat("a", 306)).count() == 2u);
    BOOST_TEST(parts_of(repeat("a", 307)).count() == 3u);
}

BOOST_AUTO_TEST_CASE(extension_characters_count_two_septets_against_the_limit) {
    // 158 + € = 160 septets: one SMS; 159 + € = 161: two.
    const auto fits = parts_of(repeat("a", 158) + "€");
    BOOST_TEST(fits.count() == 1u);
    BOOST_TEST(fits.units == 160u);
    const auto over = parts_of(repeat("a", 159) + "€");
    BOOST_TEST(over.count() == 2u);
    BOOST_TEST(over.units == 161u);
    // 80 extension characters are 160 septets: one SMS.
    BOOST_TEST(parts_of(repeat("[", 80)).count() == 1u);
    BOOST_TEST(parts_of(repeat("[", 81)).count() == 2u);
}

BOOST_AUTO_TEST_CASE(an_escape_pair_is_never_split_at_a_part_boundary) {
    // 152 septets then €: the pair would take septets 153 and 154, so the
    // first part stops at 152 and the second starts with the escape.
    const auto e = must_encode(repeat("a", 152) + "€" + repeat("b", 20));
    const auto p = must_split(e, 1);
    BOOST_TEST(p.count() == 2u);
    BOOST_TEST(units_of(p, 0) == 152u);
    BOOST_TEST(payload(p, 1).substr(0, 2) == "\x1B\x65");
    BOOST_TEST(static_cast<std::uint8_t>(payload(p, 0).back()) != gsm_escape);
    check_concatenation(p, e, 1);

    // 151 septets then €: the pair ends exactly at 153, no shortening.
    const auto e2 = must_encode(repeat("a", 151) + "€" + repeat("b", 20));
    const auto p2 = must_split(e2, 1);
    BOOST_TEST(units_of(p2, 0) == 153u);
    BOOST_TEST(payload(p2, 0).substr(151) == "\x1B\x65");
    check_concatenation(p2, e2, 1);

    // All extension characters: every part holds 76 pairs (152 septets).
    const auto e3 = must_encode(repeat("€", 200));
    const auto p3 = must_split(e3, 9);
    for (std::size_t i = 0; i + 1 < p3.count(); ++i) BOOST_TEST(units_of(p3, i) == 152u);
    BOOST_TEST(p3.count() == 3u); // 400 septets: 152 + 152 + 96
    check_concatenation(p3, e3, 9);
    BOOST_TEST(to_utf8(coding::gsm7, e3.data).value_or("") == repeat("€", 200));
}

BOOST_AUTO_TEST_CASE(ucs2_limits_are_70_and_67_units) {
    const auto one = parts_of(repeat("中", 70));
    BOOST_TEST((one.c == coding::ucs2));
    BOOST_TEST(one.data_coding == 0x08);
    BOOST_TEST(one.count() == 1u);
    BOOST_TEST(one.short_messages[0].size() == 140u);
    BOOST_TEST(one.short_messages[0].substr(0, 2) == "\x4E\x2D"); // U+4E2D big-endian

    const auto e = must_encode(repeat("中", 71));
    const auto two = must_split(e, 200);
    BOOST_TEST(two.count() == 2u);
    BOOST_TEST(units_of(two, 0) == 67u);
    BOOST_TEST(units_of(two, 1) == 4u);
    check_concatenation(two, e, 200);

    // One character outside GSM makes the whole text UCS-2: 70 Latin letters
    // plus one Chinese character is 71 units.
    const auto mixed = parts_of(repeat("a", 69) + "中");
    BOOST_TEST((mixed.c == coding::ucs2));
    BOOST_TEST(mixed.count() == 1u);
    BOOST_TEST(parts_of(repeat("a", 70) + "中").count() == 2u);
}

BOOST_AUTO_TEST_CASE(characters_outside_the_bmp_are_surrogate_pairs_of_two_units) {
    const auto e = must_encode("😀"); // U+1F600
    BOOST_TEST((e.c == coding::ucs2));
    BOOST_TEST(e.data == std::string("\xD8\x3D\xDE\x00", 4));
    BOOST_TEST(e.units() == 2u);
    BOOST_TEST(parts_of(repeat("😀", 35)).count() == 1u); // 70 units
    BOOST_TEST(parts_of(repeat("😀", 36)).count() == 2u); // 72 units
    BOOST_TEST(to_utf8(coding::ucs2, e.data).value_or("") == "😀");
}

BOOST_AUTO_TEST_CASE(a_surrogate_pair_is_never_split_at_a_part_boundary) {
    // 66 units then an emoji: its pair would be units 67 and 68.
    const auto e = must_encode(repeat("中", 66) + "😀" + repeat("中", 10));
    const auto p = must_split(e, 3);
    BOOST_TEST(p.count() == 2u);
    BOOST_TEST(units_of(p, 0) == 66u);
    BOOST_TEST(payload(p, 1).substr(0, 4) == std::string("\xD8\x3D\xDE\x00", 4));
    check_concatenation(p, e, 3);
    // Each part decodes on its own (no lone surrogate in either).
    BOOST_TEST(to_utf8(coding::ucs2, payload(p, 0)).has_value());
    BOOST_TEST(to_utf8(coding::ucs2, payload(p, 1)).has_value());

    // 65 units then the emoji: it ends exactly at 67.
    const auto e2 = must_encode(repeat("中", 65) + "😀" + repeat("中", 10));
    const auto p2 = must_split(e2, 3);
    BOOST_TEST(units_of(p2, 0) == 67u);
    check_concatenation(p2, e2, 3);

    // Emoji only: parts of 33 pairs (66 units).
    const auto e3 = must_encode(repeat("😀", 100));
    const auto p3 = must_split(e3, 4);
    for (std::size_t i = 0; i + 1 < p3.count(); ++i) BOOST_TEST(units_of(p3, i) == 66u);
    BOOST_TEST(p3.count() == 4u); // 200 units: 66 + 66 + 66 + 2
    check_concatenation(p3, e3, 4);
}

BOOST_AUTO_TEST_CASE(empty_text_is_one_empty_gsm_sms) {
    const auto e = must_encode("");
    BOOST_TEST((e.c == coding::gsm7));
    const auto p = must_split(e);
    BOOST_TEST(p.count() == 1u);
    BOOST_TEST(p.short_messages[0].empty());
    BOOST_TEST(p.esm_class == 0);
    BOOST_TEST(route::parts_for_length(0, route::air_coding::gsm7) == 1u);
}

BOOST_AUTO_TEST_CASE(at_most_255_parts) {
    const auto gsm = must_encode(repeat("a", 255 * 153));
    const auto p = must_split(gsm, 5);
    BOOST_TEST(p.count() == 255u);
    check_concatenation(p, gsm, 5);
    BOOST_TEST(p.short_messages.back()[4] == '\xFF');
    BOOST_TEST(p.short_messages.back()[5] == '\xFF');

    const auto over = must_encode(repeat("a", 255 * 153 + 1));
    auto r = split(over, 5);
    BOOST_TEST(!r);
    BOOST_TEST((r.error.code == text_errc::too_long));
    BOOST_TEST(!r.error.message.empty());
    BOOST_TEST(count_parts(over) == 0u);

    BOOST_TEST(parts_of(repeat("中", 255 * 67)).count() == 255u);
    BOOST_TEST(!split(must_encode(repeat("中", 255 * 67 + 1)), 0));
    BOOST_TEST(must_split(encode_binary(std::string(255 * 134, '\x01'))).count() == 255u);
    BOOST_TEST(!split(encode_binary(std::string(255 * 134 + 1, '\x01')), 0));
}

BOOST_AUTO_TEST_CASE(binary_limits_are_140_and_134_octets) {
    const std::string octets(140, '\xAB');
    const auto one = must_split(encode_binary(octets));
    BOOST_TEST(one.count() == 1u);
    BOOST_TEST(one.data_coding == 0x04);
    BOOST_TEST(one.short_messages[0] == octets);

    const auto e = encode_binary(std::string(141, '\x1B')); // an escape value means nothing in binary
    const auto two = must_split(e, 11);
    BOOST_TEST(two.count() == 2u);
    BOOST_TEST(units_of(two, 0) == 134u);
    BOOST_TEST(units_of(two, 1) == 7u);
    check_concatenation(two, e, 11);
    BOOST_TEST(!to_utf8(coding::binary, e.data).has_value());
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_an_error_with_its_offset) {
    struct bad {
        std::string text;
        std::size_t offset;
    };
    const std::vector<bad> cases{
        {"ab\x80", 2},              // a lone continuation byte
        {"a\xC3", 1},               // truncated two-byte sequence
        {"\xE4\xB8", 0},            // truncated three-byte sequence
        {"xy\xC0\x80", 2},          // overlong NUL
        {"\xE0\x80\xAF", 0},        // overlong '/'
        {"ok\xED\xA0\x80", 2},      // a UTF-16 surrogate encoded in UTF-8
        {"\xF4\x90\x80\x80", 0},    // above U+10FFFF
        {"\xF5\x80\x80\x80", 0},    // never a lead byte
        {"abc\xC3(", 3},            // a continuation that is not one
        {"\xFF", 0},
    };
    for (const auto& c : cases) {
        for (auto choice : {text_coding::automatic, text_coding::gsm7, text_coding::ucs2}) {
            const auto r = encode_text(c.text, choice);
            BOOST_TEST_REQUIRE(!r);
            BOOST_TEST((r.error.code == text_errc::invalid_utf8));
            BOOST_TEST(r.error.offset == c.offset);
            BOOST_TEST(r.error.message.find("byte " + std::to_string(c.offset)) != std::string::npos);
        }
    }
    BOOST_TEST(make_error_code(text_errc::invalid_utf8).message() == "invalid UTF-8");
}

BOOST_AUTO_TEST_CASE(forced_codings) {
    // gsm7 forced: the offset of the first character that does not fit.
    const auto r = encode_text("abc€dé中x", text_coding::gsm7);
    BOOST_TEST(!r);
    BOOST_TEST((r.error.code == text_errc::not_gsm));
    BOOST_TEST(r.error.offset == 9u); // a b c (3) € (3) d (1) é (2)
    BOOST_TEST(r.error.message.find("U+4E2D") != std::string::npos);
    // ucs2 forced on GSM-able text: UTF-16BE anyway.
    const auto u = must_encode("Hi€", text_coding::ucs2);
    BOOST_TEST((u.c == coding::ucs2));
    BOOST_TEST(u.data == std::string("\x00H\x00i\x20\xAC", 6));
}

BOOST_AUTO_TEST_CASE(part_counts_agree_with_route_parts_for_length) {
    // Without pairs at a boundary, the parts we make are what the node
    // charges for the same user data as one message_payload.
    for (std::size_t n : {0u, 1u, 152u, 153u, 154u, 159u, 160u, 161u, 306u, 307u, 459u, 460u, 1000u, 39015u}) {
        const auto e = must_encode(repeat("x", n));
        BOOST_TEST(count_parts(e) == route::parts_for_length(e.data.size(), route::air_coding::gsm7), "gsm " << n);
    }
    for (std::size_t n : {1u, 66u, 67u, 68u, 70u, 71u, 134u, 135u, 1000u}) {
        const auto e = must_encode(repeat("ж", n));
        BOOST_TEST(count_parts(e) == route::parts_for_length(e.data.size(), route::air_coding::ucs2), "ucs2 " << n);
    }
    for (std::size_t n : {1u, 134u, 140u, 141u, 268u, 269u, 5000u}) {
        const auto e = encode_binary(std::string(n, 'z'));
        BOOST_TEST(count_parts(e) == route::parts_for_length(n, route::air_coding::octets), "binary " << n);
    }
    // Our data codings read back as the air codings we meant.
    BOOST_TEST((route::coding_of(data_coding_gsm7) == route::air_coding::gsm7));
    BOOST_TEST((route::coding_of(data_coding_ucs2) == route::air_coding::ucs2));
    BOOST_TEST((route::coding_of(data_coding_binary) == route::air_coding::octets));
}

BOOST_AUTO_TEST_CASE(to_utf8_refuses_what_is_not_valid_in_the_coding) {
    BOOST_TEST(!to_utf8(coding::gsm7, "\x80").has_value());     // not a septet
    BOOST_TEST(!to_utf8(coding::gsm7, "a\x1B").has_value());    // escape at the end
    BOOST_TEST(!to_utf8(coding::gsm7, "\x1B\x41").has_value()); // unassigned extension code
    BOOST_TEST(!to_utf8(coding::ucs2, std::string(3, 'a')).has_value()); // odd length
    BOOST_TEST(!to_utf8(coding::ucs2, std::string("\xDE\x00", 2)).has_value());          // trail first
    BOOST_TEST(!to_utf8(coding::ucs2, std::string("\xD8\x3D\x00\x41", 4)).has_value());  // lead, no trail
    BOOST_TEST(to_utf8(coding::gsm7, std::string("\x00\x1B\x65", 3)).value_or("") == "@€");
}
