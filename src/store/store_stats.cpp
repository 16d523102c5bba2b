// message_store's counts: queued messages by account (kept in memory,
// seeded at open by seed_queued in store_reads.cpp) and get_stats().
#include "store/store_impl.hpp"

namespace twinsms::store {

const char* table_name(table t) noexcept {
    const auto i = static_cast<std::size_t>(t);
    return i < table_count ? table_names[i] : "?";
}

std::map<std::string, std::uint64_t, std::less<>> message_store::queued_by_account() const {
    std::map<std::string, std::uint64_t, std::less<>> out;
    std::lock_guard lk{impl_->queued_mutex};
    // A batch whose `before` was wrong could move a count below zero; the
    // index stays right, so the count shows 0 rather than wrapping.
    for (const auto& [account, n] : impl_->queued_accounts)
        if (n > 0) out.emplace(account, static_cast<std::uint64_t>(n));
    return out;
}

message_store::stats message_store::get_stats() const {
    const auto& s = *impl_;
    stats out;
    out.commits = s.commits.load();
    out.batches = s.batches.load();
    out.commit_failures = s.commit_failures.load();
    out.map_growths = s.map_growths.load();
    out.map_reserve_uses = s.map_reserve_uses.load();
    out.last_commit_seq = s.last_commit_seq.load();
    out.meta_syncs = s.meta_syncs.load();
    out.sync_failures = s.sync_failures.load();
    for (std::size_t i = 0; i < table_count; ++i) out.ops[i] = s.ops_by_table[i].load(std::memory_order_relaxed);
    out.commit_us = s.commit_us.snapshot();
    out.commit_batches = s.commit_batches.snapshot();
    out.commit_ops = s.commit_ops.snapshot();
    read_txn r{s.env, s.map_mutex};
    if (!r.ok()) return out;
    const auto entries = [&](table tb) -> std::uint64_t {
        MDB_stat st;
        return mdb_stat(r.txn().get(), s.of(tb), &st) == MDB_SUCCESS ? st.ms_entries : 0;
    };
    out.messages = entries(table::messages);
    out.queued = entries(table::queue);
    out.deliveries = entries(table::deliveries);
    out.receipts = entries(table::receipts);
    MDB_envinfo info;
    MDB_stat st;
    if (mdb_env_info(s.env, &info) == MDB_SUCCESS && mdb_env_stat(s.env, &st) == MDB_SUCCESS) {
        out.map_size = info.me_mapsize;
        out.map_used = (static_cast<std::uint64_t>(info.me_last_pgno) + 1) * st.ms_psize;
    }
    return out;
}

} // namespace twinsms::store
