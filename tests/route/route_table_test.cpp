#define BOOST_TEST_MODULE route_table
#include <boost/test/unit_test.hpp>

#include <functional>
#include <map>
#include <set>

#include "route/route_table.hpp"

using namespace twinsms;
using namespace twinsms::route;
using config::route_rule;
using config::route_strategy;

namespace {

route_rule rule(std::string name, std::vector<std::string> carriers, route_strategy s = route_strategy::failover,
                std::vector<unsigned> weights = {}) {
    route_rule r;
    r.name = std::move(name);
    r.strategy = s;
    for (std::size_t i = 0; i < carriers.size(); ++i)
        r.carriers.push_back({carriers[i], i < weights.size() ? weights[i] : 1u});
    return r;
}

std::string matched(const route_table& t, const mt_request& r) {
    const auto* m = t.match(r);
    return m ? m->name() : "(none)";
}

mt_request to(std::string_view dest) { return {"acme", "12345", dest, ""}; }

} // namespace

BOOST_AUTO_TEST_SUITE(matching)

BOOST_AUTO_TEST_CASE(empty_table_and_no_match) {
    route_table empty;
    BOOST_TEST(!empty.match(to("447700900123")));
    auto uk = rule("uk", {"a"});
    uk.prefixes = {"44"};
    route_table t{{uk}};
    BOOST_TEST(matched(t, to("447700900123")) == "uk");
    BOOST_TEST(matched(t, to("337700900123")) == "(none)");
    BOOST_TEST(matched(t, to("4")) == "(none)");
    BOOST_TEST(matched(t, to("")) == "(none)");
}

BOOST_AUTO_TEST_CASE(first_match_wins_in_rule_order_across_prefix_lengths) {
    auto a = rule("uk-mobile", {"a"});
    a.prefixes = {"447"};
    auto b = rule("uk", {"b"});
    b.prefixes = {"44"};
    auto c = rule("uk-mobile-late", {"c"});
    c.prefixes = {"4477"}; // longer but later: never wins over uk-mobile
    auto d = rule("default", {"d"});
    route_table t{{a, b, c, d}};
    BOOST_TEST(matched(t, to("447700900123")) == "uk-mobile");
    BOOST_TEST(matched(t, to("442071234567")) == "uk");
    BOOST_TEST(matched(t, to("33612345678")) == "default");
    // A rule without a prefix before prefixed ones takes precedence.
    route_table u{{d, a}};
    BOOST_TEST(matched(u, to("447700900123")) == "default");
}

BOOST_AUTO_TEST_CASE(several_prefixes_in_one_rule) {
    auto eu = rule("eu", {"a"});
    eu.prefixes = {"33", "49", "4", "49"}; // "4" and "49" overlap, "49" twice
    eu.service_type = "X";                 // forces the candidate past the first list
    auto any = rule("any", {"b"});
    route_table t{{eu, any}};
    BOOST_TEST(matched(t, {"c", "1", "4912345", "X"}) == "eu");
    BOOST_TEST(matched(t, {"c", "1", "4912345", ""}) == "any");
    BOOST_TEST(matched(t, {"c", "1", "3312345", "X"}) == "eu");
    BOOST_TEST(matched(t, {"c", "1", "4112345", "X"}) == "eu");
    BOOST_TEST(matched(t, {"c", "1", "3412345", "X"}) == "any");
}

BOOST_AUTO_TEST_CASE(regex_on_destination) {
    auto fr = rule("fr-de", {"a"});
    fr.regex = "^(33|49)[0-9]{8,11}$";
    auto tail = rule("ends-in-99", {"b"});
    tail.regex = "99$"; // search, not full match: anchors are the rule's
    route_table t{{fr, tail}};
    BOOST_TEST(matched(t, to("33612345678")) == "fr-de");
    BOOST_TEST(matched(t, to("3361234")) == "(none)");
    BOOST_TEST(matched(t, to("336123456789999")) == "ends-in-99");
    BOOST_TEST(matched(t, to("4412399")) == "ends-in-99");
    BOOST_TEST(t.rules()[0].matches(to("491234567890")));
}

