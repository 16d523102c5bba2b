#define BOOST_TEST_MODULE config_addressing
// numbering, senders, sender_override and destinations of client and
// carrier profiles: values, defaults, and refusals with file:line:column.
#include <boost/test/unit_test.hpp>

#include "config/profiles_copy.hpp"

using namespace twinsms::config;
using twinsms::test::profiles_copy;

namespace {
const std::string gamma_head = "client:\n  system_id: gamma\n  password: pw\n";
const std::string far_head = "carrier:\n  host: 127.0.0.1\n  port: 2779\n  system_id: a\n  password: b\n";
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_FIXTURE_TEST_CASE(client_values_and_defaults, profiles_copy) {
    write("clients/gamma.yaml", gamma_head +
                                    "  numbering:\n"
                                    "    country: \"44\"\n"
                                    "    trunk: \"0\"\n"
                                    "    international: [\"+\", \"00\", \"011\"]\n"
                                    "    rewrite: [{prefix: \"9\", replacement: \"\"}, {prefix: \"0044\", replacement: \"44\"}]\n"
                                    "    short_codes: {max_digits: 5, ton: 0, npi: 1}\n"
                                    "    format: plus\n"
                                    "  senders:\n"
                                    "    allowed: [MyShop, \"447700900555\"]\n"
                                    "    prefixes: [\"4477009\"]\n"
                                    "    regex: \"Shop[0-9]\"\n"
                                    "    default: MyShop\n");
    const auto set = load_profiles(dir);
    const auto* g = set.client("gamma");
    BOOST_REQUIRE(g);
    BOOST_REQUIRE(g->numbering);
    const auto& n = *g->numbering;
    BOOST_TEST(n.country == "44");
    BOOST_TEST(n.trunk == "0");
    BOOST_TEST((n.international == std::vector<std::string>{"011", "00", "+"})); // longest first
    BOOST_REQUIRE(n.rewrites.size() == 2u);
    BOOST_TEST(n.rewrites[0].prefix == "0044"); // longest first
    BOOST_TEST(n.rewrites[1].replacement.empty());
    BOOST_TEST(n.short_code_max == 5u);
    BOOST_TEST(n.short_code_ton == 0);
    BOOST_TEST(n.short_code_npi == 1);
    BOOST_TEST((n.format == number_format::plus));
    BOOST_TEST(g->senders.allowed.size() == 2u);
    BOOST_TEST(g->senders.prefixes.front() == "4477009");
    BOOST_TEST(g->senders.regex.value_or("") == "Shop[0-9]");
    BOOST_TEST(g->senders.default_sender == "MyShop");
    const auto* acme = set.client("acme");
    BOOST_REQUIRE(acme);
    BOOST_TEST(!acme->numbering); // none: numbers pass as written
    BOOST_TEST(!acme->senders.restricted());
}

BOOST_FIXTURE_TEST_CASE(carrier_values, profiles_copy) {
    write("carriers/far.yaml", far_head +
                                   "  numbering: {country: \"44\", trunk: \"0\", format: national}\n"
                                   "  sender_override: TwinSMS\n"
                                   "  destinations: {allowed: [\"44\", \"353\"], denied: [\"4490\"]}\n");
    const auto set = load_profiles(dir);
    const auto* f = set.carrier("far");
    BOOST_REQUIRE(f);
    BOOST_REQUIRE(f->numbering);
    BOOST_TEST((f->numbering->format == number_format::national));
    BOOST_TEST(f->sender_override == "TwinSMS");
    BOOST_TEST((f->destinations.allowed == std::vector<std::string>{"44", "353"}));
    BOOST_TEST((f->destinations.denied == std::vector<std::string>{"4490"}));
}

BOOST_FIXTURE_TEST_CASE(client_refusals_name_file_line_and_key, profiles_copy) {
    const auto client_error = [&](const std::string& body) {
        write("clients/gamma.yaml", gamma_head + body);
        return error();
    };
    auto e = client_error("  numbering: {country: \"4x\"}\n");
    BOOST_TEST(has(e, "gamma.yaml:4:24: client.numbering.country: expected digits only"), e);
    e = client_error("  numbering: {trunk: \"0\"}\n");
    BOOST_TEST(has(e, "client.numbering.trunk: a trunk prefix needs the country code"), e);
    e = client_error("  numbering: {country: \"44\", format: national}\n");
    BOOST_TEST(has(e, "client.numbering.format: the national format needs country and trunk"), e);
    e = client_error("  numbering: {country: \"44\", trunk: \"0\", international: [\"0\"]}\n");
    BOOST_TEST(has(e, "client.numbering.trunk: the trunk prefix is also listed as international"), e);
    e = client_error("  numbering: {international: [\"+x\"]}\n");
    BOOST_TEST(has(e, "client.numbering.international[0]: expected a number prefix"), e);
    e = client_error("  numbering: {format: e164}\n");
    BOOST_TEST(has(e, "client.numbering.format: expected one of international, plus, national"), e);
    e = client_error("  numbering: {rewrite: [{prefix: \"9\", with: \"\"}]}\n");
    BOOST_TEST(has(e, "client.numbering.rewrite[0].with: unknown key"), e);
    e = client_error("  senders: {regex: \"Shop[\"}\n");
    BOOST_TEST(has(e, "gamma.yaml:4:20: client.senders.regex: not a valid regular expression"), e);
    e = client_error("  senders: {default: \"a-sender-of-more-than-20\"}\n");
    BOOST_TEST(has(e, "client.senders.default: a sender is at most 20 characters"), e);
    e = client_error("  senders: {allow: [x]}\n");
    BOOST_TEST(has(e, "client.senders.allow: unknown key"), e);
    e = client_error("  kind: peer\n  numbering: {country: \"44\"}\n");
    BOOST_TEST(has(e, "client.numbering: a peer link carries numbers as the other node routed them"), e);
}

BOOST_FIXTURE_TEST_CASE(carrier_refusals_name_file_line_and_key, profiles_copy) {
    const auto carrier_error = [&](const std::string& body) {
        write("carriers/far.yaml", far_head + body);
        return error();
    };
    auto e = carrier_error("  destinations: {allowed: [\"+44\"]}\n");
    BOOST_TEST(has(e, "far.yaml:6:28: carrier.destinations.allowed[0]: expected digits only"), e);
    e = carrier_error("  destinations: {blocked: [\"44\"]}\n");
    BOOST_TEST(has(e, "carrier.destinations.blocked: unknown key"), e);
    e = carrier_error("  sender_override: \"\"\n");
    BOOST_TEST(has(e, "carrier.sender_override"), e);
    e = carrier_error("  kind: peer\n  destinations: {allowed: [\"44\"]}\n");
    BOOST_TEST(has(e, "carrier.destinations: a peer link takes every message as this node routed it"), e);
}
