#include "smpp/server/authenticator.hpp"
#include "util/secret_equal.hpp"

namespace twinsms::smpp {

bind_decision authenticator::decide(const account_table& accounts, const bind_attempt& a,
                                    const std::function<unsigned(const client_account&)>& current_binds,
                                    time_point now) {
    const std::string addr = a.remote.to_string();
    if (guard_.blocked(addr, now)) return {status::bindfail, nullptr, "address blocked after repeated failed binds"};
    const client_account* acc = accounts.find(a.system_id);
    if (acc == nullptr) {
        guard_.on_failure(addr, now);
        return {status::invsysid, nullptr, "unknown system_id"};
    }
    // In constant time, so response timing does not reveal how much of a
    // guessed password was right.
    if (!secret_equal(a.password, acc->password)) {
        guard_.on_failure(addr, now);
        return {status::invpaswd, nullptr, "wrong password"};
    }
    if (!acc->allows_source(a.remote)) {
        guard_.on_failure(addr, now);
        return {status::bindfail, nullptr, "source address not allowed for this account"};
    }
    guard_.on_success(addr);
    if (!acc->active) return {status::bindfail, nullptr, "account profile is passive on this node"};
    if (!acc->allows(a.type)) return {status::bindfail, nullptr, "bind type not allowed for this account"};
    if (acc->max_binds > 0 && current_binds(*acc) >= acc->max_binds)
        return {status::bindfail, nullptr, "maximum simultaneous binds reached"};
    return {status::ok, acc, "ok"};
}

account_table::account_table(std::vector<client_account> accounts) {
    for (auto& a : accounts) {
        auto id = a.system_id;
        by_id_.insert_or_assign(std::move(id), std::move(a));
    }
}

const client_account* account_table::find(std::string_view system_id) const noexcept {
    auto it = by_id_.find(system_id);
    return it == by_id_.end() ? nullptr : &it->second;
}

} // namespace twinsms::smpp
