#pragma once
// The durable message store on LMDB.
//
// Writes are batches of physical operations (put/del of a key in a table)
// handed to one writer thread, which packs the batches of every session into
// one LMDB transaction per round (group commit) and reports each batch's
// outcome on the executor it came from. A batch is all or nothing.
//
// Because a batch is a list of physical operations, the committed batches
// are also the change stream: change_sink sees every committed batch in
// commit order with its commit sequence number, and the peer replays them
// unchanged through write() (replication builds on this).
//
// Reads are synchronous and run on the caller's thread in their own read
// transaction; LMDB readers never block the writer.
#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/error_code.hpp>

#include "metrics/histogram.hpp"
#include "store/message.hpp"
#include "store/opt_out.hpp"

namespace twinsms::store {

using error_code = boost::system::error_code;

enum class store_error {
    ok = 0,
    full = 1,     // map full at its maximum size (or disk full): ESME_RMSGQFUL
    io = 2,       // disk or LMDB error: ESME_RSYSERR
    closed = 3,   // the store is stopping
    corrupt = 4,  // a record did not decode
};
const boost::system::error_category& store_category() noexcept;
inline error_code make_error_code(store_error e) noexcept { return {static_cast<int>(e), store_category()}; }

enum class table : std::uint8_t {
    messages = 0,   // be64(id) -> message
    queue,          // be64(next_attempt) be64(id) -> ""       (dispatch order)
    receipts,       // carrier \0 carrier_message_id -> be64(id) be64(expires_at)
    receipt_expiry, // unused since schema 2 (the sweep reads the expiry in receipts' values)
    deliveries,     // account \0 be64(delivery id) -> delivery
    history,        // unused since schema 2 (message::events)
    finished,       // unused since schema 2 (the retention sweep scans messages)
    meta,           // name -> value (next ids, schema version)
    in_flight,      // be64(id) be32(attempt) of its first -> in-flight attempts (encode_marks): attempts
                    // handed to carriers together, one mark for all (startup recovery without a full scan)
    opt_out,        // account \0 number -> be64(at) via   (store/opt_out.hpp; schema 2 still: a new table)
    credit,         // account -> be64(balance, millionths)  (engine/credit_book.hpp; a new table too)
    count_
};

// The table's name ("messages", "queue", ...), for logs and metrics.
const char* table_name(table t) noexcept;

struct store_options {
    std::filesystem::path path;            // a directory; created if missing
    std::uint64_t map_size = 1ull << 30;   // initial LMDB map size, bytes
    std::uint64_t max_map_size = 0;        // growth limit (0: 16x map_size)
    bool sync = true;                      // false: no fsync per commit (async durability)
    std::size_t max_batch_ops = 20'000;    // per transaction, across batches
    // The first message id of a fresh store (the secondary of a pair starts
    // high so the two nodes never hand a client the same id).
    std::uint64_t message_id_base = 1;
};

// A write: physical operations plus the typed helpers that keep the
// indexes (queue, receipt mappings) consistent with the records.
class write_batch {
public:
    struct op {
        table t;
        bool erase;
        std::string key;
        std::string value;
    };

    void put(table t, std::string key, std::string value);
    void erase(table t, std::string key);

    // Stores `m`, moving its queue index entry from what `before` had
    // (nullptr: a new message) to what `m` has.
    void put_message(const message& m, const message* before = nullptr);
    // Marks attempts handed to carriers, all in one operation, without
    // rewriting their records; returns the mark's key for clear_in_flight.
    // An attempt counts as in flight (in_flight()) while its record is
    // queued with fewer attempts than it went as: storing the outcome ends
    // it, so the mark may go once every outcome of its attempts is stored.
    std::string mark_in_flight(const std::vector<in_flight_attempt>& attempts);
    void clear_in_flight(std::string mark_key);
    void put_receipt_map(std::string_view carrier, std::string_view carrier_id, message_id id, epoch_ms expires);
    void put_delivery(const delivery& d);
    void erase_delivery(const delivery& d);
    // Erases `m` (as stored) with its queue entry.
    void erase_message(const message& m);
    // A handset on (or off) a client's opt-out list (store/opt_out.cpp).
    void put_opt_out(const opt_out_entry& e);
    void erase_opt_out(std::string_view account, std::string_view number);
    // A client account's credit balance (store/credit.cpp).
    void put_credit(std::string_view account, std::int64_t balance);

