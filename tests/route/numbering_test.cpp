// route/numbering.hpp: numbers into the routed form and back out, in the
// shapes clients, handsets and carriers write them.
#include <boost/test/unit_test.hpp>

#include "route/numbering.hpp"
#include "address_print.hpp"

using namespace twinsms;
using namespace twinsms::route;

namespace {

config::numbering_settings uk() {
    config::numbering_settings p;
    p.country = "44";
    p.trunk = "0";
    return p; // international prefixes "+" and "00" by default
}

address intl(std::string d) { return {std::move(d), ton::international, npi::isdn}; }

} // namespace

BOOST_AUTO_TEST_SUITE(numbering)

BOOST_AUTO_TEST_CASE(written_forms_of_one_number_meet_in_the_routed_form) {
    const auto p = uk();
    BOOST_TEST(normalise(p, "+447700900123", 0, 0) == intl("447700900123"));
    BOOST_TEST(normalise(p, "00447700900123", 0, 0) == intl("447700900123"));
    BOOST_TEST(normalise(p, "07700900123", 0, 0) == intl("447700900123"));
    BOOST_TEST(normalise(p, "447700900123", 1, 1) == intl("447700900123"));
    BOOST_TEST(normalise(p, "7700900123", ton::national, 1) == intl("447700900123"));
    BOOST_TEST(normalise(p, "+44 (0)7700 900-123", 0, 0).addr == "4407700900123"); // the (0) is a digit like any
    BOOST_TEST(normalise(p, " +44 7700 900123", 0, 0) == intl("447700900123"));
    // Another country's number keeps its country code.
    BOOST_TEST(normalise(p, "0033612345678", 0, 0) == intl("33612345678"));
}

BOOST_AUTO_TEST_CASE(short_codes_and_alphanumeric_senders_keep_their_kind) {
    const auto p = uk();
    BOOST_TEST(normalise(p, "80080", 0, 0) == (address{"80080", 3, 0}));
    BOOST_TEST(normalise(p, "MyShop", 0, 0) == (address{"MyShop", ton::alphanumeric, 0}));
    BOOST_TEST(normalise(p, "12345", ton::alphanumeric, 0) == (address{"12345", ton::alphanumeric, 0}));
    BOOST_TEST(normalise(p, "07700 shop", 0, 0).ton == ton::alphanumeric);
    BOOST_TEST(normalise(p, "", 5, 0) == (address{"", 5, 0})); // no sender: left for the default
    auto q = p;
    q.short_code_max = 4, q.short_code_ton = 0, q.short_code_npi = 1;
    BOOST_TEST(normalise(q, "80080", 0, 0) == intl("80080")); // longer than a short code here
    BOOST_TEST(normalise(q, "8008", 0, 0) == (address{"8008", 0, 1}));
    BOOST_TEST(kind_of(normalise(p, "80080", 0, 0)) == number_kind::short_code);
    BOOST_TEST(kind_of(normalise(p, "MyShop", 0, 0)) == number_kind::alphanumeric);
    BOOST_TEST(kind_of(normalise(p, "07700900123", 0, 0)) == number_kind::international);
}

BOOST_AUTO_TEST_CASE(without_a_country_national_numbers_stay_as_written) {
    config::numbering_settings p; // only "+" and "00"
    BOOST_TEST(normalise(p, "+447700900123", 0, 0) == intl("447700900123"));
    BOOST_TEST(normalise(p, "07700900123", 0, 0) == intl("07700900123"));
}

BOOST_AUTO_TEST_CASE(rewrites_come_first_and_only_when_asked) {
    auto p = uk();
    p.rewrites = {{"0044", "44"}, {"9", ""}};
    BOOST_TEST(normalise(p, "00447700900123", 0, 0) == intl("447700900123"));
    BOOST_TEST(normalise(p, "907700900123", 0, 0) == intl("447700900123")); // a PBX's 9 for an outside line
    BOOST_TEST(normalise(p, "907700900123", 0, 0, false) == intl("907700900123"));
}

BOOST_AUTO_TEST_CASE(normalise_leaves_the_routed_form_alone) {
    const auto p = uk();
    for (const char* w : {"+447700900123", "07700900123", "80080", "MyShop", "0033612345678"}) {
        const auto once = normalise(p, w, 0, 0);
        BOOST_TEST(normalise(p, once.addr, once.ton, once.npi) == once, w);
    }
}

BOOST_AUTO_TEST_CASE(present_writes_the_format_asked_for) {
    auto p = uk();
    BOOST_TEST(present(p, intl("447700900123")) == intl("447700900123"));
    p.format = config::number_format::plus;
    BOOST_TEST(present(p, intl("447700900123")) == intl("+447700900123"));
    p.format = config::number_format::national;
    BOOST_TEST(present(p, intl("447700900123")) == (address{"07700900123", ton::national, npi::isdn}));
    BOOST_TEST(present(p, intl("33612345678")) == intl("33612345678")); // foreign: stays international
    BOOST_TEST(present(p, address{"80080", 3, 0}) == (address{"80080", 3, 0}));
    BOOST_TEST(present(p, address{"MyShop", 5, 0}) == (address{"MyShop", 5, 0}));
}

BOOST_AUTO_TEST_SUITE_END()