BOOST_AUTO_TEST_CASE(bad_regex_throws) {
    auto r = rule("bad", {"a"});
    r.regex = "([0-9";
    BOOST_CHECK_THROW(route_table{{r}}, std::regex_error);
}

BOOST_AUTO_TEST_CASE(all_present_conditions_must_match) {
    auto r = rule("acme-uk-promo", {"a"});
    r.prefixes = {"44"};
    r.regex = "^44[0-9]{10}$";
    r.clients = {"zeta", "acme", "beta"};
    r.source_prefixes = {"PROMO", "888"};
    r.service_type = "WAP";
    route_table t{{r, rule("default", {"b"})}};
    const mt_request ok{"acme", "PROMO1", "447700900123", "WAP"};
    BOOST_TEST(matched(t, ok) == "acme-uk-promo");
    BOOST_TEST(matched(t, {"beta", "88812", "447700900123", "WAP"}) == "acme-uk-promo");
    BOOST_TEST(matched(t, {"gamma", "PROMO1", "447700900123", "WAP"}) == "default");  // client
    BOOST_TEST(matched(t, {"acme", "PROM", "447700900123", "WAP"}) == "default");     // source prefix
    BOOST_TEST(matched(t, {"acme", "PROMO1", "337700900123", "WAP"}) == "default");   // prefix
    BOOST_TEST(matched(t, {"acme", "PROMO1", "4477009001234", "WAP"}) == "default");  // regex
    BOOST_TEST(matched(t, {"acme", "PROMO1", "447700900123", ""}) == "default");      // service_type
    BOOST_TEST(matched(t, {"acme", "PROMO1", "447700900123", "WAPX"}) == "default");
    BOOST_TEST(t.rules()[0].matches(ok));
    BOOST_TEST(t.rules()[1].matches(ok)); // default matches everything
}

