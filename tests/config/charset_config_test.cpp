#define BOOST_TEST_MODULE config_charset
// A carrier profile's charset key: values, defaults, its absence, and
// refusals with file:line:column.
#include <boost/test/unit_test.hpp>

#include "config/profiles_copy.hpp"

using namespace twinsms::config;
using twinsms::test::profiles_copy;
namespace sms = twinsms::sms;

namespace {
const std::string far_head = "carrier:\n  host: 127.0.0.1\n  port: 2779\n  system_id: a\n  password: b\n";
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_FIXTURE_TEST_CASE(values_and_defaults, profiles_copy) {
    write("carriers/far.yaml", far_head +
                                   "  charset:\n"
                                   "    default_alphabet: latin1\n"
                                   "    ucs2: false\n"
                                   "    message_payload: true\n"
                                   "    concatenation: sar\n"
                                   "    max_parts: 6\n"
                                   "    unrepresentable: replace\n");
    write("carriers/near.yaml", "carrier:\n  host: 127.0.0.1\n  port: 2780\n  system_id: c\n  password: d\n  charset: {}\n");
    const auto set = load_profiles(dir);
    const auto* f = set.carrier("far");
    BOOST_REQUIRE(f);
    BOOST_REQUIRE(f->charset);
    const auto& c = *f->charset;
    BOOST_TEST((c.default_alphabet == sms::alphabet::latin1));
    BOOST_TEST(!c.ucs2);
    BOOST_TEST(c.message_payload);
    BOOST_TEST((c.concat == sms::concatenation::sar));
    BOOST_TEST(c.max_parts == 6u);
    BOOST_TEST((c.other == sms::unrepresentable::replace));
    // An empty map is the defaults: GSM, UCS-2, no message_payload, 8-bit UDH, 255 parts.
    const auto* n = set.carrier("near");
    BOOST_REQUIRE(n);
    BOOST_REQUIRE(n->charset);
    BOOST_TEST((n->charset->default_alphabet == sms::alphabet::gsm));
    BOOST_TEST(n->charset->ucs2);
    BOOST_TEST(!n->charset->message_payload);
    BOOST_TEST((n->charset->concat == sms::concatenation::udh8));
    BOOST_TEST(n->charset->max_parts == 255u);
    BOOST_TEST((n->charset->other == sms::unrepresentable::refuse));
    for (const auto& other : set.carriers)
        if (other.name != "far" && other.name != "near") BOOST_TEST(!other.charset, other.name); // no key: as stored
}

BOOST_FIXTURE_TEST_CASE(udh16, profiles_copy) {
    write("carriers/far.yaml", far_head + "  charset: {concatenation: udh16}\n");
    const auto set = load_profiles(dir);
    BOOST_TEST((set.carrier("far")->charset->concat == sms::concatenation::udh16));
}

BOOST_FIXTURE_TEST_CASE(refusals_name_file_line_and_key, profiles_copy) {
    const auto carrier_error = [&](const std::string& body) {
        write("carriers/far.yaml", far_head + body);
        return error();
    };
    auto e = carrier_error("  charset: {default_alphabet: utf8}\n");
    BOOST_TEST(has(e, "far.yaml:6:31: carrier.charset.default_alphabet: expected one of gsm, latin1, ascii, got 'utf8'"), e);
    e = carrier_error("  charset:\n    ucs2: maybe\n");
    BOOST_TEST(has(e, "far.yaml:7:11: carrier.charset.ucs2: expected true or false"), e);
    e = carrier_error("  charset: {concatenation: udh8}\n");
    BOOST_TEST(has(e, "carrier.charset.concatenation: expected one of udh, udh16, sar, got 'udh8'"), e);
    e = carrier_error("  charset: {max_parts: 256}\n");
    BOOST_TEST(has(e, "far.yaml:6:24: carrier.charset.max_parts"), e);
    e = carrier_error("  charset: {max_parts: 0}\n");
    BOOST_TEST(has(e, "carrier.charset.max_parts"), e);
    e = carrier_error("  charset: {unrepresentable: replace}\n");
    BOOST_TEST(has(e, "carrier.charset.unrepresentable: replace is for a carrier that takes no UCS-2"), e);
    e = carrier_error("  charset: {alphabet: gsm}\n");
    BOOST_TEST(has(e, "far.yaml:6:13: carrier.charset.alphabet: unknown key"), e);
    e = carrier_error("  charset: gsm\n");
    BOOST_TEST(has(e, "far.yaml:6:12: carrier.charset: expected a mapping"), e);
    e = carrier_error("  kind: peer\n  charset: {ucs2: true}\n");
    BOOST_TEST(has(e, "carrier.charset: a peer link takes every message as this node routed it"), e);
}