    // Takes `o`'s operations after this batch's (its queue moves and
    // admits() too): several batches written as one, all or nothing.
    void append(write_batch&& o);
    // Drops every operation that a later one on the same key overrides
    // (each sets or clears its key, so the batch's effect is unchanged) and
    // returns how many went. For a replica applying many of its peer's
    // commits at once: a message's record is written at intake and again at
    // submit, its queue entry and in-flight mark come and go, all in one read.
    std::size_t coalesce();

    const std::vector<op>& ops() const noexcept { return ops_; }
    bool empty() const noexcept { return ops_.empty(); }

    // A batch that takes in something new (a client's message, set by
    // put_message without `before`; an MO, set by its writer) rather than
    // moving stored things on. On a full map only such batches are refused:
    // the others (attempts, outcomes, receipts, erasures) may use a reserve
    // beyond the limit, or a full store could never deliver and drain.
    void admit() noexcept { admits_ = true; }
    bool admits() const noexcept { return admits_; }

    // Messages entering (+1) or leaving (-1) the queue by account, from
    // put_message and erase_message: what message_store::queued_by_account()
    // adds up once the batch is committed.
    const std::vector<std::pair<std::string, int>>& queue_moves() const noexcept { return queue_moves_; }
    // A replica replays its peer's batch: the ops through put()/erase() and
    // the queue moves, which are not ops, through this.
    void add_queue_move(const std::string& account, int d) { move_queue(account, d); }

private:
    void move_queue(const std::string& account, int d);

    std::vector<op> ops_;
    std::vector<std::pair<std::string, int>> queue_moves_;
    bool admits_ = false;
};

class message_store {
public:
    using done_fn = std::function<void(const error_code&)>;
    // Called on the writer thread after each commit, once per batch, in order.
    using change_sink = std::function<void(std::uint64_t commit_seq, const write_batch&)>;

    // Opens (or creates) the store; throws std::system_error with the path
    // and LMDB's reason when it cannot.
    explicit message_store(store_options opt);
    ~message_store(); // commits what is queued, then stops the writer

    message_store(const message_store&) = delete;
    message_store& operator=(const message_store&) = delete;

    // Ids are handed out in memory and persisted in batches ahead of use, so
    // a restart never reuses one (a gap is fine).
    message_id next_message_id();
    delivery_id next_delivery_id();

    // Queues `b` for the next group commit; `done` runs on `ex` after the
    // commit (or the failure) of the transaction that carried it. The
    // writer thread posts it, so ex's context must outlive that post: once
    // flush() returned, every post for earlier writes has returned too.
    void write(write_batch b, boost::asio::any_io_executor ex, done_fn done);
    // Blocks until everything queued so far is committed (shutdown, tests).
    void flush();
    void set_change_sink(change_sink s);

