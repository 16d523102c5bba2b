#pragma once
// A client (ESME) account as plain data: credentials, allowed binds and
// sources, limits. The SMPP listener (smpp/server/account.hpp) uses it as
// its client_account; the HTTP and SMTP front doors apply the same rules.
#include <string>
#include <vector>

#include "config/session.hpp"
#include "util/ip_range.hpp"

namespace twinsms::config {

struct account_settings {
    std::string system_id;
    std::string password;
    bool allow_transmitter = true;
    bool allow_receiver = true;
    bool allow_transceiver = true;
    std::vector<ip_range> allowed_sources; // empty: any address
    unsigned max_binds = 0;                // 0: unlimited
    double tps = 0;                        // submits per second, 0: unlimited
    double burst = 0;                      // token bucket size, 0: one second's worth
    // Passive profiles are configured but refuse binds (ESME_RBINDFAIL);
    // the cluster activates them on takeover.
    bool active = true;

    bool allows(bind_type t) const noexcept {
        switch (t) {
        case bind_type::transmitter: return allow_transmitter;
        case bind_type::receiver: return allow_receiver;
        case bind_type::transceiver: return allow_transceiver;
        }
        return false;
    }
    // The same rule for every front door (SMPP bind, HTTP token or login).
    bool allows_source(const ip_range::address& remote) const noexcept {
        if (allowed_sources.empty()) return true;
        for (const auto& r : allowed_sources)
            if (r.contains(remote)) return true;
        return false;
    }
};

} // namespace twinsms::config
