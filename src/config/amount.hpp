#pragma once
// Credit amounts as text: the fixed-point millionths of config/credit.hpp
// written and read as decimals with at most six places ("12.5", "-0.000001"),
// exactly, for the admin API and twinsmsctl alike.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::config {

// "12.5" for 12'500'000: trailing zeros dropped.
std::string format_amount(std::int64_t micro);
// A decimal with at most six places and at most a billion, as millionths;
// nullopt otherwise (no exponent, no bare "." ends).
std::optional<std::int64_t> parse_amount(std::string_view s);

} // namespace twinsms::config
