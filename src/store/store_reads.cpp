// message_store reads: each in its own read transaction on the caller's
// thread (MDB_NOTLS), holding the map lock shared so growth waits for it.
// A record that does not decode is logged and skipped: a corrupt record
// must not stop the daemon.
#include <set>

#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {
namespace {

std::string hex(std::string_view s) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size() * 2);
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 0xf];
    }
    return out;
}

void log_corrupt(table t, std::string_view key) {
    log::warn("store", "corrupt_record").kv("table", table_name(t)).kv("key", hex(key));
}

template <class T>
std::optional<T> load(lmdb::txn& t, MDB_dbi dbi, table tb, std::string_view key) {
    std::string_view v;
    const int rc = t.get(dbi, key, v);
    if (rc != MDB_SUCCESS) {
        if (rc != MDB_NOTFOUND) log::error("store", "read_failed").kv("table", table_name(tb)).kv("error", lmdb::describe(rc));
        return std::nullopt;
    }
    T out;
    if (!decode(v, out)) {
        log_corrupt(tb, key);
        return std::nullopt;
    }
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) noexcept { return s.substr(0, prefix.size()) == prefix; }

enum class scan_step { keep, erase, restart };

// One round of a rolling scan of `dbi` for the sweep: from `from` (empty:
// the start), at most max * 16 entries read and `max` erased into `b`; a
// `restart` or the end makes the next round start over. True if the table
// could not be read.
template <class Visit>
bool rolling_scan(lmdb::txn& t, MDB_dbi dbi, std::string& from, std::size_t max, Visit visit, table tb, write_batch& b) {
    lmdb::cursor c;
    if (c.open(t, dbi)) return true;
    int rc = from.empty() ? c.first() : c.seek(from);
    std::size_t scanned = 0, erased = 0;
    for (; rc == MDB_SUCCESS && erased < max && scanned < max * 16; rc = c.next(), ++scanned) {
        const auto step = visit(c.key(), c.value());
        if (step == scan_step::restart) {
            rc = MDB_NOTFOUND;
            break;
        }
        if (step == scan_step::erase) {
            b.erase(tb, std::string{c.key()});
            ++erased;
        }
    }
    from = rc == MDB_SUCCESS ? std::string{c.key()} : std::string{};
    return false;
}

} // namespace

read_txn::read_txn(MDB_env* env, std::shared_mutex& map_mutex)
    : lock_{map_mutex}, rc_{txn_.begin(env, MDB_RDONLY)} {
    if (rc_) log::error("store", "read_begin_failed").kv("error", lmdb::describe(rc_));
}

std::optional<message> message_store::get(message_id id) const {
    read_txn r{impl_->env, impl_->map_mutex};
    if (!r.ok()) return std::nullopt;
    return load<message>(r.txn(), impl_->of(table::messages), table::messages, keys::message(id));
}

std::vector<message> message_store::due(epoch_ms now, std::size_t max, std::optional<queue_pos> after) const {
    std::vector<message> out;
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || max == 0 || c.open(r.txn(), impl_->of(table::queue))) return out;
    int rc;
    if (after) {
        const auto k = keys::queue(after->at, after->id);
        rc = c.seek(k);
        if (rc == MDB_SUCCESS && c.key() == k) rc = c.next(); // exclusive
    } else {
        rc = c.first();
    }
    for (; rc == MDB_SUCCESS && out.size() < max; rc = c.next()) {
        const auto p = keys::split_pair(c.key());
        if (!p) {
            log_corrupt(table::queue, c.key());
            continue;
        }
        if (p->at > time_key(now)) break;
        auto m = load<message>(r.txn(), impl_->of(table::messages), table::messages, keys::message({p->id}));
        // An entry whose message moved on would be an index bug; skip it
        // rather than dispatch a message twice.
        if (m && is_queued(m->state) && time_key(m->next_attempt) == p->at) out.push_back(std::move(*m));
    }
    return out;
}

std::optional<epoch_ms> message_store::next_due() const {
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || c.open(r.txn(), impl_->of(table::queue))) return std::nullopt;
    for (int rc = c.first(); rc == MDB_SUCCESS; rc = c.next()) {
        if (const auto p = keys::split_pair(c.key())) return static_cast<epoch_ms>(p->at);
        log_corrupt(table::queue, c.key());
    }
    return std::nullopt;
}

std::optional<message_id> message_store::find_receipt(std::string_view carrier, std::string_view carrier_id,
                                                      epoch_ms now) const {
    read_txn r{impl_->env, impl_->map_mutex};
    if (!r.ok()) return std::nullopt;
    const auto key = keys::receipt(carrier, carrier_id);
    std::string_view v;
    if (r.txn().get(impl_->of(table::receipts), key, v)) return std::nullopt;
    const auto target = keys::split_receipt_value(v);
    if (!target) {
        log_corrupt(table::receipts, key);
        return std::nullopt;
    }
    if (time_key(target->expires) <= time_key(now)) return std::nullopt; // expired by now
    return target->id;
}

std::optional<std::string> message_store::get_meta(std::string_view key) const {
    read_txn r{impl_->env, impl_->map_mutex};
    std::string_view v;
    if (!r.ok() || r.txn().get(impl_->of(table::meta), key, v)) return std::nullopt;
    return std::string{v};
}

