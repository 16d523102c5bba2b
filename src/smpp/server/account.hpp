#pragma once
// Client (ESME) accounts as the listener sees them.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/account.hpp"
#include "smpp/server/ip_range.hpp"
#include "smpp/session/bind_state.hpp"

namespace twinsms::smpp {

// The profile's account settings are what the listener checks (config/account.hpp).
using client_account = config::account_settings;

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
