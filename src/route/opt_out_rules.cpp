#include "route/opt_out_rules.hpp"

#include <algorithm>
#include <cctype>

namespace twinsms::route {
namespace {

bool separator(char c) noexcept { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'; }

bool same_word(std::string_view word, const std::string& upper_keyword) {
    return word.size() == upper_keyword.size() &&
           std::equal(word.begin(), word.end(), upper_keyword.begin(), [](char a, char k) {
               return std::toupper(static_cast<unsigned char>(a)) == static_cast<unsigned char>(k);
           });
}

} // namespace

// Leading blanks skipped, then letters and digits up to anything else.
std::string_view opt_out_keyword(std::string_view text) {
    std::size_t b = 0;
    while (b < text.size() && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    std::size_t e = b;
    while (e < text.size() && std::isalnum(static_cast<unsigned char>(text[e]))) ++e;
    return text.substr(b, e - b);
}

std::string opt_out_number(std::string_view addr) {
    std::string out;
    out.reserve(addr.size());
    for (char c : addr) {
        if (c >= '0' && c <= '9') out.push_back(c);
        else if (!separator(c)) return std::string{addr}; // alphanumeric: as is
    }
    return out;
}

opt_out_rules::opt_out_rules(const config::profile_set& p) {
    for (const auto& c : p.clients)
        if (c.opt_out) clients_.emplace(c.account.system_id, *c.opt_out);
}

opt_out_action opt_out_rules::action(std::string_view system_id, std::string_view text) const {
    const auto it = clients_.find(system_id);
    if (it == clients_.end()) return opt_out_action::none;
    const auto w = opt_out_keyword(text);
    if (w.empty()) return opt_out_action::none;
    for (const auto& k : it->second.stop)
        if (same_word(w, k)) return opt_out_action::stop;
    for (const auto& k : it->second.start)
        if (same_word(w, k)) return opt_out_action::start;
    return opt_out_action::none;
}

bool opt_out_rules::enforced(std::string_view system_id) const {
    const auto it = clients_.find(system_id);
    return it != clients_.end() && it->second.enforce;
}

} // namespace twinsms::route