    // ---- reads (caller's thread) ----
    std::optional<message> get(message_id id) const;
    // Queued messages with next_attempt <= now, oldest first, at most `max`,
    // starting after `after` (resumable scan; nullopt: from the start).
    struct queue_pos {
        epoch_ms at;
        message_id id;
    };
    std::vector<message> due(epoch_ms now, std::size_t max, std::optional<queue_pos> after = {}) const;
    // The earliest next_attempt in the queue (to sleep until it).
    std::optional<epoch_ms> next_due() const;
    std::optional<message_id> find_receipt(std::string_view carrier, std::string_view carrier_id, epoch_ms now) const;
    std::vector<delivery> deliveries_for(std::string_view account, std::size_t max) const;
    // A meta value (written with write_batch::put(table::meta, ...)), e.g.
    // the cluster epoch.
    std::optional<std::string> get_meta(std::string_view key) const;
    // Whether `number` is on `account`'s opt-out list, and since when.
    std::optional<opt_out_entry> opted_out(std::string_view account, std::string_view number) const;
    // The account's list in number order, after `after` (empty: from the
    // start), at most `max` (export, the admin API).
    std::vector<opt_out_entry> opt_outs(std::string_view account, std::string_view after, std::size_t max) const;
    // A client account's credit balance as committed; nullopt: none stored.
    std::optional<std::int64_t> credit_of(std::string_view account) const;
    // The message's history (its record's events).
    std::vector<event> history(message_id id) const;
    // Messages with an attempt in flight (startup recovery), at most `max`,
    // with in_flight set.
    std::vector<message> in_flight(std::size_t max) const;
    // Erases every in-flight mark (up to `max`): after in_flight() was read
    // at startup, each resend sets a fresh one.
    write_batch clear_in_flight_marks(std::size_t max) const;
    // The message log, newest first: stored messages by descending id (ids
    // grow with acceptance), below `before` when given. `visit` sees each
    // until it returns false; at most `max_scan` records are read. Returns
    // the id to continue below when it stopped with older records left,
    // nullopt when it reached the oldest.
    std::optional<message_id> scan_messages(std::optional<message_id> before, std::size_t max_scan,
                                            const std::function<bool(const message&)>& visit) const;

    // ---- housekeeping (builds batches; the caller writes them) ----
    // Receipt mappings that expired by `now` (a rolling scan of the
    // mappings, resumed where the last sweep stopped) and finished messages
    // done before `finished_before`, at most `max` of each.
    write_batch sweep(epoch_ms now, epoch_ms finished_before, std::size_t max) const;

    // Unmaps the store's file pages from this process (they stay in the page
    // cache). Writes read B-tree pages through the map, so without this the
    // resident size grows with the store even though those pages are clean
    // and reclaimable; the node calls it periodically to keep RSS honest.
    void release_mapped_pages() const;

    // A consistent, compacted copy of the whole store (one read
    // transaction) written to the file `path`, for a replica that lost its
    // place in the change stream: the copy's meta last_commit_seq is where
    // the stream continues after it. Blocking (seconds for a large store):
    // run it off the io thread. Commits go on meanwhile; a map growth waits.
    error_code copy_to(const std::filesystem::path& path) const;

    struct stats {
        std::uint64_t messages = 0, queued = 0, deliveries = 0, receipts = 0;
        std::uint64_t map_size = 0, map_used = 0;
        std::uint64_t commits = 0, batches = 0, commit_failures = 0, map_growths = 0;
        std::uint64_t last_commit_seq = 0;
        // Commits admitting nothing new that needed the reserve beyond max_map_size.
        std::uint64_t map_reserve_uses = 0;
        // fdatasyncs by the syncer (durability sync: each covers every commit
        // since the last), and those that failed (their callers heard io).
        std::uint64_t meta_syncs = 0, sync_failures = 0;
        // Operations committed (puts and erases, with the writer's own meta
        // writes), by table (index: table).
        std::array<std::uint64_t, static_cast<std::size_t>(table::count_)> ops{};
        std::uint64_t ops_total() const noexcept {
            std::uint64_t n = 0;
            for (auto v : ops) n += v;
            return n;
        }
        // Per committed transaction: begin to commit returned, microseconds
        // (with store sync: the fsync included), and its batches and records.
        metrics::histogram_snapshot commit_us, commit_batches, commit_ops;
    };
    stats get_stats() const;
    // Queued messages (waiting for a carrier or a retry) per account: counted
    // from the queue index when the store opens, then kept by the commits.
    std::map<std::string, std::uint64_t, std::less<>> queued_by_account() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace twinsms::store

template <> struct boost::system::is_error_code_enum<twinsms::store::store_error> : std::true_type {};
