// Credit balances (engine/credit_book.hpp): key account, value be64 of the
// balance in millionths (two's complement: a correction may go below zero).
#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {

void write_batch::put_credit(std::string_view account, std::int64_t balance) {
    std::string v;
    append_be64(v, static_cast<std::uint64_t>(balance));
    put(table::credit, std::string{account}, std::move(v));
}

std::optional<std::int64_t> message_store::credit_of(std::string_view account) const {
    read_txn r{impl_->env, impl_->map_mutex};
    if (!r.ok()) return std::nullopt;
    std::string_view v;
    if (const int rc = r.txn().get(impl_->of(table::credit), account, v); rc != MDB_SUCCESS) {
        if (rc != MDB_NOTFOUND) log::error("store", "read_failed").kv("table", "credit").kv("error", lmdb::describe(rc));
        return std::nullopt;
    }
    std::uint64_t raw = 0;
    if (!read_be64(v, 0, raw)) {
        log::warn("store", "corrupt_record").kv("table", "credit").kv("account", account);
        return std::nullopt;
    }
    return static_cast<std::int64_t>(raw);
}

} // namespace twinsms::store
