#pragma once
// The addressing keys of every client and carrier profile, compiled once
// per profile load: what the route table sees of a submit's numbers, which
// senders a client may use, which destinations a carrier takes, and the
// numbers a carrier or a client is given. Pure; route_table holds one.
//
// A profile without these keys changes nothing: its numbers pass as
// written, which is how every profile behaved before they existed. The
// carriers' charset keys ride along, looked up per carrier as the numbers are.
#include <map>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "config/profiles.hpp"
#include "route/numbering.hpp"

namespace twinsms::route {

class address_rules {
public:
    address_rules() = default;
    explicit address_rules(const config::profile_set& p);

    // No profile has an addressing key.
    bool empty() const noexcept { return clients_.empty() && carriers_.empty(); }
    // Some carrier lists allowed or denied destinations.
    bool restricts_destinations() const noexcept { return restricts_; }

    // A number of a client's submit (source or destination) in the routed form.
    address from_client(std::string_view system_id, std::string_view addr, std::uint8_t ton, std::uint8_t npi) const;
    // The sender put on a submit that has none; empty: none.
    std::string_view default_sender(std::string_view system_id) const;
    // Why the client may not send from `source` (routed form); nullopt: it may.
    std::optional<std::string> sender_refusal(std::string_view system_id, const address& source) const;

    // Whether the carrier may take the routed destination.
    bool carrier_takes(std::string_view carrier, std::string_view destination) const;
    // The routed destination, and source, as sent to the carrier: in its
    // numbering, and the source replaced by its sender_override.
    address carrier_destination(std::string_view carrier, const address& routed) const;
    address carrier_source(std::string_view carrier, const address& routed) const;

    // An MO's numbers: read in the carrier's numbering, then written in the
    // numbering of the client it goes to.
    address from_carrier(std::string_view carrier, std::string_view addr, std::uint8_t ton, std::uint8_t npi) const;
    address to_client(std::string_view system_id, const address& routed) const;

    // The carrier's charset key (sms/carrier_charset.hpp); nullptr: none,
    // the carrier gets the client's user data as stored. Kept apart from
    // the addressing keys: empty() says nothing of it.
    const sms::carrier_charset* charset(std::string_view carrier) const;

private:
    struct client_rules {
        std::optional<config::numbering_settings> numbering;
        config::sender_settings senders;
        std::optional<std::regex> sender_regex;
        std::string routed_default; // senders.default_sender in the routed form, always allowed
    };
    struct carrier_rules {
        std::optional<config::numbering_settings> numbering;
        std::optional<address> sender_override; // routed form
        config::destination_settings destinations;
    };
    const client_rules* client(std::string_view system_id) const;
    const carrier_rules* carrier(std::string_view name) const;

    std::map<std::string, client_rules, std::less<>> clients_;   // by system_id
    std::map<std::string, carrier_rules, std::less<>> carriers_; // by profile name
    std::map<std::string, sms::carrier_charset, std::less<>> charsets_; // by profile name
    bool restricts_ = false;
};

} // namespace twinsms::route
