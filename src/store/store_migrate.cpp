// Upgrades a schema 1 store in place when it opens (message_store.cpp).
//
// Schema 1 spent an LMDB operation on every history line (and another to
// sweep it), two on every receipt mapping's expiry entry and two on every
// attempt's in-flight mark. Schema 2 keeps the history in the message
// record, reads expiry from the mapping itself and marks attempts in
// groups. The upgrade works in bounded transactions, each complete on its
// own (lines moved into their record and erased together), so a crash or a
// full map in the middle leaves a store that the next open goes on with;
// the version changes only in the last one.
#include <algorithm>
#include <map>

#include "store/message_codec.hpp"
#include "store/store_impl.hpp"
#include "util/log.hpp"

namespace twinsms::store {
namespace {

constexpr std::size_t rows_per_txn = 5'000;

// Moves up to rows_per_txn history lines into their records; `moved` is
// how many went (0: none left).
int move_history(lmdb::txn& t, MDB_dbi history, MDB_dbi messages, std::size_t& moved) {
    moved = 0;
    std::map<std::uint64_t, std::vector<event>> lines;
    std::vector<std::string> keys;
    {
        lmdb::cursor c;
        if (int rc = c.open(t, history)) return rc;
        for (int rc = c.first(); rc == MDB_SUCCESS && keys.size() < rows_per_txn; rc = c.next()) {
            keys.emplace_back(c.key());
            std::uint64_t id = 0;
            event e;
            if (!read_be64(c.key(), 0, id) || !decode(c.value(), e)) continue; // corrupt: dropped with the row
            lines[id].push_back(std::move(e));
        }
    }
    for (auto& [id, events] : lines) {
        const auto key = keys::message({id});
        std::string_view v;
        message m;
        // Lines of a message already swept, or of a record that does not
        // decode (reads report it), have nowhere to go.
        if (t.get(messages, key, v) != MDB_SUCCESS || !decode(v, m)) continue;
        // Keys ordered them by attempt and state; the message log reads by time.
        std::stable_sort(events.begin(), events.end(), [](const event& a, const event& b) { return a.at < b.at; });
        for (auto& e : events) add_event(m, std::move(e));
        if (int rc = t.put(messages, key, encode(m))) return rc;
    }
    for (const auto& k : keys)
        if (int rc = t.del(history, k); rc && rc != MDB_NOTFOUND) return rc;
    moved = keys.size();
    return MDB_SUCCESS;
}

// Schema 1 marked each attempt by its message id alone (8-byte keys):
// each becomes a mark of the attempt after the record's last counted one.
int convert_marks(lmdb::txn& t, MDB_dbi in_flight, MDB_dbi messages, std::size_t& converted) {
    converted = 0;
    std::vector<std::string> old;
    {
        lmdb::cursor c;
        if (int rc = c.open(t, in_flight)) return rc;
        for (int rc = c.first(); rc == MDB_SUCCESS && old.size() < rows_per_txn; rc = c.next())
            if (c.key().size() == 8) old.emplace_back(c.key());
    }
    for (const auto& k : old) {
        std::string_view v;
        message m;
        if (t.get(messages, k, v) == MDB_SUCCESS && decode(v, m)) {
            const std::vector<in_flight_attempt> a{{m.id, m.attempts + 1}};
            if (int rc = t.put(in_flight, keys::in_flight(a.front()), encode_marks(a))) return rc;
        }
        if (int rc = t.del(in_flight, k); rc && rc != MDB_NOTFOUND) return rc;
        ++converted;
    }
    return MDB_SUCCESS;
}

} // namespace

int message_store::impl::upgrade_from_1() {
    // `step` in a transaction of its own, again until it moves nothing.
    const auto in_steps = [this](auto step, std::size_t& total) -> int {
        for (;;) {
            lmdb::txn t;
            std::size_t n = 0;
            if (int rc = t.begin(env, 0)) return rc;
            if (int rc = step(t, n)) return rc;
            if (n == 0) return MDB_SUCCESS;
            if (int rc = t.commit()) return rc;
            total += n;
        }
    };
    std::size_t lines = 0, marks = 0;
    if (int rc = in_steps([&](lmdb::txn& t, std::size_t& n) { return move_history(t, of(table::history), of(table::messages), n); },
                          lines))
        return rc;
    if (int rc = in_steps([&](lmdb::txn& t, std::size_t& n) { return convert_marks(t, of(table::in_flight), of(table::messages), n); },
                          marks))
        return rc;
    lmdb::txn t;
    if (int rc = t.begin(env, 0)) return rc;
    std::string v;
    append_be64(v, 2);
    // Emptying a table is one operation whatever it holds (its pages go to
    // the free list).
    if (int rc = mdb_drop(t.get(), of(table::receipt_expiry), 0)) return rc;
    if (int rc = mdb_drop(t.get(), of(table::finished), 0)) return rc;
    if (int rc = t.put(of(table::meta), "schema_version", v)) return rc;
    if (int rc = t.commit()) return rc;
    log::info("store", "schema_upgraded").kv("path", opt.path.string()).kv("from", 1).kv("to", 2)
        .kv("history_lines_moved", lines).kv("in_flight_marks_converted", marks);
    return MDB_SUCCESS;
}

} // namespace twinsms::store
