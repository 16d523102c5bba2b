#include "route/mo_router.hpp"

#include <algorithm>

namespace twinsms::route {
namespace {

constexpr bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool any_prefix(const std::vector<std::string>& prefixes, std::string_view s) noexcept {
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return s.starts_with(p); });
}

// `lowered` is already lowercase, so only `word` is folded (ASCII letters:
// keywords are commands like STOP, and GSM/Latin-1 agree with ASCII there).
bool iequals_lowered(std::string_view word, std::string_view lowered) noexcept {
    return word.size() == lowered.size() &&
           std::equal(word.begin(), word.end(), lowered.begin(), [](char a, char b) { return lower(a) == b; });
}

} // namespace

std::string_view first_word(std::string_view text) noexcept {
    std::size_t b = 0;
    while (b < text.size() && space(text[b])) ++b;
    std::size_t e = b;
    while (e < text.size() && !space(text[e])) ++e;
    return text.substr(b, e - b);
}

mo_router::mo_router(const std::vector<config::mo_rule>& rules) {
    rules_.reserve(rules.size());
    for (const auto& in : rules) {
        rule r{in.name, in.destination_prefixes, in.keywords, in.source_prefixes, in.carriers, in.client};
        for (auto& k : r.keywords) std::transform(k.begin(), k.end(), k.begin(), lower);
        rules_.push_back(std::move(r));
    }
}

bool mo_router::rule::matches(const mo_request& r, std::string_view word) const noexcept {
    if (!carriers.empty() && std::find(carriers.begin(), carriers.end(), r.carrier) == carriers.end()) return false;
    if (!destination_prefixes.empty() && !any_prefix(destination_prefixes, r.destination_addr)) return false;
    if (!source_prefixes.empty() && !any_prefix(source_prefixes, r.source_addr)) return false;
    if (!keywords.empty() &&
        std::none_of(keywords.begin(), keywords.end(), [&](const std::string& k) { return iequals_lowered(word, k); }))
        return false;
    return true;
}

const mo_router::rule* mo_router::find(const mo_request& r) const noexcept {
    const auto word = first_word(r.text);
    for (const auto& rule : rules_)
        if (rule.matches(r, word)) return &rule;
    return nullptr;
}

std::optional<std::string_view> mo_router::route(const mo_request& r) const noexcept {
    if (const auto* rule = find(r)) return std::string_view{rule->client};
    return std::nullopt;
}

std::optional<std::string_view> mo_router::rule_name(const mo_request& r) const noexcept {
    if (const auto* rule = find(r)) return std::string_view{rule->name};
    return std::nullopt;
}

} // namespace twinsms::route
