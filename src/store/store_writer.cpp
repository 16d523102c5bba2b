// The group-commit writer: one thread packs every queued batch (up to
// max_batch_ops) into one write transaction per round, because a durable
// commit costs an fsync (~4.5k commits/s here) while a transaction of 100
// records costs about the same. It never throws and never stops on errors:
// a failed round fails its batches and the next round tries again.
#include <algorithm>
#include <chrono>

#include <boost/asio/post.hpp>

#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {
namespace {

// The store whose writer runs on this thread (a change_sink must not wait for it).
thread_local const void* writer_of = nullptr;

constexpr auto sync_interval = std::chrono::milliseconds{200};

// Errors caused by what a batch holds rather than by the disk: with several
// batches in the round, each is retried alone so one bad batch fails alone.
bool batch_error(int rc) noexcept { return rc == MDB_TXN_FULL || rc == MDB_BAD_VALSIZE || rc == EINVAL; }

} // namespace

bool message_store::impl::on_writer_thread() const noexcept { return writer_of == this; }

void message_store::impl::run_writer() noexcept {
    writer_of = this;
    using clock = std::chrono::steady_clock;
    auto last_sync = clock::now();
    bool dirty = false; // async mode: committed since the last mdb_env_sync
    for (;;) {
        std::deque<pending> taken;
        {
            std::unique_lock lk{mutex};
            const auto ready = [&] { return !queue.empty() || stopping || reserve_requested.load(); };
            if (dirty) wake.wait_until(lk, last_sync + sync_interval, ready);
            else wake.wait(lk, ready);
            if (queue.empty() && stopping) break;
            std::size_t ops = 0;
            while (!queue.empty() &&
                   (taken.empty() || ops + queue.front().batch.ops().size() <= opt.max_batch_ops)) {
                ops += queue.front().batch.ops().size();
                taken.push_back(std::move(queue.front()));
                queue.pop_front();
            }
        }
        const auto commits_before = commits.load();
        std::vector<pending*> round;
        try {
            round.reserve(taken.size());
            for (auto& p : taken) {
                if (valid(p.batch)) {
                    round.push_back(&p);
                } else {
                    log::error("store", "invalid_batch").kv("ops", p.batch.ops().size());
                    fail({&p}, store_error::io);
                }
            }
            if (!round.empty() || reserve_requested.load()) run_round(round);
        } catch (const std::exception& e) {
            // Out of memory or similar: fail what is left, keep running.
            log::error("store", "round_failed").kv("error", e.what());
            for (auto& p : taken) complete(p, make_error_code(store_error::io)); // those not told yet
        }
        if (!opt.sync) {
            dirty = dirty || commits.load() != commits_before;
            const auto now = clock::now();
            if (dirty && now - last_sync >= sync_interval) {
                if (int rc = mdb_env_sync(env, 1)) log::error("store", "sync_failed").kv("error", lmdb::describe(rc));
                dirty = false;
                last_sync = now;
            }
        }
        const bool synced = opt.sync && commits.load() != commits_before;
        if (!taken.empty() || !round_dones.empty()) hand_to_syncer(synced, taken.empty() ? 0 : taken.back().ticket + 1);
    }
    writer_of = nullptr;
}

void message_store::impl::hand_to_syncer(bool needs_sync, std::uint64_t ticket_end) {
    try {
        std::lock_guard lk{sync_mutex};
        sync_queue.push_back({std::exchange(round_dones, {}), needs_sync, ticket_end});
    } catch (const std::exception& e) {
        // No memory: those callers are not told (as a failed post before).
        log::error("store", "done_post_failed").kv("error", e.what());
        round_dones.clear();
    }
    sync_wake.notify_one();
}

