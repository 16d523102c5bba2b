// The writer's map sizing: the LMDB map is grown (up to max_map) before a
// round would fill it, with a reserve kept for what must always commit
// (store_writer.cpp runs the rounds).
#include <algorithm>

#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {

std::uint64_t message_store::impl::map_reserve() const noexcept {
    return std::max<std::uint64_t>(max_map / 8, 1 << 20);
}

bool message_store::impl::nudge() {
    const auto once = [this] {
        lmdb::txn t;
        int rc = t.begin(env, 0);
        std::string seq;
        append_be64(seq, last_commit_seq.load());
        if (!rc) rc = t.put(of(table::meta), "last_commit_seq", seq);
        if (!rc) rc = t.commit();
        return rc;
    };
    int rc = once();
    if (rc == MDB_MAP_FULL && set_map_size(max_map + map_reserve())) {
        rc = once();
        set_map_size(max_map);
    }
    if (rc != MDB_SUCCESS) return false;
    // Pages freed by a commit are reused only once no reader is on an
    // older snapshot: wait out the read transactions begun before this one
    // (later ones see it), so the retry does not depend on reader timing.
    { std::unique_lock lk{map_mutex}; }
    return true;
}

void message_store::impl::commit_onward(std::span<pending* const> onward, bool try_at_limit,
                                         std::vector<pending*>& failed) {
    if (commit_with_reserve({onward.begin(), onward.end()}, try_at_limit)) return;
    if (onward.size() == 1) {
        failed.push_back(onward.front());
        return;
    }
    const auto half = onward.size() / 2;
    commit_onward(onward.first(half), true, failed);
    commit_onward(onward.subspan(half), true, failed);
}

bool message_store::impl::commit_with_reserve(const std::vector<pending*>& onward, bool try_at_limit) {
    std::uint64_t seq = 0;
    int rc = try_at_limit ? try_commit(onward, seq) : MDB_MAP_FULL;
    if (rc == MDB_MAP_FULL) {
        // Moving a stored message on (its attempt, outcome, receipt, its
        // erasure) needs free pages too, copy-on-write of every page it
        // touches: without room for that a full map would never deliver,
        // finish and be swept. Such batches may use a reserve beyond the
        // limit, given back at once; only new messages are refused.
        if (!set_map_size(max_map + map_reserve())) return false;
        rc = try_commit(onward, seq);
        // LMDB keeps at least what is in use, so this may stay a little above.
        set_map_size(max_map);
        if (rc == MDB_SUCCESS) {
            ++map_reserve_uses;
            log::warn("store", "map_reserve_used").kv("batches", onward.size());
        }
    }
    if (rc != MDB_SUCCESS) return false;
    committed(onward, seq);
    return true;
}

bool message_store::impl::set_map_size(std::uint64_t size) {
    int rc;
    {
        std::unique_lock lk{map_mutex}; // no read transaction may be open
        rc = mdb_env_set_mapsize(env, size);
    }
    if (rc) log::error("store", "map_resize_failed").kv("to", size).kv("error", lmdb::describe(rc));
    return rc == MDB_SUCCESS;
}

bool message_store::impl::grow(std::uint64_t limit) {
    MDB_envinfo info;
    mdb_env_info(env, &info);
    const std::uint64_t from = info.me_mapsize;
    if (from >= limit) return false;
    const auto to = std::min(limit, from * 2);
    if (!set_map_size(to)) return false;
    ++map_growths;
    log::info("store", "map_grown").kv("from", from).kv("to", to);
    return true;
}

} // namespace twinsms::store
