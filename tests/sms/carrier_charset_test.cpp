#define BOOST_TEST_MODULE carrier_charset
// A stored message's user data as a carrier's charset key wants it: the
// alphabets (GSM 03.38 with its extension table, Latin-1, ASCII) and UCS-2
// both ways, the fallback to UCS-2 and the refusal, the part limits at
// their edges (160/153, 70/67, 140/134, the 16-bit header's 152), and the
// UDH and SAR layouts octet by octet, read back with route/parts.hpp.
#include <boost/test/unit_test.hpp>

#include <string>

#include "route/parts.hpp"
#include "sms/carrier_charset.hpp"
#include "sms/sms_decode.hpp"
#include "sms/sms_text.hpp"

using namespace twinsms;
using namespace twinsms::sms;

namespace {

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

carrier_charset charset(alphabet a, bool ucs2 = true, concatenation c = concatenation::udh8) {
    carrier_charset cs;
    cs.default_alphabet = a;
    cs.ucs2 = ucs2;
    cs.concat = c;
    return cs;
}

carrier_user_data must(const client_user_data& in, const carrier_charset& cs, std::uint16_t ref = 0x1234) {
    auto r = for_carrier(in, cs, ref);
    BOOST_TEST_REQUIRE(bool(r), "refused: " << r.refusal);
    return *r.value;
}

// The UTF-8 of what the carrier gets, read as it reads it: data_coding 0 in
// its default alphabet.
std::string text_of(const carrier_user_data& u, alphabet a, std::string_view ud) {
    std::uint8_t dc = u.data_coding;
    if (dc == 0 && a == alphabet::latin1) dc = 0x03;
    if (dc == 0 && a == alphabet::ascii) dc = 0x01;
    auto d = decode_text(ud, dc, false);
    BOOST_TEST_REQUIRE(d.has_value());
    BOOST_TEST(!d->lossy);
    return d->text;
}

std::string octets(std::initializer_list<int> l) {
    std::string s;
    for (int c : l) s += static_cast<char>(c);
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(gsm_text_to_a_gsm_carrier_is_unchanged) {
    const std::string sm = octets({0x00, 'H', 'i', 0x1B, 0x65}); // "@Hi€"
    const auto u = must({sm, 0x00, 0}, charset(alphabet::gsm));
    BOOST_TEST(u.data_coding == 0);
    BOOST_TEST(!u.udhi);
    BOOST_TEST(!u.payload);
    BOOST_REQUIRE(u.parts.size() == 1u);
    BOOST_TEST(u.parts[0] == sm);
}

BOOST_AUTO_TEST_CASE(gsm_extension_characters_to_latin1_and_back) {
    // € [ ] { } ~ ^ \ | in GSM: each after the 0x1B escape.
    const std::string utf8 = "\xE2\x82\xAC[]{}~^\\|";
    const auto gsm = encode_text(utf8, text_coding::gsm7);
    BOOST_REQUIRE(bool(gsm));
    BOOST_TEST(gsm->data.size() == 18u); // nine escape pairs
    // To a Latin-1 carrier: € is not in Latin-1, UCS-2 then.
    const auto u = must({gsm->data, 0x00, 0}, charset(alphabet::latin1));
    BOOST_TEST(u.data_coding == 0x08);
    BOOST_TEST(text_of(u, alphabet::latin1, u.parts[0]) == utf8);
    // Without €, Latin-1 takes them one octet each, and back to GSM they are escapes again.
    const std::string brackets = "[]{}~^\\|";
    const auto g2 = encode_text(brackets, text_coding::gsm7);
    const auto l = must({g2->data, 0x00, 0}, charset(alphabet::latin1));
    BOOST_TEST(l.data_coding == 0x00);
    BOOST_TEST(l.parts[0] == brackets);
    const auto back = must({l.parts[0], 0x03, 0}, charset(alphabet::gsm));
    BOOST_TEST(back.data_coding == 0x00);
    BOOST_TEST(back.parts[0] == g2->data);
}

BOOST_AUTO_TEST_CASE(latin1_to_gsm_maps_the_accents_and_the_at_sign) {
    const std::string latin1 = octets({'@', 0xE9, 0xE8, 0xFC, 0xA3, '$'}); // @éèü£$
    const auto u = must({latin1, 0x03, 0}, charset(alphabet::gsm));
    BOOST_TEST(u.data_coding == 0x00);
    BOOST_TEST(u.parts[0] == octets({0x00, 0x05, 0x04, 0x7E, 0x01, 0x02}));
    // And the GSM text to a Latin-1 carrier is the Latin-1 octets again, as data_coding 0.
    const auto l = must({u.parts[0], 0x00, 0}, charset(alphabet::latin1));
    BOOST_TEST(l.data_coding == 0x00);
    BOOST_TEST(l.parts[0] == latin1);
}

BOOST_AUTO_TEST_CASE(ucs2_stays_ucs2_where_taken_and_becomes_the_alphabet_where_not) {
    const std::string ucs2 = octets({0x00, 'O', 0x00, 'K', 0x00, 0xE9}); // "OKé"
    const auto kept = must({ucs2, 0x08, 0}, charset(alphabet::gsm));
    BOOST_TEST(kept.data_coding == 0x08);
    BOOST_TEST(kept.parts[0] == ucs2);
    const auto gsm = must({ucs2, 0x08, 0}, charset(alphabet::gsm, false));
    BOOST_TEST(gsm.data_coding == 0x00);
    BOOST_TEST(gsm.parts[0] == octets({'O', 'K', 0x05}));
    const auto latin1 = must({ucs2, 0x08, 0}, charset(alphabet::latin1, false));
    BOOST_TEST(latin1.parts[0] == octets({'O', 'K', 0xE9}));
}

BOOST_AUTO_TEST_CASE(a_character_outside_the_alphabet_goes_ucs2_or_is_refused) {
    const std::string ucs2 = octets({0x04, 0x1F, 0x00, '!'}); // "П!": Cyrillic, not in GSM (Π is Greek)
    const auto u = must({ucs2, 0x08, 0}, charset(alphabet::gsm));
    BOOST_TEST(u.data_coding == 0x08);
    auto r = for_carrier({ucs2, 0x08, 0}, charset(alphabet::gsm, false), 1);
    BOOST_TEST(!r);
    BOOST_TEST(r.refusal.find("U+041F") != std::string::npos);
    BOOST_TEST(r.refusal.find("gsm alphabet") != std::string::npos);
    // é is Latin-1 but not ASCII.
    auto a = for_carrier({octets({'c', 'a', 'f', 0xE9}), 0x03, 0}, charset(alphabet::ascii, false), 1);
    BOOST_TEST(!a);
    BOOST_TEST(a.refusal.find("U+00E9") != std::string::npos);
    // With unrepresentable: replace it is '?'.
    auto cs = charset(alphabet::ascii, false);
    cs.other = unrepresentable::replace;
    const auto q = must({octets({'c', 'a', 'f', 0xE9}), 0x03, 0}, cs);
    BOOST_TEST(q.parts[0] == "caf?");
    // The euro sign is GSM (an escape) but neither Latin-1 nor ASCII.
    const auto euro = must({octets({0x1B, 0x65}), 0x00, 0}, charset(alphabet::gsm, false));
    BOOST_TEST(euro.parts[0] == octets({0x1B, 0x65}));
}

BOOST_AUTO_TEST_CASE(binary_and_undecodable_octets_pass_untouched) {
    const std::string bin = octets({0x00, 0xFF, 0x80, 0x1B});
    const auto b = must({bin, 0x04, 0}, charset(alphabet::latin1, false));
    BOOST_TEST(b.data_coding == 0x04);
    BOOST_TEST(b.parts[0] == bin);
    // 0x80 is no GSM septet: the client's octets go as they came.
    const auto g = must({bin, 0x00, 0}, charset(alphabet::latin1, false));
    BOOST_TEST(g.data_coding == 0x00);
    BOOST_TEST(g.parts[0] == bin);
}

BOOST_AUTO_TEST_CASE(gsm_limits_160_then_153_a_part) {
    auto cs = charset(alphabet::gsm);
    BOOST_TEST(must({repeat("a", 160), 0, 0}, cs).parts.size() == 1u);
    const auto two = must({repeat("a", 161), 0, 0}, cs, 0x42);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(two.udhi);
    BOOST_TEST(two.parts[0] == octets({5, 0, 3, 0x42, 2, 1}) + repeat("a", 153));
    BOOST_TEST(two.parts[1] == octets({5, 0, 3, 0x42, 2, 2}) + repeat("a", 8));
    BOOST_TEST(must({repeat("a", 306), 0, 0}, cs).parts.size() == 2u);
    BOOST_TEST(must({repeat("a", 307), 0, 0}, cs).parts.size() == 3u);
    // An escape pair is never cut: 152 'a' then '€' leaves the € for part 2.
    const auto esc = must({repeat("a", 152) + octets({0x1B, 0x65}) + repeat("a", 10), 0, 0}, cs, 7);
    BOOST_REQUIRE(esc.parts.size() == 2u);
    BOOST_TEST(esc.parts[0].size() == 6u + 152u);
    BOOST_TEST(esc.parts[1].substr(6, 2) == octets({0x1B, 0x65}));
}

BOOST_AUTO_TEST_CASE(latin1_is_counted_as_gsm_160_then_153) {
    auto cs = charset(alphabet::latin1);
    BOOST_TEST(must({repeat("e", 160), 0x03, 0}, cs).parts.size() == 1u);
    const auto two = must({repeat("e", 161), 0x03, 0}, cs);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(two.parts[0].size() == 6u + 153u);
}

BOOST_AUTO_TEST_CASE(ucs2_limits_70_then_67_a_part) {
    auto cs = charset(alphabet::gsm);
    const auto unit = octets({0x04, 0x1F});
    BOOST_TEST(must({repeat(unit, 70), 0x08, 0}, cs).parts.size() == 1u);
    const auto two = must({repeat(unit, 71), 0x08, 0}, cs, 0x09);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(two.data_coding == 0x08);
    BOOST_TEST(two.parts[0] == octets({5, 0, 3, 9, 2, 1}) + repeat(unit, 67));
    BOOST_TEST(two.parts[1] == octets({5, 0, 3, 9, 2, 2}) + repeat(unit, 4));
    // A GSM text with one character outside it: the whole message in UCS-2, split at 67.
    const auto mixed = must({repeat("a", 100), 0x03, 0}, cs);
    BOOST_TEST(mixed.data_coding == 0x00); // still GSM
    const auto u = must({octets({0x00, 'a'}) + repeat(octets({0x00, 'a'}), 98) + octets({0x04, 0x1F}), 0x08, 0},
                        charset(alphabet::gsm));
    BOOST_TEST(u.data_coding == 0x08);
    BOOST_TEST(u.parts.size() == 2u); // 100 units: 67 + 33
}

BOOST_AUTO_TEST_CASE(binary_limits_140_then_134_a_part) {
    auto cs = charset(alphabet::gsm);
    BOOST_TEST(must({repeat("\x01", 140), 0x04, 0}, cs).parts.size() == 1u);
    const auto two = must({repeat("\x01", 141), 0x04, 0}, cs);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(two.parts[0].size() == 6u + 134u);
    BOOST_TEST(two.parts[1].size() == 6u + 7u);
}

BOOST_AUTO_TEST_CASE(udh16_header_and_its_shorter_parts) {
    auto cs = charset(alphabet::gsm, true, concatenation::udh16);
    const auto two = must({repeat("a", 161), 0, 0}, cs, 0xBEEF);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(two.udhi);
    BOOST_TEST(two.parts[0] == octets({6, 8, 4, 0xBE, 0xEF, 2, 1}) + repeat("a", 152));
    BOOST_TEST(two.parts[1] == octets({6, 8, 4, 0xBE, 0xEF, 2, 2}) + repeat("a", 9));
    const auto p = route::udh_part(two.parts[1]);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(p->ref == 0xBEEF);
    BOOST_TEST(p->total == 2);
    BOOST_TEST(p->seq == 2);
    BOOST_TEST((p->source == route::part_source::udh16));
    // UCS-2: 66 units a part.
    const auto u = must({repeat(octets({0x04, 0x1F}), 71), 0x08, 0}, cs, 1);
    BOOST_TEST(u.parts[0].size() == 7u + 132u);
}

BOOST_AUTO_TEST_CASE(sar_parts_carry_no_header) {
    auto cs = charset(alphabet::gsm, true, concatenation::sar);
    const auto two = must({repeat("a", 200), 0, 0}, cs, 0x0102);
    BOOST_REQUIRE(two.parts.size() == 2u);
    BOOST_TEST(!two.udhi);
    BOOST_TEST(two.sar);
    BOOST_TEST(two.ref == 0x0102);
    BOOST_TEST(two.parts[0] == repeat("a", 153));
    BOOST_TEST(two.parts[1] == repeat("a", 47));
    // One SMS needs no marking.
    const auto one = must({repeat("a", 160), 0, 0}, cs);
    BOOST_TEST(one.parts.size() == 1u);
}

BOOST_AUTO_TEST_CASE(message_payload_carriers_take_the_text_whole) {
    auto cs = charset(alphabet::gsm);
    cs.message_payload = true;
    const auto u = must({repeat("a", 400), 0, 0}, cs);
    BOOST_REQUIRE(u.parts.size() == 1u);
    BOOST_TEST(u.payload);
    BOOST_TEST(!u.udhi);
    BOOST_TEST(u.parts[0] == repeat("a", 400));
    // A short one is a plain short_message.
    BOOST_TEST(!must({repeat("a", 160), 0, 0}, cs).payload);
}

BOOST_AUTO_TEST_CASE(max_parts_refuses_longer_messages) {
    auto cs = charset(alphabet::gsm);
    cs.max_parts = 2;
    BOOST_TEST(must({repeat("a", 306), 0, 0}, cs).parts.size() == 2u);
    auto r = for_carrier({repeat("a", 307), 0, 0}, cs, 1);
    BOOST_TEST(!r);
    BOOST_TEST(r.refusal == "the message needs 3 SMS, the carrier takes at most 2");
    cs.message_payload = true;
    BOOST_TEST(!for_carrier({repeat("a", 307), 0, 0}, cs, 1));
}

BOOST_AUTO_TEST_CASE(a_clients_own_part_keeps_its_header) {
    const std::string udh = octets({5, 0, 3, 0x77, 2, 1});
    const std::string latin1 = octets({0xE9, 'a'});
    const auto u = must({udh + latin1, 0x03, 0x40}, charset(alphabet::gsm));
    BOOST_TEST(u.udhi);
    BOOST_REQUIRE(u.parts.size() == 1u);
    BOOST_TEST(u.parts[0] == udh + octets({0x05, 'a'}));
    // 153 septets after a 6-octet header fit; as UCS-2 they do not.
    const auto full = udh + repeat("a", 152) + octets({0xE9});
    BOOST_TEST(must({full, 0x03, 0x40}, charset(alphabet::gsm)).parts.size() == 1u);
    const auto cyr = udh + repeat(octets({0x00, 'a'}), 60) + octets({0x04, 0x1F});
    BOOST_TEST(must({cyr, 0x08, 0x40}, charset(alphabet::gsm)).parts.size() == 1u);
    auto r = for_carrier({udh + repeat("a", 153) + "\xE9", 0x03, 0x40}, charset(alphabet::gsm), 1);
    BOOST_TEST(!r);
    BOOST_TEST(r.refusal.find("no longer fits") != std::string::npos);
}