void message_store::impl::run_syncer() noexcept {
    for (;;) {
        std::deque<sync_job> jobs;
        {
            std::unique_lock lk{sync_mutex};
            sync_wake.wait(lk, [&] { return !sync_queue.empty() || sync_stopping; });
            if (sync_queue.empty()) break; // stopping, and the writer is done
            jobs.swap(sync_queue);
        }
        // One fdatasync for every commit queued meanwhile: the meta page of
        // the latest (and the data of any later transaction, harmlessly).
        error_code sync_ec;
        if (std::any_of(jobs.begin(), jobs.end(), [](const sync_job& j) { return j.needs_sync; })) {
            ++meta_syncs;
            if (const int rc = mdb_env_sync(env, 1)) {
                ++sync_failures;
                sync_ec = make_error_code(store_error::io);
                log::error("store", "sync_failed").kv("error", lmdb::describe(rc))
                    .kv("then", "the writes it was to make durable are reported failed");
            }
        }
        // One post per executor for them all, not one per batch: a round of
        // HTTP or SMPP submits holds a batch per request, and each post costs
        // both threads a lock and a wake-up. Each executor's callers run in
        // commit order.
        std::vector<std::pair<boost::asio::any_io_executor, std::vector<std::pair<done_fn, error_code>>>> groups;
        std::uint64_t ticket_end = 0;
        try {
            for (auto& j : jobs) {
                for (auto& c : j.dones) {
                    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.first == c.ex; });
                    if (g == groups.end()) g = groups.insert(groups.end(), {c.ex, {}});
                    g->second.emplace_back(std::move(c.done), c.ec ? c.ec : (j.needs_sync ? sync_ec : error_code{}));
                }
                ticket_end = std::max(ticket_end, j.ticket_end);
            }
            for (auto& [ex, dones] : groups)
                boost::asio::post(ex, [dones = std::move(dones)] {
                    for (const auto& [d, ec] : dones) d(ec);
                });
        } catch (const std::exception& e) {
            // No memory or an empty executor: the callers of that group are
            // not told (as a single failed post before); the others are.
            log::error("store", "done_post_failed").kv("error", e.what());
        }
        if (ticket_end) {
            {
                std::lock_guard lk{mutex};
                done_ticket = std::max(done_ticket, ticket_end);
            }
            flushed.notify_all();
        }
    }
}

bool message_store::impl::valid(const write_batch& b) const noexcept {
    for (const auto& op : b.ops())
        if (static_cast<std::size_t>(op.t) >= table_count || op.key.empty() || op.key.size() > max_key) return false;
    return true;
}

void message_store::impl::run_round(std::vector<pending*>& round) {
    bool nudged = false;
    for (;;) {
        std::uint64_t first_seq = 0;
        const int rc = try_commit(round, first_seq);
        if (rc == MDB_SUCCESS) {
            reserve_failed = false;
            committed(round, first_seq);
            return;
        }
        if (rc == MDB_MAP_FULL && grow(max_map)) continue;
        if (rc == MDB_MAP_FULL && !nudged) {
            nudged = true;
            if (nudge()) continue;
        }

        if (rc != MDB_MAP_FULL && batch_error(rc) && round.size() > 1) {
            for (auto* p : round) {
                std::vector<pending*> one{p};
                run_round(one);
            }
            return;
        }
        const bool full = rc == MDB_MAP_FULL || rc == ENOSPC;
        std::vector<pending*> failed;
        if (rc == MDB_MAP_FULL) {
            std::vector<pending*> onward; // see write_batch::admits()
            for (auto* p : round) (p->batch.admits() ? failed : onward).push_back(p);
            // Without the others they may fit at the limit; if they were
            // the whole round, that was just tried.
            if (!onward.empty()) commit_onward(onward, !failed.empty(), failed);
        } else {
            failed = round;
        }
        if (!failed.empty()) {
            ++commit_failures;
            log::line(full ? log::level::warn : log::level::error, "store", full ? "store_full" : "commit_failed")
                .kv("error", lmdb::describe(rc))
                .kv("batches", failed.size())
                .kv("max_map_size", max_map);
            fail(failed, full ? store_error::full : store_error::io);
        }
        // Callers waiting for an id reservation stop waiting: their batches
        // still get their ids persisted by the round that commits them.
        if (message_ids.next.load() >= message_ids.reserved.load() ||
            delivery_ids.next.load() >= delivery_ids.reserved.load()) {
            if (!reserve_failed.exchange(true)) log::warn("store", "id_reservation_failed");
            { std::lock_guard lk{mutex}; }
            id_cv.notify_all();
        }
        return;
    }
}

