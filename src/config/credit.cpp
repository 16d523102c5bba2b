// The `credit` key of client profiles (config/credit.hpp).
#include <cmath>

#include "config/profile_files.hpp"

namespace twinsms::config {
namespace {

// A price with at most six decimals, from 0 to a million.
std::int64_t amount(const reader& r) {
    const double v = r.number(0, 1e6);
    const double scaled = v * static_cast<double>(credit_unit);
    if (std::fabs(scaled - std::round(scaled)) > 1e-3) r.fail("at most six decimals");
    return static_cast<std::int64_t>(std::llround(scaled));
}

} // namespace

credit_settings read_credit(const reader& r) {
    credit_settings c;
    if (auto m = r.find("mode")) c.mode = m->choice({"count", "balance"}) == 0 ? credit_settings::kind::count
                                                                                : credit_settings::kind::balance;
    if (auto p = r.find("price")) {
        if (c.mode == credit_settings::kind::count) p->fail("a count has no price: each SMS part counts one");
        c.price = amount(*p);
    } else if (c.mode == credit_settings::kind::balance) {
        r.at("price"); // required: fails naming it
    }
    if (auto rp = r.find("routes")) {
        if (c.mode == credit_settings::kind::count) rp->fail("a count has no prices per route");
        for (const auto& [name, v] : rp->entries()) c.route_prices.emplace(name, amount(v));
    }
    c.refund_failures = r.bool_or("refund_failures", false);
    r.finish();
    return c;
}

} // namespace twinsms::config
