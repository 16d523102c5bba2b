#pragma once
// A client account's credit: an SMS count, or a balance with a price per
// part (per route where it differs). Plain data read from the `credit` key
// of a client profile (config/credit.cpp); engine/credit_book.hpp keeps the
// balances, which live in the store.
#include <cstdint>
#include <map>
#include <string>

namespace twinsms::config {

// Amounts are fixed point, millionths: a count of 1 SMS is 1'000'000, a
// price of 0.035 is 35'000. Integer arithmetic, so no balance drifts.
inline constexpr std::int64_t credit_unit = 1'000'000;

struct credit_settings {
    enum class kind { count, balance } mode = kind::count;
    std::int64_t price = credit_unit; // per part; count: always one
    std::map<std::string, std::int64_t, std::less<>> route_prices; // route name -> price per part (balance)
    // Give the price back when a message ends undeliverable, rejected or
    // expired (never when a carrier took it: its receipt said no).
    bool refund_failures = false;
    std::int64_t price_of(std::string_view route) const {
        const auto it = route_prices.find(route);
        return it == route_prices.end() ? price : it->second;
    }
};

} // namespace twinsms::config
