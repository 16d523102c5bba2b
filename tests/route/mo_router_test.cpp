// mo_router: MO rules in order, keyword on the first word of the text.
#include <boost/test/unit_test.hpp>

#include "route/mo_router.hpp"

using namespace twinsms;
using namespace twinsms::route;
using config::mo_rule;

namespace {

mo_rule mo(std::string name, std::string client) {
    mo_rule r;
    r.name = std::move(name);
    r.client = std::move(client);
    return r;
}

std::string routed(const mo_router& m, const mo_request& r) {
    return std::string{m.route(r).value_or("(none)")};
}

} // namespace

BOOST_AUTO_TEST_SUITE(mo_routing)

BOOST_AUTO_TEST_CASE(first_word) {
    BOOST_TEST(route::first_word("  STOP now") == "STOP");
    BOOST_TEST(route::first_word("\r\n\tstop") == "stop");
    BOOST_TEST(route::first_word("") == "");
    BOOST_TEST(route::first_word("   ") == "");
    BOOST_TEST(route::first_word("one") == "one");
}

BOOST_AUTO_TEST_CASE(no_rules_no_route) {
    mo_router m;
    BOOST_TEST(!m.route({"uk-mno", "447700900123", "88123", "hi"}));
    BOOST_TEST(!m.rule_name({"uk-mno", "447700900123", "88123", "hi"}));
}

BOOST_AUTO_TEST_CASE(keyword_is_case_insensitive_and_only_the_first_word) {
    auto stop = mo("stop", "acme");
    stop.destination_prefixes = {"88123"};
    stop.keywords = {"STOP", "Unsubscribe"};
    mo_router m{{stop, mo("default", "beta")}};
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", "stop"}) == "acme");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", "  Stop please"}) == "acme");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "881234", "UNSUBSCRIBE me"}) == "acme");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", "please stop"}) == "beta");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", "stopp"}) == "beta");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", ""}) == "beta");
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "99123", "STOP"}) == "beta");
    BOOST_TEST(m.rule_name({"uk-mno", "447700900123", "88123", "stop"}).value() == "stop");
}

BOOST_AUTO_TEST_CASE(all_conditions_must_match) {
    auto r = mo("uk", "acme");
    r.source_prefixes = {"447", "4420"};
    r.carriers = {"uk-mno", "backup"};
    r.destination_prefixes = {"88"};
    mo_router m{{r}};
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "88123", "x"}) == "acme");
    BOOST_TEST(routed(m, {"backup", "442071234567", "88", "x"}) == "acme");
    BOOST_TEST(routed(m, {"other", "447700900123", "88123", "x"}) == "(none)"); // carrier
    BOOST_TEST(routed(m, {"uk-mno", "33612345678", "88123", "x"}) == "(none)");  // source
    BOOST_TEST(routed(m, {"uk-mno", "447700900123", "77123", "x"}) == "(none)"); // destination
}

BOOST_AUTO_TEST_SUITE_END()
