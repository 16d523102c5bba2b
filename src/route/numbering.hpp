#pragma once
// Numbers brought into one form for routing, and written back out in the
// form a carrier or a client wants (config::numbering_settings). Pure.
//
// The routed form: international numbers as digits without '+', TON 1
// NPI 1; short codes as digits with the plan's short-code TON/NPI;
// alphanumeric senders as written, TON 5 NPI 0. normalise() of a number
// already in that form returns it unchanged, so it is safe to apply twice.
#include <cstdint>
#include <string>
#include <string_view>

#include "config/addressing.hpp"

namespace twinsms::route {

namespace ton {
inline constexpr std::uint8_t unknown = 0, international = 1, national = 2, network_specific = 3,
                              alphanumeric = 5;
}
namespace npi {
inline constexpr std::uint8_t unknown = 0, isdn = 1;
}

struct address {
    std::string addr;
    std::uint8_t ton = 0, npi = 0;
    bool operator==(const address&) const = default;
};

enum class number_kind { empty, international, short_code, alphanumeric };

// What a routed-form address is.
number_kind kind_of(const address& a) noexcept;

// The routed form of a number as a client or carrier wrote it under plan `p`:
// rewrites first; then a number (digits, an optional leading '+', and the
// spaces, dashes, dots and brackets people write) is international if it
// starts with an international prefix, is marked TON 1, is national (trunk
// prefix, or TON 2) with p.country put in front, or is longer than a short
// code; anything with letters is alphanumeric. Rewrites are for numbers as
// their writer sends them (a client's submits, a carrier's MO): pass false
// when reading a number someone else already routed.
address normalise(const config::numbering_settings& p, std::string_view addr, std::uint8_t ton, std::uint8_t npi,
                  bool rewrites = true);

// A routed-form address written in p.format.
address present(const config::numbering_settings& p, const address& routed);

} // namespace twinsms::route
