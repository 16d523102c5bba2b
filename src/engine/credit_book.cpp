#include "engine/credit_book.hpp"

namespace twinsms::engine {

std::int64_t& credit_book::of(const std::string& account) {
    auto it = balances_.find(account);
    if (it == balances_.end()) it = balances_.emplace(account, store_.credit_of(account).value_or(0)).first;
    return it->second;
}

std::int64_t credit_book::balance(const std::string& account) { return of(account); }

bool credit_book::take(const std::string& account, std::int64_t amount, store::write_batch& b) {
    auto& v = of(account);
    if (v < amount) return false;
    v -= amount;
    b.put_credit(account, v);
    return true;
}

void credit_book::give(const std::string& account, std::int64_t amount, store::write_batch& b) {
    auto& v = of(account);
    v += amount;
    b.put_credit(account, v);
}

void credit_book::set(const std::string& account, std::int64_t balance, store::write_batch& b) {
    of(account) = balance;
    b.put_credit(account, balance);
}

} // namespace twinsms::engine
