// Opt-out records (store/opt_out.hpp): key account \0 number, value
// be64(at) then the free text of how it was added.
#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {
namespace {

std::string opt_out_key(std::string_view account, std::string_view number) {
    std::string k;
    k.reserve(account.size() + 1 + number.size());
    k.append(account).push_back('\0');
    k.append(number);
    return k;
}

bool decode_opt_out(std::string_view key, std::string_view value, opt_out_entry& out) {
    const auto nul = key.find('\0');
    std::uint64_t at = 0;
    if (nul == std::string_view::npos || !read_be64(value, 0, at)) return false;
    out.account = std::string{key.substr(0, nul)};
    out.number = std::string{key.substr(nul + 1)};
    out.at = static_cast<std::int64_t>(at);
    out.via = std::string{value.substr(8)};
    return true;
}

} // namespace

void write_batch::put_opt_out(const opt_out_entry& e) {
    std::string v;
    append_be64(v, static_cast<std::uint64_t>(e.at));
    v += e.via;
    put(table::opt_out, opt_out_key(e.account, e.number), std::move(v));
}

void write_batch::erase_opt_out(std::string_view account, std::string_view number) {
    erase(table::opt_out, opt_out_key(account, number));
}

std::optional<opt_out_entry> message_store::opted_out(std::string_view account, std::string_view number) const {
    read_txn r{impl_->env, impl_->map_mutex};
    if (!r.ok()) return std::nullopt;
    const auto key = opt_out_key(account, number);
    std::string_view v;
    if (const int rc = r.txn().get(impl_->of(table::opt_out), key, v); rc != MDB_SUCCESS) {
        if (rc != MDB_NOTFOUND) log::error("store", "read_failed").kv("table", "opt_out").kv("error", lmdb::describe(rc));
        return std::nullopt;
    }
    opt_out_entry e;
    if (!decode_opt_out(key, v, e)) {
        log::warn("store", "corrupt_record").kv("table", "opt_out").kv("account", account);
        return std::nullopt;
    }
    return e;
}

std::vector<opt_out_entry> message_store::opt_outs(std::string_view account, std::string_view after,
                                                   std::size_t max) const {
    std::vector<opt_out_entry> out;
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || max == 0 || c.open(r.txn(), impl_->of(table::opt_out))) return out;
    const auto prefix = opt_out_key(account, "");
    int rc = c.seek(after.empty() ? prefix : opt_out_key(account, after));
    if (rc == MDB_SUCCESS && !after.empty() && c.key() == opt_out_key(account, after)) rc = c.next();
    for (; rc == MDB_SUCCESS && out.size() < max && c.key().substr(0, prefix.size()) == prefix; rc = c.next()) {
        opt_out_entry e;
        if (decode_opt_out(c.key(), c.value(), e)) out.push_back(std::move(e));
        else log::warn("store", "corrupt_record").kv("table", "opt_out").kv("account", account);
    }
    return out;
}

} // namespace twinsms::store
