#define BOOST_TEST_MODULE config_policy
// quiet_hours on routes and clients, opt_out and credit on clients: values, and refusals (unknown
// zones, times that are not times, an empty window) with file:line:column.
#include <boost/test/unit_test.hpp>

#include "config/profiles_copy.hpp"

using namespace twinsms::config;
using twinsms::test::profiles_copy;

namespace {
const std::string gamma_head = "client:\n  system_id: gamma\n  password: pw\n";
const std::string routes_head = "routes:\n  - name: marketing\n    carriers: [backup]\n";
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_FIXTURE_TEST_CASE(route_and_client_windows, profiles_copy) {
    write("routes.yaml", routes_head + "    quiet_hours: {zone: Europe/London, from: \"21:00\", to: \"08:00\"}\n"
                                       "  - name: default\n    carriers: [backup]\n");
    write("clients/gamma.yaml", gamma_head + "  quiet_hours: {zone: America/New_York, from: \"12:30:15\", to: \"13:00\"}\n");
    const auto set = load_profiles(dir);
    BOOST_REQUIRE(set.routes.size() == 2u);
    const auto& q = set.routes[0].quiet_hours;
    BOOST_REQUIRE(q);
    BOOST_TEST(q->zone == "Europe/London");
    BOOST_TEST(q->from_s == 21u * 3600);
    BOOST_TEST(q->to_s == 8u * 3600);
    BOOST_TEST(!set.routes[1].quiet_hours);
    const auto* g = set.client("gamma");
    BOOST_REQUIRE(g);
    BOOST_REQUIRE(g->quiet_hours);
    BOOST_TEST(g->quiet_hours->from_s == 12u * 3600 + 30 * 60 + 15);
    BOOST_TEST(g->quiet_hours->to_s == 13u * 3600);
    BOOST_TEST(!set.client("acme")->quiet_hours);
}

BOOST_FIXTURE_TEST_CASE(refusals_name_file_line_and_key, profiles_copy) {
    const auto route_error = [&](const std::string& window) {
        write("routes.yaml", routes_head + "    quiet_hours: " + window + "\n");
        return error();
    };
    auto e = route_error("{zone: Europe/Londn, from: \"21:00\", to: \"08:00\"}");
    BOOST_TEST(has(e, "routes.yaml:4:25: routes[0].quiet_hours.zone: no time zone 'Europe/Londn' in the system's zoneinfo"), e);
    e = route_error("{zone: UTC, from: \"9:00\", to: \"17:00\"}");
    BOOST_TEST(has(e, "routes[0].quiet_hours.from: expected a time of day as HH:MM or HH:MM:SS, got '9:00'"), e);
    e = route_error("{zone: UTC, from: \"09:00\", to: \"24:00\"}");
    BOOST_TEST(has(e, "routes[0].quiet_hours.to: expected a time of day as HH:MM or HH:MM:SS (00:00 to 23:59:59)"), e);
    e = route_error("{zone: UTC, from: \"09:60\", to: \"10:00\"}");
    BOOST_TEST(has(e, "routes[0].quiet_hours.from: expected a time of day"), e);
    e = route_error("{zone: UTC, from: \"09:00\", to: \"09:00:00\"}");
    BOOST_TEST(has(e, "routes[0].quiet_hours.from: quiet hours from and to are the same time"), e);
    e = route_error("{zone: UTC, from: \"09:00\"}");
    BOOST_TEST(has(e, "routes[0].quiet_hours"), e);
    BOOST_TEST(has(e, "to"), e);
    e = route_error("{zone: UTC, from: \"09:00\", to: \"10:00\", days: [mon]}");
    BOOST_TEST(has(e, "routes[0].quiet_hours.days: unknown key"), e);

    write("routes.yaml", routes_head);
    write("clients/gamma.yaml", gamma_head + "  quiet_hours: {zone: Mars/Olympus, from: \"21:00\", to: \"08:00\"}\n");
    e = error();
    BOOST_TEST(has(e, "gamma.yaml:4:23: client.quiet_hours.zone: no time zone 'Mars/Olympus'"), e);
    write("clients/gamma.yaml", gamma_head + "  kind: peer\n  quiet_hours: {zone: UTC, from: \"21:00\", to: \"08:00\"}\n");
    e = error();
    BOOST_TEST(has(e, "client.quiet_hours: the other node holds its own clients' messages"), e);
}

BOOST_FIXTURE_TEST_CASE(opt_out_values_and_refusals, profiles_copy) {
    write("clients/gamma.yaml", gamma_head + "  opt_out: {stop: [stop, Arret], start: [reprise], enforce: false}\n");
    auto set = load_profiles(dir);
    const auto* g = set.client("gamma");
    BOOST_REQUIRE(g);
    BOOST_REQUIRE(g->opt_out);
    BOOST_TEST((g->opt_out->stop == std::vector<std::string>{"STOP", "ARRET"})); // kept upper case
    BOOST_TEST((g->opt_out->start == std::vector<std::string>{"REPRISE"}));
    BOOST_TEST(!g->opt_out->enforce);
    write("clients/gamma.yaml", gamma_head + "  opt_out: {}\n");
    set = load_profiles(dir);
    BOOST_REQUIRE(set.client("gamma")->opt_out);
    BOOST_TEST(set.client("gamma")->opt_out->enforce); // the defaults
    BOOST_TEST(set.client("gamma")->opt_out->stop.front() == "STOP");
    BOOST_TEST(!set.client("acme")->opt_out);

    const auto client_error = [&](const std::string& body) {
        write("clients/gamma.yaml", gamma_head + body);
        return error();
    };
    auto e = client_error("  opt_out: {stop: [\"stop now\"]}\n");
    BOOST_TEST(has(e, "gamma.yaml:4:20: client.opt_out.stop[0]: a keyword is one word, got 'stop now'"), e);
    e = client_error("  opt_out: {stop: []}\n");
    BOOST_TEST(has(e, "client.opt_out.stop: at least one keyword"), e);
    e = client_error("  opt_out: {start: [Stop]}\n");
    BOOST_TEST(has(e, "client.opt_out.start: 'STOP' is both a stop and a start keyword"), e);
    e = client_error("  opt_out: {enforce: maybe}\n");
    BOOST_TEST(has(e, "client.opt_out.enforce"), e);
    e = client_error("  opt_out: {keywords: [STOP]}\n");
    BOOST_TEST(has(e, "client.opt_out.keywords: unknown key"), e);
    e = client_error("  kind: peer\n  opt_out: {}\n");
    BOOST_TEST(has(e, "client.opt_out: the other node keeps its own clients' opt-out lists"), e);
}

BOOST_FIXTURE_TEST_CASE(credit_values_and_refusals, profiles_copy) {
    write("clients/gamma.yaml", gamma_head + "  credit: {mode: balance, price: 0.05, routes: {uk: 0.035}, refund_failures: true}\n");
    auto set = load_profiles(dir);
    const auto* g = set.client("gamma");
    BOOST_REQUIRE(g);
    BOOST_REQUIRE(g->credit);
    BOOST_TEST((g->credit->mode == credit_settings::kind::balance));
    BOOST_TEST(g->credit->price == 50'000);
    BOOST_TEST(g->credit->price_of("uk") == 35'000);
    BOOST_TEST(g->credit->price_of("other") == 50'000);
    BOOST_TEST(g->credit->refund_failures);
    write("clients/gamma.yaml", gamma_head + "  credit: {}\n");
    set = load_profiles(dir);
    BOOST_TEST((set.client("gamma")->credit->mode == credit_settings::kind::count));
    BOOST_TEST(set.client("gamma")->credit->price == credit_unit); // one SMS per part
    BOOST_TEST(!set.client("gamma")->credit->refund_failures);

    const auto client_error = [&](const std::string& body) {
        write("clients/gamma.yaml", gamma_head + body);
        return error();
    };
    auto e = client_error("  credit: {mode: balance}\n");
    BOOST_TEST(has(e, "gamma.yaml:4:11: client.credit: missing required key 'price'"), e);
    e = client_error("  credit: {mode: count, price: 2}\n");
    BOOST_TEST(has(e, "gamma.yaml:4:32: client.credit.price: a count has no price"), e);
    e = client_error("  credit: {mode: balance, price: 0.0000001}\n");
    BOOST_TEST(has(e, "client.credit.price: at most six decimals"), e);
    e = client_error("  credit: {mode: balance, price: -1}\n");
    BOOST_TEST(has(e, "client.credit.price"), e);
    e = client_error("  credit: {mode: prepaid}\n");
    BOOST_TEST(has(e, "client.credit.mode: expected one of count, balance"), e);
    e = client_error("  credit: {mode: balance, price: 1, routes: {uk: x}}\n");
    BOOST_TEST(has(e, "client.credit.routes.uk"), e);
    e = client_error("  kind: peer\n  credit: {}\n");
    BOOST_TEST(has(e, "client.credit: the other node charges its own clients"), e);
}
