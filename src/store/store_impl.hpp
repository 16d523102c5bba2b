#pragma once
// message_store internals shared by its .cpp files (open/ids/queue in
// message_store.cpp, the group-commit writer in store_writer.cpp, reads in
// store_reads.cpp). Not part of the interface.
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <thread>
#include <vector>

#include "metrics/histogram.hpp"
#include "store/lmdb.hpp"
#include "store/message_store.hpp"

namespace twinsms::store {

inline constexpr std::size_t table_count = static_cast<std::size_t>(table::count_);
// 2: history in the message record, no receipt_expiry and finished indexes,
// one in-flight mark per group of attempts (store_migrate.cpp upgrades a version 1 store).
inline constexpr std::uint64_t schema_version = 2;
// Ids are persisted this far ahead of use; a new block is reserved once
// half of the current one is used, so callers practically never wait.
inline constexpr std::uint64_t id_block = 10'000;

inline constexpr std::array<const char*, table_count> table_names{
    "messages", "queue", "receipts", "receipt_expiry", "deliveries", "history", "finished", "meta", "in_flight", "opt_out", "credit"};

// One id sequence: ids below `reserved` are covered by what meta holds.
struct id_sequence {
    const char* meta_key;
    std::atomic<std::uint64_t> next{1};
    std::atomic<std::uint64_t> reserved{1};
};

struct message_store::impl {
    struct pending {
        write_batch batch;
        boost::asio::any_io_executor ex;
        done_fn done;
        std::uint64_t ticket;
    };

    store_options opt;
    std::uint64_t max_map = 0;
    MDB_env* env = nullptr;
    std::array<MDB_dbi, table_count> dbi{};
    std::size_t max_key = 0;

    // mdb_env_set_mapsize needs every transaction of the process ended:
    // reads hold this shared for their read transaction, growth exclusive.
    // (glibc's rwlock prefers readers: growth waits for a gap between
    // reads, which are short; the writer holds no write transaction then.)
    mutable std::shared_mutex map_mutex;

    id_sequence message_ids{"next_message_id"};
    id_sequence delivery_ids{"next_delivery_id"};
    std::atomic<bool> reserve_requested{false};
    std::atomic<bool> reserve_failed{false};
    std::condition_variable id_cv; // with `mutex`: callers waiting for a reservation

    std::mutex mutex; // the queue and what follows
    std::condition_variable wake;    // the writer: work, stop or reservation
    std::condition_variable flushed; // flush(): done_ticket moved
    std::deque<pending> queue;
    std::uint64_t next_ticket = 0;
    std::uint64_t done_ticket = 0; // every ticket below this is committed or failed
    bool stopping = false;

    std::mutex sink_mutex;
    change_sink sink;

    std::atomic<std::uint64_t> commits{0}, batches{0}, commit_failures{0}, map_growths{0}, map_reserve_uses{0};
    std::atomic<std::uint64_t> last_commit_seq{0};
    // LMDB operations (puts and deletes) committed, by table: what a
    // message's life costs the writer (issue 15 counts it per message).
    std::array<std::atomic<std::uint64_t>, table_count> ops_by_table{};
    // Written by the writer thread only (metrics/histogram.hpp), read by get_stats().
    metrics::histogram commit_us{metrics::latency_us}, commit_batches{metrics::sizes}, commit_ops{metrics::sizes};

    std::thread writer;

    // Completions leave through the syncer thread, in order. With store
    // sync the environment runs MDB_NOMETASYNC: a commit syncs its data
    // pages, and the syncer's fdatasync makes its meta page durable before
    // anyone hears of it, while the writer already builds and commits the
    // next transaction. So a batch that arrives during a commit waits for
    // that one's data sync and its own, not for two full commits. LMDB
    // never reuses pages the previous meta still points to, so a meta page
    // lost by a crash leaves the one before it intact, and nobody was told
    // of the transaction it would have made durable.
    struct completion {
        boost::asio::any_io_executor ex;
        done_fn done;
        error_code ec;
    };
    struct sync_job {
        std::vector<completion> dones;
        bool needs_sync = false;     // a commit was among them (store sync)
        std::uint64_t ticket_end = 0; // done_ticket once posted (0: unchanged)
    };
    std::vector<completion> round_dones; // the writer's, for the job of its current loop
    std::mutex sync_mutex;
    std::condition_variable sync_wake;
    std::deque<sync_job> sync_queue;
    bool sync_stopping = false;
    std::atomic<std::uint64_t> meta_syncs{0}, sync_failures{0};
    std::thread syncer;
    void run_syncer() noexcept;
    void hand_to_syncer(bool needs_sync, std::uint64_t ticket_end);

