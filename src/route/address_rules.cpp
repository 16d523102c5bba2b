#include "route/address_rules.hpp"

#include <algorithm>

namespace twinsms::route {
namespace {

bool starts_with(std::string_view s, std::string_view p) noexcept { return s.substr(0, p.size()) == p; }

// Numbers of a profile without a numbering key: as written, except that
// a carrier or a client with one reads them in its own plan.
const config::numbering_settings plain{};

} // namespace

address_rules::address_rules(const config::profile_set& p) {
    for (const auto& c : p.clients) {
        if (!c.numbering && !c.senders.restricted() && c.senders.default_sender.empty()) continue;
        client_rules r{c.numbering, c.senders, std::nullopt, {}};
        if (!c.senders.default_sender.empty())
            r.routed_default = c.numbering ? normalise(*c.numbering, c.senders.default_sender, ton::unknown, npi::unknown).addr
                                           : c.senders.default_sender;
        if (c.senders.regex) r.sender_regex.emplace(*c.senders.regex, std::regex::ECMAScript | std::regex::optimize);
        clients_.emplace(c.account.system_id, std::move(r));
    }
    for (const auto& c : p.carriers) {
        if (c.charset) charsets_.emplace(c.name, *c.charset);
        if (!c.numbering && c.sender_override.empty() && !c.destinations.any()) continue;
        carrier_rules r{c.numbering, std::nullopt, c.destinations};
        if (!c.sender_override.empty())
            r.sender_override = normalise(c.numbering.value_or(plain), c.sender_override, ton::unknown, npi::unknown, false);
        restricts_ = restricts_ || c.destinations.any();
        carriers_.emplace(c.name, std::move(r));
    }
}

const address_rules::client_rules* address_rules::client(std::string_view system_id) const {
    const auto it = clients_.find(system_id);
    return it == clients_.end() ? nullptr : &it->second;
}

const address_rules::carrier_rules* address_rules::carrier(std::string_view name) const {
    const auto it = carriers_.find(name);
    return it == carriers_.end() ? nullptr : &it->second;
}

address address_rules::from_client(std::string_view system_id, std::string_view addr, std::uint8_t t,
                                   std::uint8_t n) const {
    const auto* c = client(system_id);
    if (!c || !c->numbering) return {std::string{addr}, t, n};
    return normalise(*c->numbering, addr, t, n);
}

std::string_view address_rules::default_sender(std::string_view system_id) const {
    const auto* c = client(system_id);
    return c ? std::string_view{c->senders.default_sender} : std::string_view{};
}

std::optional<std::string> address_rules::sender_refusal(std::string_view system_id, const address& source) const {
    const auto* c = client(system_id);
    if (!c || !c->senders.restricted()) return std::nullopt;
    const auto& s = c->senders;
    const auto& a = source.addr;
    if (!c->routed_default.empty() && a == c->routed_default) return std::nullopt;
    if (std::find(s.allowed.begin(), s.allowed.end(), a) != s.allowed.end()) return std::nullopt;
    for (const auto& p : s.prefixes)
        if (starts_with(a, p)) return std::nullopt;
    if (c->sender_regex && std::regex_match(a, *c->sender_regex)) return std::nullopt;
    return "sender '" + a + "' is not among the senders of this account";
}

bool address_rules::carrier_takes(std::string_view name, std::string_view destination) const {
    const auto* c = carrier(name);
    if (!c || !c->destinations.any()) return true;
    const auto& d = c->destinations;
    for (const auto& p : d.denied)
        if (starts_with(destination, p)) return false;
    if (d.allowed.empty()) return true;
    return std::any_of(d.allowed.begin(), d.allowed.end(), [&](const auto& p) { return starts_with(destination, p); });
}

address address_rules::carrier_destination(std::string_view name, const address& routed) const {
    const auto* c = carrier(name);
    if (!c || !c->numbering) return routed;
    return present(*c->numbering, normalise(*c->numbering, routed.addr, routed.ton, routed.npi, false));
}

address address_rules::carrier_source(std::string_view name, const address& routed) const {
    const auto* c = carrier(name);
    if (!c) return routed;
    const auto& a = c->sender_override ? *c->sender_override : routed;
    if (!c->numbering) return a;
    return present(*c->numbering, normalise(*c->numbering, a.addr, a.ton, a.npi, false));
}

const sms::carrier_charset* address_rules::charset(std::string_view name) const {
    if (charsets_.empty()) return nullptr; // no carrier has the key: no lookup per submit
    const auto it = charsets_.find(name);
    return it == charsets_.end() ? nullptr : &it->second;
}

address address_rules::from_carrier(std::string_view name, std::string_view addr, std::uint8_t t, std::uint8_t n) const {
    const auto* c = carrier(name);
    if (!c || !c->numbering) return {std::string{addr}, t, n};
    return normalise(*c->numbering, addr, t, n);
}

address address_rules::to_client(std::string_view system_id, const address& routed) const {
    const auto* c = client(system_id);
    if (!c || !c->numbering) return routed;
    return present(*c->numbering, normalise(*c->numbering, routed.addr, routed.ton, routed.npi, false));
}

} // namespace twinsms::route
