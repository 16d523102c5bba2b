#pragma once
// MO routing: which client profile a message from a handset goes to, from
// the mo: rules of routes.yaml. First match wins. MO traffic is a fraction of
// MT, so rules are scanned in order; a match allocates nothing.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/profiles.hpp"

namespace twinsms::route {

struct mo_request {
    std::string_view carrier; // carrier profile the deliver_sm arrived on
    std::string_view source_addr;
    std::string_view destination_addr;
    // The text as 8-bit characters (GSM default alphabet or Latin-1 as
    // received, UCS-2 narrowed by the caller); only its first word is read.
    std::string_view text;
};

// The first word of `text`: leading spaces, tabs and newlines skipped, up
// to the next one.
std::string_view first_word(std::string_view text) noexcept;

class mo_router {
public:
    mo_router() = default;
    explicit mo_router(const std::vector<config::mo_rule>& rules);

    // The client profile name of the first matching rule, or nullopt.
    std::optional<std::string_view> route(const mo_request& r) const noexcept;
    // The name of the first matching rule, for logs; nullopt if none.
    std::optional<std::string_view> rule_name(const mo_request& r) const noexcept;

private:
    struct rule {
        std::string name;
        std::vector<std::string> destination_prefixes;
        std::vector<std::string> keywords; // lowercased
        std::vector<std::string> source_prefixes;
        std::vector<std::string> carriers;
        std::string client;
        bool matches(const mo_request& r, std::string_view word) const noexcept;
    };
    const rule* find(const mo_request& r) const noexcept;

    std::vector<rule> rules_;
};

} // namespace twinsms::route
