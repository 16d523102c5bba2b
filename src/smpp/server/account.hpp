#pragma once
// Client (ESME) accounts as the listener sees them.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "smpp/server/ip_range.hpp"
#include "smpp/session/bind_state.hpp"

namespace twinsms::smpp {

struct client_account {
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
    bool allows_source(const boost::asio::ip::address& remote) const noexcept {
        if (allowed_sources.empty()) return true;
        for (const auto& r : allowed_sources)
            if (r.contains(remote)) return true;
        return false;
    }
};

// Immutable once built; the listener swaps in a new table on reload.
class account_table {
public:
    explicit account_table(std::vector<client_account> accounts);
    const client_account* find(std::string_view system_id) const noexcept;
    std::size_t size() const noexcept { return by_id_.size(); }

private:
    std::map<std::string, client_account, std::less<>> by_id_;
};

} // namespace twinsms::smpp
