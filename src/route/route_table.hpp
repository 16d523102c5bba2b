#pragma once
// MT routing: the ordered rules of routes.yaml compiled once, then for each
// submit the first rule whose conditions all match (no rule: the daemon
// answers ESME_RINVDSTADR) and a carrier of that rule.
//
// This is on the submit path at tens of thousands of messages a second, so
// matching does not allocate for prefix, client, source and service_type
// conditions: destination prefixes are in a trie whose nodes list the rules
// they start, and the candidate rules come out of it already in rule order.
// Regex conditions are tested last (std::regex may allocate while matching).
#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/profiles.hpp"
#include "route/address_rules.hpp"
#include "route/carrier_filter.hpp"
#include "route/opt_out_rules.hpp"
#include "route/quiet_hours.hpp"

namespace twinsms::route {

struct mt_request {
    std::string_view client; // client profile name
    std::string_view source_addr;
    std::string_view destination_addr;
    std::string_view service_type;
};

class compiled_rule {
public:
    const std::string& name() const noexcept { return name_; }
    config::route_strategy strategy() const noexcept { return strategy_; }
    // The rule's carriers in listed order (failover order), with their weights.
    const std::vector<std::string>& carriers() const noexcept { return carriers_; }
    const std::vector<unsigned>& weights() const noexcept { return weights_; }
    // Position in the table, 0-based.
    std::size_t index() const noexcept { return index_; }
    // Every condition, destination prefixes included. route_table::match
    // does not call this for the prefixes, the trie has checked them.
    bool matches(const mt_request& r) const;

private:
    friend class route_table;
    bool matches_except_prefix(const mt_request& r) const;

    std::string name_;
    config::route_strategy strategy_ = config::route_strategy::failover;
    std::vector<std::string> carriers_;
    std::vector<unsigned> weights_;
    std::size_t index_ = 0;
    std::size_t state_ = 0; // first of this rule's counters in route_table::current_

    std::vector<std::string> prefixes_;
    std::optional<std::regex> regex_;
    std::vector<std::string> clients_; // sorted
    std::vector<std::string> source_prefixes_;
    std::optional<std::string> service_type_;
};

class route_table {
public:
    route_table() = default;
    // Rules as loaded by config::load_profiles (already validated); a bad
    // regex still throws std::regex_error.
    explicit route_table(const std::vector<config::route_rule>& rules);
    // With the profiles' addressing: match() then skips a rule none of
    // whose carriers may take the destination (carrier `destinations`).
    route_table(const std::vector<config::route_rule>& rules, address_rules addresses);
    // What a node routes by: the profiles' rules, addressing and quiet hours.
    explicit route_table(const config::profile_set& profiles);

    // The numbers an mt_request carries are in the routed form of
    // `addresses()` (route/numbering.hpp): callers bring them there first.
    const address_rules& addresses() const noexcept { return addresses_; }
    // The quiet hours of its rules and of the clients.
    const quiet_rules& quiet() const noexcept { return quiet_; }
    // The clients' opt-out keywords and enforcement.
    const opt_out_rules& opt_outs() const noexcept { return opt_outs_; }
    // The client's credit settings (by system_id); nullptr: it pays nothing.
    const config::credit_settings* credit_of(std::string_view system_id) const {
        const auto it = credits_.find(system_id);
        return it == credits_.end() ? nullptr : &it->second;
    }

    // The first rule that matches, or nullptr. Pointers stay valid for the
    // table's lifetime (and across moves, not copies).
    const compiled_rule* match(const mt_request& r) const;

    // A carrier of `rule` (a rule of this table) among those `usable` accepts
    // (false for carriers that are down, or that this message already failed
    // on permanently); nullopt if none. failover: the first usable one in
    // listed order. weighted: smooth weighted round robin (nginx) over the
    // usable ones; a carrier's weight is the carrier's, however many binds
    // it has (the caller spreads over the binds and calls a carrier usable
    // while any bind is up). The round robin state is per rule, starts at
    // zero and moves only here, so a sequence of picks is deterministic.
    std::optional<std::string_view> pick(const compiled_rule& rule, carrier_filter usable);
    std::optional<std::string_view> pick(const compiled_rule& rule);

    std::span<const compiled_rule> rules() const noexcept { return rules_; }
    const compiled_rule* find(std::string_view name) const noexcept;

private:
    struct node {
        std::vector<std::pair<char, std::uint32_t>> children;
        std::vector<std::uint32_t> rules; // rules with this exact prefix, ascending
    };
    std::uint32_t child(std::uint32_t n, char c) const noexcept;
    void add_prefix(std::string_view prefix, std::uint32_t rule);

    std::vector<compiled_rule> rules_;
    std::vector<node> nodes_;            // trie of destination prefixes; nodes_[0] is the root
    std::vector<std::uint32_t> anywhere_; // rules without a prefix condition, ascending
    std::vector<std::int64_t> current_;  // smooth WRR current weights, per rule and carrier
    address_rules addresses_;
    quiet_rules quiet_;
    opt_out_rules opt_outs_;
    std::map<std::string, config::credit_settings, std::less<>> credits_;
};

} // namespace twinsms::route