int message_store::impl::try_commit(const std::vector<pending*>& round, std::uint64_t& first_seq) {
    const auto started = std::chrono::steady_clock::now();
    lmdb::txn t;
    int rc = t.begin(env, 0);
    if (rc) return rc;
    reserve_requested = false;
    std::uint64_t msg_bound = 0, dlv_bound = 0;
    if ((rc = reserve_ids(t, message_ids, false, msg_bound)) || (rc = reserve_ids(t, delivery_ids, false, dlv_bound)))
        return rc;
    for (const auto* p : round) {
        for (const auto& op : p->batch.ops()) {
            rc = op.erase ? t.del(of(op.t), op.key) : t.put(of(op.t), op.key, op.value);
            if (rc == MDB_NOTFOUND && op.erase) rc = MDB_SUCCESS; // erasing what is gone is done
            if (rc) return rc;
        }
    }
    first_seq = last_commit_seq.load() + 1;
    if (!round.empty()) {
        std::string seq;
        append_be64(seq, first_seq + round.size() - 1);
        if ((rc = t.put(of(table::meta), "last_commit_seq", seq))) return rc;
    }
    if ((rc = t.commit())) return rc;
    if (!round.empty()) commit_us.observe_since(started);
    last_commit_seq = first_seq + round.size() - 1;
    publish_reservation(message_ids, msg_bound);
    publish_reservation(delivery_ids, dlv_bound);
    return MDB_SUCCESS;
}

void message_store::impl::committed(const std::vector<pending*>& round, std::uint64_t first_seq) {
    if (round.empty()) return; // a reservation-only round
    ++commits;
    batches += round.size();
    std::size_t ops = 0;
    for (const auto* p : round) {
        ops += p->batch.ops().size();
        for (const auto& op : p->batch.ops()) ops_by_table[static_cast<std::size_t>(op.t)].fetch_add(1, std::memory_order_relaxed);
    }
    ops_by_table[static_cast<std::size_t>(table::meta)].fetch_add(1, std::memory_order_relaxed); // last_commit_seq
    commit_batches.observe(round.size());
    commit_ops.observe(ops);
    {
        std::lock_guard lk{sink_mutex};
        if (sink) {
            auto seq = first_seq;
            for (const auto* p : round) {
                try {
                    sink(seq++, p->batch);
                } catch (const std::exception& e) {
                    log::error("store", "change_sink_failed").kv("seq", seq - 1).kv("error", e.what());
                }
            }
        }
    }
    {
        std::lock_guard lk{queued_mutex};
        for (const auto* p : round)
            for (const auto& [account, d] : p->batch.queue_moves()) queued_accounts[account] += d;
    }
    complete(round, {});
}

void message_store::impl::fail(const std::vector<pending*>& round, store_error e) {
    complete(round, make_error_code(e));
}

// The syncer posts them (run_syncer), after the sync that makes a commit
// durable; a failure goes the same way, so each caller hears in order.
void message_store::impl::complete(const std::vector<pending*>& round, const error_code& ec) noexcept {
    for (auto* p : round) complete(*p, ec);
}

void message_store::impl::complete(pending& p, const error_code& ec) noexcept {
    if (!p.done) return; // completed already (or nobody asked)
    try {
        round_dones.push_back({p.ex, std::move(p.done), ec});
    } catch (const std::exception& e) {
        // No memory: this batch's caller is not told, the others still are.
        log::error("store", "done_post_failed").kv("error", e.what());
    }
    p.done = nullptr;
}

} // namespace twinsms::store
