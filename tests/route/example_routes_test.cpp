// The example profile folder's routes.yaml, compiled: what the comments in
// it promise is what the table and the MO router do.
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <map>

#include "config/profiles.hpp"
#include "route/mo_router.hpp"
#include "route/route_table.hpp"

using namespace twinsms;

namespace {

config::profile_set example() {
    ::setenv("ACME_SMPP_PASSWORD", "acme-pw", 1);
    ::setenv("UK_MNO_PASSWORD", "uk-pw", 1);
    return config::load_profiles(std::filesystem::path{TWINSMS_SOURCE_DIR} / "profiles/example");
}

} // namespace

BOOST_AUTO_TEST_SUITE(example_routes)

BOOST_AUTO_TEST_CASE(mt_rules) {
    const auto set = example();
    route::route_table t{set.routes};
    auto name = [&](route::mt_request r) {
        const auto* m = t.match(r);
        return m ? m->name() : std::string{"(none)"};
    };
    BOOST_TEST(name({"beta", "x", "447700900123", ""}) == "uk");
    BOOST_TEST(name({"acme", "x", "33612345678", ""}) == "acme-bulk");
    BOOST_TEST(name({"beta", "x", "33612345678", ""}) == "default");
    BOOST_TEST(name({"acme", "x", "336", ""}) == "default");
    const auto& uk = *t.find("uk");
    BOOST_TEST(t.pick(uk, [](std::string_view c) { return c != "uk-mno"; }).value() == "backup");
    const auto& bulk = *t.find("acme-bulk");
    std::map<std::string, int, std::less<>> n;
    for (int i = 0; i < 1000; ++i) ++n[std::string{t.pick(bulk).value()}];
    BOOST_TEST(n["uk-mno"] == 750);
    BOOST_TEST(n["backup"] == 250);
}

BOOST_AUTO_TEST_CASE(mo_rules) {
    const auto set = example();
    route::mo_router m{set.mo_routes};
    auto client = [&](route::mo_request r) { return std::string{m.route(r).value_or("(none)")}; };
    BOOST_TEST(client({"backup", "33612345678", "88123", "stop"}) == "acme");
    BOOST_TEST(client({"uk-mno", "447700900123", "88123", "Unsubscribe"}) == "acme");
    BOOST_TEST(client({"uk-mno", "447700900123", "88123", "hello"}) == "beta");
    BOOST_TEST(client({"backup", "447700900123", "88123", "hello"}) == "acme");
}

BOOST_AUTO_TEST_SUITE_END()