BOOST_AUTO_TEST_CASE(many_prefix_rules_match_like_a_linear_scan) {
    // 2000 rules with overlapping prefixes and a few prefix-less rules with
    // other conditions: the trie must pick what the first-match scan picks.
    std::vector<route_rule> rules;
    for (int i = 0; i < 2000; ++i) {
        auto r = rule("r" + std::to_string(i), {"c"});
        r.prefixes = {std::to_string(i % 97 * 13 + i / 97)};
        if (i % 7 == 0) r.clients = {"acme"};
        rules.push_back(r);
        if (i % 500 == 250) {
            auto s = rule("svc" + std::to_string(i), {"c"});
            s.service_type = "S";
            rules.push_back(s);
        }
    }
    route_table t{rules};
    for (int d = 0; d < 3000; d += 7) {
        for (auto client : {"acme", "beta"}) {
            for (auto svc : {"", "S"}) {
                const std::string dest = std::to_string(d * 37 % 100000) + "1234";
                const mt_request r{client, "1", dest, svc};
                const compiled_rule* want = nullptr;
                for (const auto& c : t.rules())
                    if (c.matches(r)) {
                        want = &c;
                        break;
                    }
                BOOST_TEST_REQUIRE(t.match(r) == want, "destination " << dest);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(rule_accessors_and_find) {
    auto r = rule("w", {"x", "y"}, route_strategy::weighted, {3, 1});
    route_table t{{rule("f", {"a", "b"}), r}};
    BOOST_TEST(t.rules().size() == 2u);
    const auto* w = t.find("w");
    BOOST_REQUIRE(w);
    BOOST_TEST(w->index() == 1u);
    BOOST_TEST((w->strategy() == route_strategy::weighted));
    BOOST_TEST(w->carriers() == (std::vector<std::string>{"x", "y"}));
    BOOST_TEST(w->weights() == (std::vector<unsigned>{3, 1}));
    BOOST_TEST(!t.find("nope"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(carrier_pick)

BOOST_AUTO_TEST_CASE(failover_in_listed_order) {
    route_table t{{rule("f", {"a", "b", "c"})}};
    const auto& r = t.rules()[0];
    std::set<std::string, std::less<>> down;
    auto up = [&](std::string_view c) { return !down.contains(c); };
    BOOST_TEST(t.pick(r, up).value() == "a");
    BOOST_TEST(t.pick(r, up).value() == "a"); // no rotation
    down = {"a"};
    BOOST_TEST(t.pick(r, up).value() == "b");
    down = {"a", "b"};
    BOOST_TEST(t.pick(r, up).value() == "c");
    down = {"a", "b", "c"};
    BOOST_TEST(!t.pick(r, up));
    down = {"b"};
    BOOST_TEST(t.pick(r, up).value() == "a");
    BOOST_TEST(t.pick(r).value() == "a");
}

BOOST_AUTO_TEST_CASE(failover_after_a_permanent_error_excludes_the_carrier) {
    route_table t{{rule("f", {"a", "b", "c"})}};
    const auto& r = t.rules()[0];
    std::set<std::string, std::less<>> failed_on, down{"b"};
    auto usable = [&](std::string_view c) { return !down.contains(c) && !failed_on.contains(c); };
    auto first = t.pick(r, usable).value();
    BOOST_TEST(first == "a");
    failed_on.insert(std::string{first});
    BOOST_TEST(t.pick(r, usable).value() == "c"); // b is down
    failed_on.insert("c");
    BOOST_TEST(!t.pick(r, usable));
}

BOOST_AUTO_TEST_CASE(weighted_is_smooth_and_exact) {
    route_table t{{rule("w", {"a", "b", "c"}, route_strategy::weighted, {5, 1, 1})}};
    const auto& r = t.rules()[0];
    std::string seq;
    for (int i = 0; i < 14; ++i) seq += t.pick(r).value();
    BOOST_TEST(seq == "aabacaaaabacaa"); // nginx's example, twice: interleaved, not aaaaabc
}

BOOST_AUTO_TEST_CASE(weighted_distribution_over_1000_picks) {
    route_table t{{rule("w", {"a", "b", "c"}, route_strategy::weighted, {5, 3, 2}),
                   rule("v", {"a", "b"}, route_strategy::weighted, {3, 1})}};
    std::map<std::string, int, std::less<>> counts, other;
    for (int i = 0; i < 1000; ++i) {
        ++counts[std::string{t.pick(t.rules()[0]).value()}];
        ++other[std::string{t.pick(t.rules()[1]).value()}]; // state is per rule: no interference
    }
    BOOST_TEST(counts["a"] == 500);
    BOOST_TEST(counts["b"] == 300);
    BOOST_TEST(counts["c"] == 200);
    BOOST_TEST(other["a"] == 750);
    BOOST_TEST(other["b"] == 250);
}

BOOST_AUTO_TEST_CASE(weighted_skips_unusable_carriers_and_redistributes) {
    route_table t{{rule("w", {"a", "b", "c"}, route_strategy::weighted, {5, 3, 2})}};
    const auto& r = t.rules()[0];
    std::map<std::string, int, std::less<>> counts;
    auto no_b = [](std::string_view c) { return c != "b"; };
    for (int i = 0; i < 700; ++i) ++counts[std::string{t.pick(r, no_b).value()}];
    BOOST_TEST(counts["a"] == 500);
    BOOST_TEST(counts["b"] == 0);
    BOOST_TEST(counts["c"] == 200);
    BOOST_TEST(!t.pick(r, [](std::string_view) { return false; }));
    // Back up: the exact ratio holds again over the next full cycles.
    counts.clear();
    for (int i = 0; i < 1000; ++i) ++counts[std::string{t.pick(r).value()}];
    BOOST_TEST(counts["a"] == 500);
    BOOST_TEST(counts["b"] == 300);
    BOOST_TEST(counts["c"] == 200);
}

BOOST_AUTO_TEST_CASE(weighted_is_deterministic_per_table) {
    const auto w = rule("w", {"a", "b", "c"}, route_strategy::weighted, {4, 2, 1});
    route_table t1{{w}}, t2{{w}};
    for (int i = 0; i < 50; ++i) BOOST_TEST(t1.pick(t1.rules()[0]).value() == t2.pick(t2.rules()[0]).value());
}

BOOST_AUTO_TEST_CASE(std_function_filter_works_too) {
    route_table t{{rule("f", {"a", "b"})}};
    const std::function<bool(std::string_view)> f = [](std::string_view c) { return c == "b"; };
    BOOST_TEST(t.pick(t.rules()[0], f).value() == "b");
}

BOOST_AUTO_TEST_SUITE_END()
