#pragma once
// How a client's or a carrier's numbers are written, which senders a client
// may use, and which destinations a carrier takes: plain data read from the
// `numbering`, `senders`, `sender_override` and `destinations` keys of the
// profiles (config/addressing.cpp). route/address_rules.hpp applies them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace twinsms::config {

// How numbers are shown: on a carrier profile, how we send them; on a
// client profile, how MO numbers reach the client.
enum class number_format {
    international, // 447700900123, TON 1 NPI 1
    plus,          // +447700900123, TON 1 NPI 1
    national,      // 07700900123, TON 2 NPI 1 (numbers of `country` only; others stay international)
};

// A unified-prefix style numbering plan. Every number is brought into one
// form before routing: international digits without '+' (TON 1 NPI 1),
// short codes (up to short_code_max digits) and alphanumeric senders (TON 5).
struct numbering_settings {
    std::string country;                              // country code digits: "44"
    std::string trunk;                                // national trunk prefix: "0" (needs country)
    std::vector<std::string> international{"+", "00"}; // what marks a number as international
    struct rewrite {
        std::string prefix;      // applied first, the first match only
        std::string replacement; // may be empty: strips the prefix
    };
    std::vector<rewrite> rewrites;
    unsigned short_code_max = 6; // digits; a number this short is a short code
    std::uint8_t short_code_ton = 3, short_code_npi = 0;
    number_format format = number_format::international;
};

// Which source addresses a client may send from. Exact ids, prefixes and a
// regular expression (ECMAScript, whole address) are alternatives: a sender
// that matches any of them passes. None of them listed: any sender. The
// check is on the sender after the client's numbering.
struct sender_settings {
    std::vector<std::string> allowed;
    std::vector<std::string> prefixes;
    std::optional<std::string> regex;
    std::string default_sender; // put in when the client sends none; always allowed
    bool restricted() const noexcept { return !allowed.empty() || !prefixes.empty() || regex.has_value(); }
};

// Which destinations a carrier may take (international digits): a number
// must start with an allowed prefix (none listed: any) and with no denied one.
struct destination_settings {
    std::vector<std::string> allowed;
    std::vector<std::string> denied;
    bool any() const noexcept { return !allowed.empty() || !denied.empty(); }
};

} // namespace twinsms::config