std::vector<delivery> message_store::deliveries_for(std::string_view account, std::size_t max) const {
    std::vector<delivery> out;
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || max == 0 || c.open(r.txn(), impl_->of(table::deliveries))) return out;
    const auto prefix = keys::delivery_prefix(account);
    for (int rc = c.seek(prefix); rc == MDB_SUCCESS && out.size() < max && starts_with(c.key(), prefix);
         rc = c.next()) {
        delivery d;
        if (decode(c.value(), d)) out.push_back(std::move(d));
        else log_corrupt(table::deliveries, c.key());
    }
    return out;
}

std::vector<event> message_store::history(message_id id) const {
    auto m = get(id);
    return m ? std::move(m->events) : std::vector<event>{};
}

std::vector<message> message_store::in_flight(std::size_t max) const {
    std::vector<message> out;
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || max == 0 || c.open(r.txn(), impl_->of(table::in_flight))) return out;
    std::set<std::uint64_t> seen; // a message resent to a second carrier is in two marks
    std::vector<in_flight_attempt> attempts;
    for (int rc = c.first(); rc == MDB_SUCCESS && out.size() < max; rc = c.next()) {
        if (!decode_marks(c.value(), attempts)) {
            log_corrupt(table::in_flight, c.key());
            continue;
        }
        for (const auto& a : attempts) {
            if (out.size() == max || seen.contains(a.id.value)) continue;
            auto m = load<message>(r.txn(), impl_->of(table::messages), table::messages, keys::message(a.id));
            // Its outcome stored (another state, or the attempt counted): not in flight.
            if (!m || !is_queued(m->state) || m->attempts >= a.attempt) continue;
            seen.insert(a.id.value);
            m->in_flight = true;
            out.push_back(std::move(*m));
        }
    }
    return out;
}

write_batch message_store::clear_in_flight_marks(std::size_t max) const {
    write_batch b;
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || c.open(r.txn(), impl_->of(table::in_flight))) return b;
    std::size_t n = 0;
    for (int rc = c.first(); rc == MDB_SUCCESS && n < max; rc = c.next(), ++n) b.clear_in_flight(std::string{c.key()});
    return b;
}

std::optional<message_id> message_store::scan_messages(std::optional<message_id> before, std::size_t max_scan,
                                                       const std::function<bool(const message&)>& visit) const {
    read_txn r{impl_->env, impl_->map_mutex};
    lmdb::cursor c;
    if (!r.ok() || c.open(r.txn(), impl_->of(table::messages))) return std::nullopt;
    int rc = MDB_NOTFOUND;
    if (before) {
        rc = c.seek(keys::message(*before)); // the first key >= before; the one we want is just below
        rc = rc == MDB_SUCCESS ? c.prev() : c.last();
    } else {
        rc = c.last();
    }
    for (std::size_t n = 0; rc == MDB_SUCCESS; rc = c.prev()) {
        std::uint64_t id = 0;
        if (!read_be64(c.key(), 0, id)) {
            log_corrupt(table::messages, c.key());
            continue;
        }
        if (n++ == max_scan) return message_id{id + 1}; // this one is not read yet
        message m;
        if (!decode(c.value(), m)) {
            log_corrupt(table::messages, c.key());
            continue;
        }
        if (!visit(m)) return m.id;
    }
    return std::nullopt;
}

write_batch message_store::sweep(epoch_ms now, epoch_ms finished_before, std::size_t max) const {
    write_batch b;
    read_txn r{impl_->env, impl_->map_mutex};
    if (!r.ok() || max == 0) return b;
    auto& t = r.txn();
    std::lock_guard lk{impl_->sweep_mutex};

    // Receipt mappings: a rolling scan that goes on where the last sweep
    // stopped (and from the start once it reached the end), so every
    // mapping is looked at within a bounded number of sweeps. An expiry
    // index would cost every mapping two more operations (put and erase);
    // the scan costs reads only, which LMDB serves from the page cache.
    if (rolling_scan(t, impl_->of(table::receipts), impl_->receipt_sweep_from, max, [&](std::string_view k, std::string_view v) {
            const auto target = keys::split_receipt_value(v);
            if (!target) log_corrupt(table::receipts, k);
            return !target || time_key(target->expires) <= time_key(now) ? scan_step::erase : scan_step::keep;
        }, table::receipts, b))
        return b;

    // Finished messages done before `finished_before`, by id (the order of
    // acceptance), a rolling scan like the mappings'. A message accepted
    // after that time cannot be done before it: the scan starts over from
    // the oldest there. Messages still under way are passed over. A
    // finished index would cost every message a put and an erase.
    rolling_scan(t, impl_->of(table::messages), impl_->message_sweep_from, max, [&](std::string_view k, std::string_view v) {
        message_head h;
        if (!decode_head(v, h)) {
            log_corrupt(table::messages, k);
            return scan_step::keep;
        }
        if (h.accepted_at >= finished_before) return scan_step::restart;
        return is_final(h.state) && h.done_at < finished_before ? scan_step::erase : scan_step::keep;
    }, table::messages, b);
    return b;
}

void message_store::impl::seed_queued() {
    read_txn r{env, map_mutex};
    lmdb::cursor c;
    if (!r.ok() || c.open(r.txn(), of(table::queue))) return;
    std::map<std::string, std::int64_t, std::less<>> counts;
    for (int rc = c.first(); rc == MDB_SUCCESS; rc = c.next()) {
        const auto p = keys::split_pair(c.key());
        if (!p) continue;
        if (auto m = load<message>(r.txn(), of(table::messages), table::messages, keys::message({p->id})))
            ++counts[m->account];
    }
    std::lock_guard lk{queued_mutex};
    queued_accounts = std::move(counts);
}

} // namespace twinsms::store
