// route/address_rules.hpp and its use by route_table: a client's numbers in
// the routed form, its senders, a carrier's destinations and numbering,
// and MO numbers on their way to a client.
#include <boost/test/unit_test.hpp>

#include "route/route_table.hpp"
#include "address_print.hpp"

using namespace twinsms;
using namespace twinsms::route;

namespace {

config::numbering_settings plan(std::string country, std::string trunk,
                                config::number_format f = config::number_format::international) {
    config::numbering_settings p;
    p.country = std::move(country);
    p.trunk = std::move(trunk);
    p.format = f;
    return p;
}

struct profiles {
    config::profile_set set;
    profiles() {
        config::client_profile shop;
        shop.name = "shop";
        shop.account.system_id = "shop-sys";
        shop.numbering = plan("44", "0", config::number_format::plus);
        shop.senders.allowed = {"MyShop"};
        shop.senders.prefixes = {"4477009"};
        shop.senders.regex = "Shop[0-9]";
        shop.senders.default_sender = "ShopInfo";
        config::client_profile plain;
        plain.name = "plain";
        plain.account.system_id = "plain";
        set.clients = {shop, plain};

        config::carrier_profile uk;
        uk.name = "uk";
        uk.numbering = plan("44", "0", config::number_format::national);
        uk.destinations.allowed = {"44"};
        uk.destinations.denied = {"4490"};
        config::carrier_profile world;
        world.name = "world";
        world.sender_override = "Twin";
        config::carrier_profile bare;
        bare.name = "bare";
        set.carriers = {uk, world, bare};
    }
};

address intl(std::string d) { return {std::move(d), ton::international, npi::isdn}; }

config::route_rule rule(std::string name, std::vector<std::string> carriers) {
    config::route_rule r;
    r.name = std::move(name);
    for (auto& c : carriers) r.carriers.push_back({std::move(c), 1});
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(address_rules_of_profiles)

BOOST_FIXTURE_TEST_CASE(a_profile_without_addressing_keys_changes_nothing, profiles) {
    const address_rules none{config::profile_set{}};
    BOOST_TEST(none.empty());
    const address_rules r{set};
    BOOST_TEST(!r.empty());
    BOOST_TEST(r.from_client("plain", "07700900123", 0, 0) == (address{"07700900123", 0, 0}));
    BOOST_TEST(!r.sender_refusal("plain", {"anything", 5, 0}));
    BOOST_TEST(r.default_sender("plain").empty());
    BOOST_TEST(r.carrier_takes("bare", "99"));
    BOOST_TEST(r.carrier_destination("bare", intl("447700900123")) == intl("447700900123"));
}

BOOST_FIXTURE_TEST_CASE(senders_pass_by_list_prefix_regex_or_default, profiles) {
    const address_rules r{set};
    const auto src = [&](const char* s) { return r.from_client("shop-sys", s, 0, 0); };
    BOOST_TEST(!r.sender_refusal("shop-sys", src("MyShop")));
    BOOST_TEST(!r.sender_refusal("shop-sys", src("07700900555"))); // 447700900555 by the client's numbering
    BOOST_TEST(!r.sender_refusal("shop-sys", src("Shop7")));
    BOOST_TEST(!r.sender_refusal("shop-sys", src("ShopInfo")));
    BOOST_TEST(r.default_sender("shop-sys") == "ShopInfo");
    const auto why = r.sender_refusal("shop-sys", src("Shop77")); // the regex is the whole sender
    BOOST_REQUIRE(why);
    BOOST_TEST(why->find("'Shop77'") != std::string::npos);
    BOOST_TEST(r.sender_refusal("shop-sys", src("07800900555")).has_value());
}

BOOST_FIXTURE_TEST_CASE(carriers_take_allowed_prefixes_without_denied_ones, profiles) {
    const address_rules r{set};
    BOOST_TEST(r.restricts_destinations());
    BOOST_TEST(r.carrier_takes("uk", "447700900123"));
    BOOST_TEST(!r.carrier_takes("uk", "449012345678"));
    BOOST_TEST(!r.carrier_takes("uk", "33612345678"));
    BOOST_TEST(r.carrier_takes("world", "33612345678"));
}

BOOST_FIXTURE_TEST_CASE(carriers_get_their_numbering_and_sender_override, profiles) {
    const address_rules r{set};
    const auto dst = r.from_client("shop-sys", "07700900123", 0, 0);
    BOOST_TEST(dst == intl("447700900123"));
    BOOST_TEST(r.carrier_destination("uk", dst) == (address{"07700900123", ton::national, npi::isdn}));
    BOOST_TEST(r.carrier_destination("world", dst) == dst);
    BOOST_TEST(r.carrier_source("uk", r.from_client("shop-sys", "MyShop", 0, 0)) == (address{"MyShop", 5, 0}));
    BOOST_TEST(r.carrier_source("world", intl("447700900555")) == (address{"Twin", 5, 0}));
    // A plain client's national number is read in the carrier's plan.
    BOOST_TEST(r.carrier_destination("uk", {"07700900123", 0, 0}) == (address{"07700900123", ton::national, npi::isdn}));
}

BOOST_FIXTURE_TEST_CASE(mo_numbers_reach_the_client_in_its_numbering, profiles) {
    const address_rules r{set};
    const auto from = r.from_carrier("uk", "07700900123", ton::national, npi::isdn);
    BOOST_TEST(from == intl("447700900123"));
    BOOST_TEST(r.to_client("shop-sys", from) == intl("+447700900123"));
    BOOST_TEST(r.to_client("plain", from) == from);
    const auto to = r.from_carrier("uk", "80080", 0, 0);
    BOOST_TEST(r.to_client("shop-sys", to) == (address{"80080", 3, 0}));
}

BOOST_FIXTURE_TEST_CASE(a_rule_none_of_whose_carriers_takes_the_number_is_skipped, profiles) {
    route_table t{{rule("uk-only", {"uk"}), rule("rest", {"world"})}, address_rules{set}};
    const auto name = [&](const char* dst) {
        const auto* m = t.match({"shop", "MyShop", dst, {}});
        return m ? m->name() : std::string{"(none)"};
    };
    BOOST_TEST(name("447700900123") == "uk-only");
    BOOST_TEST(name("449012345678") == "rest"); // denied on uk
    BOOST_TEST(name("33612345678") == "rest");  // not allowed on uk
    route_table only_uk{{rule("uk-only", {"uk"})}, address_rules{set}};
    BOOST_TEST(only_uk.match({"shop", "MyShop", "33612345678", {}}) == nullptr);
    route_table without{{rule("uk-only", {"uk"})}};
    BOOST_TEST(without.match({"shop", "MyShop", "33612345678", {}}) != nullptr); // no rules, no filter
}

BOOST_AUTO_TEST_SUITE_END()
