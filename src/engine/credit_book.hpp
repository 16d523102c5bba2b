#pragma once
// Client accounts' credit balances (config/credit.hpp): held in memory on
// the node's thread, where every submit is decided, and stored in the
// store's credit table by writing the new balance into the batch that
// changed it (the message's own commit), so a client is told OK only with
// its debit committed, and a restart reads the balance back.
//
// A batch that fails to commit gives its amount back in memory. A later
// batch of the same account may have committed meanwhile with a balance
// that counted the failed debit; the next change writes the right one.
// Batches fail together in practice (a full map, a broken disk). For the
// same reason a dispatcher write retried after a failure (a refund in it)
// stores the balance of its first try; the account's next change corrects it.
#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/message_store.hpp"

namespace twinsms::engine {

class credit_book {
public:
    explicit credit_book(store::message_store& st) : store_{st} {}

    std::int64_t balance(const std::string& account);
    // Takes `amount` if the balance covers it, writing the new balance into `b`.
    bool take(const std::string& account, std::int64_t amount, store::write_batch& b);
    // Adds `amount` (a refund or a top-up; negative: a correction), writing
    // the new balance into `b`.
    void give(const std::string& account, std::int64_t amount, store::write_batch& b);
    // Replaces the balance.
    void set(const std::string& account, std::int64_t balance, store::write_batch& b);
    // The batch that took `amount` did not commit.
    void untake(const std::string& account, std::int64_t amount) { of(account) += amount; }

private:
    std::int64_t& of(const std::string& account);

    store::message_store& store_;
    std::unordered_map<std::string, std::int64_t> balances_;
};

} // namespace twinsms::engine
