#include "smpp/server/authenticator.hpp"
#include "util/secret_equal.hpp"

namespace twinsms::smpp {

bind_decision authenticator::decide(const account_table& accounts, const bind_attempt& a,
                                    const std::function<unsigned(const client_account&)>& current_binds,
                                    time_point now) {
    using guard::door;
    using guard::verdict;
    switch (guard_->check(door::smpp, a.remote, a.system_id, now)) {
    case verdict::allow: break;
    // A lock is answered like a wrong password: a different answer would
    // tell a guesser that the system_id exists.
    case verdict::account_locked: return {status::invpaswd, nullptr, "account locked after repeated failed binds"};
    case verdict::address_blocked: return {status::bindfail, nullptr, "address blocked after repeated failed binds"};
    case verdict::network_blocked: return {status::bindfail, nullptr, "network blocked after repeated failed binds"};
    case verdict::overloaded: return {status::bindfail, nullptr, "too many failed logins from too many addresses"};
    }
    const client_account* acc = accounts.find(a.system_id);
    // In constant time, so response timing does not reveal how much of a
    // guessed password was right (nor, compared with a dummy, whether the
    // system_id exists).
    if (acc == nullptr) {
        (void)secret_equal(a.password, "an account that does not exist");
        return {status::invpaswd, nullptr, "unknown system_id", guard_->failed(door::smpp, a.remote, {}, now)};
    }
    if (!secret_equal(a.password, acc->password))
        return {status::invpaswd, nullptr, "wrong password", guard_->failed(door::smpp, a.remote, acc->system_id, now)};
    // The password was right: counted against the address, not the account.
    if (!acc->allows_source(a.remote))
        return {status::bindfail, nullptr, "source address not allowed for this account",
                guard_->failed(door::smpp, a.remote, {}, now)};
    guard_->succeeded(door::smpp, a.remote, acc->system_id, now);
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
