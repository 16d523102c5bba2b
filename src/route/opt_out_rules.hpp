#pragma once
// Opt-out decided: what an MO's first word does to a client's list, whether
// the client's messages to a listed handset are refused, and the one form a
// number takes on the list (so "+44 7700 900123" from a client and
// "447700900123" from a carrier are the same handset). Pure; the store
// holds the lists (store/opt_out.hpp), route_table holds these rules.
#include <map>
#include <string>
#include <string_view>

#include "config/profiles.hpp"

namespace twinsms::route {

// The list's form of a number: its digits ('+', spaces, dashes, dots and
// brackets dropped). Callers pass numbers already in the routed form
// (route/numbering.hpp) where the profiles have numbering, so national and
// international writings meet there; an alphanumeric address is kept as is.
std::string opt_out_number(std::string_view addr);

// The word of an MO that keywords are compared with: its first, without
// the punctuation a handset may put after it ("Stop." "STOP!").
std::string_view opt_out_keyword(std::string_view text);

enum class opt_out_action { none, stop, start };

class opt_out_rules {
public:
    opt_out_rules() = default;
    explicit opt_out_rules(const config::profile_set& p);

    bool empty() const noexcept { return clients_.empty(); }
    // What an MO routed to the client (by system_id) does to its list.
    opt_out_action action(std::string_view system_id, std::string_view text) const;
    // Whether the client's messages to listed handsets are refused.
    bool enforced(std::string_view system_id) const;
    bool keeps_list(std::string_view system_id) const { return clients_.find(system_id) != clients_.end(); }

private:
    std::map<std::string, config::opt_out_settings, std::less<>> clients_;
};

} // namespace twinsms::route
