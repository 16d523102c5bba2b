// Opt-out decisions: which MO words stop and start, per client, with case
// and trailing punctuation as handsets send them, and the list's one form
// of a number.
#include <boost/test/unit_test.hpp>

#include "route/opt_out_rules.hpp"

using namespace twinsms;
using route::opt_out_action;

namespace {
std::ostream& print(std::ostream& os, opt_out_action a) {
    return os << (a == opt_out_action::stop ? "stop" : a == opt_out_action::start ? "start" : "none");
}
} // namespace

namespace twinsms::route {
std::ostream& operator<<(std::ostream& os, opt_out_action a) { return print(os, a); }
} // namespace twinsms::route

BOOST_AUTO_TEST_SUITE(opt_out_rules)

BOOST_AUTO_TEST_CASE(keywords_per_client) {
    config::profile_set p;
    config::client_profile shop;
    shop.account.system_id = "shop";
    shop.opt_out = config::opt_out_settings{}; // the defaults
    config::client_profile bank;
    bank.account.system_id = "bank";
    config::opt_out_settings own;
    own.stop = {"ARRET"};
    own.start = {"REPRISE"};
    own.enforce = false;
    bank.opt_out = own;
    config::client_profile plain;
    plain.account.system_id = "plain";
    p.clients = {shop, bank, plain};
    const route::opt_out_rules r{p};
    BOOST_TEST(!r.empty());
    BOOST_TEST(r.action("shop", "STOP") == opt_out_action::stop);
    BOOST_TEST(r.action("shop", "  stop please") == opt_out_action::stop);
    BOOST_TEST(r.action("shop", "Stop.") == opt_out_action::stop);
    BOOST_TEST(r.action("shop", "unsubscribe!") == opt_out_action::stop);
    BOOST_TEST(r.action("shop", "Start") == opt_out_action::start);
    BOOST_TEST(r.action("shop", "stopwatch for sale?") == opt_out_action::none); // a longer word
    BOOST_TEST(r.action("shop", "please stop") == opt_out_action::none);        // not the first word
    BOOST_TEST(r.action("shop", "") == opt_out_action::none);
    BOOST_TEST(r.action("bank", "STOP") == opt_out_action::none); // its own keywords only
    BOOST_TEST(r.action("bank", "arret") == opt_out_action::stop);
    BOOST_TEST(r.action("bank", "Reprise") == opt_out_action::start);
    BOOST_TEST(r.action("plain", "STOP") == opt_out_action::none); // no list
    BOOST_TEST(r.enforced("shop"));
    BOOST_TEST(!r.enforced("bank"));
    BOOST_TEST(r.keeps_list("bank"));
    BOOST_TEST(!r.enforced("plain"));
    BOOST_TEST(route::opt_out_rules{}.empty());
}

BOOST_AUTO_TEST_CASE(one_form_of_a_number) {
    BOOST_TEST(route::opt_out_number("+44 7700 900-123") == "447700900123");
    BOOST_TEST(route::opt_out_number("(0)7700.900123") == "07700900123");
    BOOST_TEST(route::opt_out_number("447700900123") == "447700900123");
    BOOST_TEST(route::opt_out_number("MyShop") == "MyShop"); // alphanumeric: as is
    BOOST_TEST(route::opt_out_keyword(" Stop, thanks") == "Stop");
}

BOOST_AUTO_TEST_SUITE_END()
