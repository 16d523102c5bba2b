#include "route/route_table.hpp"

#include <algorithm>
#include <cassert>
#include <limits>

#include <boost/container/small_vector.hpp>

namespace twinsms::route {
namespace {

bool any_prefix(const std::vector<std::string>& prefixes, std::string_view s) noexcept {
    for (const auto& p : prefixes)
        if (s.starts_with(p)) return true;
    return false;
}

} // namespace

bool compiled_rule::matches_except_prefix(const mt_request& r) const {
    if (service_type_ && r.service_type != *service_type_) return false;
    if (!clients_.empty() && !std::binary_search(clients_.begin(), clients_.end(), r.client, std::less<>{}))
        return false;
    if (!source_prefixes_.empty() && !any_prefix(source_prefixes_, r.source_addr)) return false;
    if (regex_ && !std::regex_search(r.destination_addr.data(), r.destination_addr.data() + r.destination_addr.size(),
                                     *regex_))
        return false;
    return true;
}

bool compiled_rule::matches(const mt_request& r) const {
    if (!prefixes_.empty() && !any_prefix(prefixes_, r.destination_addr)) return false;
    return matches_except_prefix(r);
}

route_table::route_table(const std::vector<config::route_rule>& rules) {
    nodes_.emplace_back();
    rules_.reserve(rules.size());
    for (const auto& in : rules) {
        compiled_rule& c = rules_.emplace_back();
        c.name_ = in.name;
        c.strategy_ = in.strategy;
        for (const auto& t : in.carriers) {
            c.carriers_.push_back(t.carrier);
            c.weights_.push_back(std::max(1u, t.weight));
        }
        c.index_ = rules_.size() - 1;
        c.state_ = current_.size();
        current_.resize(current_.size() + c.carriers_.size(), 0);
        c.prefixes_ = in.prefixes;
        if (in.regex) c.regex_.emplace(*in.regex, std::regex::ECMAScript | std::regex::optimize);
        c.clients_ = in.clients;
        std::sort(c.clients_.begin(), c.clients_.end());
        c.source_prefixes_ = in.source_prefixes;
        c.service_type_ = in.service_type;
        const auto index = static_cast<std::uint32_t>(c.index_);
        if (c.prefixes_.empty()) anywhere_.push_back(index);
        for (const auto& p : c.prefixes_) add_prefix(p, index);
    }
}

route_table::route_table(const std::vector<config::route_rule>& rules, address_rules addresses) : route_table{rules} {
    addresses_ = std::move(addresses);
}

route_table::route_table(const config::profile_set& profiles) : route_table{profiles.routes} {
    addresses_ = address_rules{profiles};
    quiet_ = quiet_rules{profiles};
    opt_outs_ = opt_out_rules{profiles};
    for (const auto& c : profiles.clients)
        if (c.credit) credits_.emplace(c.account.system_id, *c.credit);
}

std::uint32_t route_table::child(std::uint32_t n, char c) const noexcept {
    for (const auto& [k, v] : nodes_[n].children)
        if (k == c) return v;
    return 0;
}

void route_table::add_prefix(std::string_view prefix, std::uint32_t rule) {
    std::uint32_t n = 0;
    for (char c : prefix) {
        std::uint32_t next = child(n, c);
        if (next == 0) {
            next = static_cast<std::uint32_t>(nodes_.size());
            nodes_.emplace_back(); // may move nodes_: index, never hold a reference across this
            nodes_[n].children.emplace_back(c, next);
        }
        n = next;
    }
    auto& list = nodes_[n].rules;
    if (list.empty() || list.back() != rule) list.push_back(rule); // a prefix listed twice in one rule
}

const compiled_rule* route_table::match(const mt_request& r) const {
    if (rules_.empty()) return nullptr;
    // The candidate rules are the prefix-less ones plus those of every trie
    // node on the destination's path; each list is ascending, so merging
    // them visits candidates in rule order and the first full match wins.
    // A destination meets rules at a handful of its prefixes, so the lists
    // fit inline and nothing is allocated.
    using list = std::span<const std::uint32_t>;
    boost::container::small_vector<list, 24> lists;
    if (!anywhere_.empty()) lists.emplace_back(anywhere_);
    if (!nodes_[0].rules.empty()) lists.emplace_back(nodes_[0].rules);
    std::uint32_t n = 0;
    for (char c : r.destination_addr) {
        n = child(n, c);
        if (n == 0) break;
        if (!nodes_[n].rules.empty()) lists.emplace_back(nodes_[n].rules);
    }
    constexpr auto none = std::numeric_limits<std::uint32_t>::max();
    for (;;) {
        std::uint32_t next = none;
        for (const auto& l : lists)
            if (!l.empty()) next = std::min(next, l.front());
        if (next == none) return nullptr;
        for (auto& l : lists) // drop it from every list (a rule with prefixes "44" and "447")
            if (!l.empty() && l.front() == next) l = l.subspan(1);
        if (!rules_[next].matches_except_prefix(r)) continue;
        if (!addresses_.restricts_destinations()) return &rules_[next];
        for (const auto& c : rules_[next].carriers_) // a carrier that may not take the number is skipped
            if (addresses_.carrier_takes(c, r.destination_addr)) return &rules_[next];
    }
}

std::optional<std::string_view> route_table::pick(const compiled_rule& rule, carrier_filter usable) {
    assert(rule.index_ < rules_.size() && &rules_[rule.index_] == &rule);
    const auto& names = rule.carriers_;
    if (rule.strategy_ == config::route_strategy::failover) {
        for (const auto& c : names)
            if (usable(c)) return c;
        return std::nullopt;
    }
    // Smooth weighted round robin: every usable carrier gains its weight,
    // the one with the most is picked and pays back the total. Over a cycle
    // of sum(weights) picks each carrier is picked exactly its weight times,
    // interleaved (5,1,1 gives a a b a c a a, not a a a a a b c).
    std::int64_t* current = current_.data() + rule.state_;
    std::int64_t total = 0;
    std::size_t best = names.size();
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (!usable(names[i])) continue;
        current[i] += rule.weights_[i];
        total += rule.weights_[i];
        if (best == names.size() || current[i] > current[best]) best = i;
    }
    if (best == names.size()) return std::nullopt;
    current[best] -= total;
    return names[best];
}

std::optional<std::string_view> route_table::pick(const compiled_rule& rule) {
    return pick(rule, [](std::string_view) { return true; });
}

const compiled_rule* route_table::find(std::string_view name) const noexcept {
    for (const auto& r : rules_)
        if (r.name_ == name) return &r;
    return nullptr;
}

} // namespace twinsms::route