    explicit impl(store_options o);
    ~impl();

    // message_store.cpp
    std::uint64_t take_id(id_sequence& s);
    // Writes the reservation `s` needs into `t` (meta) and sets `bound` to
    // publish once committed (0: none was needed).
    int reserve_ids(lmdb::txn& t, id_sequence& s, bool force, std::uint64_t& bound);
    // Raises the next ids above the highest message and delivery id stored.
    int raise_above_records(lmdb::txn& t, std::uint64_t& next_msg, std::uint64_t& next_dlv);
    void publish_reservation(id_sequence& s, std::uint64_t bound);
    // store_migrate.cpp: schema 1 to 2 in place, resumable; an LMDB code.
    int upgrade_from_1();

    // store_writer.cpp
    void run_writer() noexcept;
    bool on_writer_thread() const noexcept;
    void run_round(std::vector<pending*>& round);
    // One write transaction: reservations, every op of `round`, last_commit_seq.
    int try_commit(const std::vector<pending*>& round, std::uint64_t& first_seq);
    void committed(const std::vector<pending*>& round, std::uint64_t first_seq);
    void fail(const std::vector<pending*>& round, store_error e);
    // Posts p.done(ec) to p.ex once; later calls for `p` do nothing.
    void complete(pending& p, const error_code& ec) noexcept;
    void complete(const std::vector<pending*>& round, const error_code& ec) noexcept;
    // Doubles the map up to `limit`; false when already there (or failed).
    bool grow(std::uint64_t limit);
    bool set_map_size(std::uint64_t size);
    // Room beyond max_map that only batches admitting nothing new (and
    // nudge) may use, briefly.
    std::uint64_t map_reserve() const noexcept;
    // LMDB reuses the pages a commit freed only from the second transaction
    // after it (the previous snapshot stays intact for crash safety), and a
    // failed transaction does not move on, and readers on older snapshots
    // hold freed pages: right after a sweep on a full map, every retry of
    // the next write would fail. A tiny commit of meta, then waiting out
    // the readers that began before it, moves past that; true if done.
    bool nudge();
    // The batches of a round that hit the limit which admit nothing new
    // (write_batch::admits()); true if committed.
    bool commit_with_reserve(const std::vector<pending*>& onward, bool try_at_limit);
    // commit_with_reserve, halving what does not fit: a round of thousands
    // of progress batches spread over every leaf copies more pages than the
    // reserve holds, while smaller commits reuse the pages earlier ones
    // freed. Keeps the order; adds to `failed` the batches that fail alone.
    void commit_onward(std::span<pending* const> onward, bool try_at_limit, std::vector<pending*>& failed);
    bool valid(const write_batch& b) const noexcept;

    MDB_dbi of(table t) const noexcept { return dbi[static_cast<std::size_t>(t)]; }

    // Per-account queue depth (message_store::queued_by_account): seeded by
    // a scan of the queue index at open, moved by committed().
    mutable std::mutex queued_mutex;
    std::map<std::string, std::int64_t, std::less<>> queued_accounts;
    void seed_queued();

    // Where sweep()'s rolling scan of the receipt mappings goes on (a key
    // of table::receipts; empty: from the start).
    mutable std::mutex sweep_mutex;
    mutable std::string receipt_sweep_from;
    mutable std::string message_sweep_from; // the same for finished messages (table::messages)
};

// Read transaction holding the map lock shared (see map_mutex).
class read_txn {
public:
    read_txn(MDB_env* env, std::shared_mutex& map_mutex);
    bool ok() const noexcept { return rc_ == MDB_SUCCESS; }
    lmdb::txn& txn() noexcept { return txn_; }

private:
    std::shared_lock<std::shared_mutex> lock_;
    lmdb::txn txn_; // ends before lock_ is released
    int rc_;
};

} // namespace twinsms::store
