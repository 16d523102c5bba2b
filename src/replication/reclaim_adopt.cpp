// Failback catch-up: the peer's copy of our store becomes our store, with
// what only our own store holds merged in (reclaim.hpp).
#include <map>

#include <boost/asio/io_context.hpp>

#include "replication/reclaim.hpp"
#include "replication/replica.hpp"
#include "store/message_codec.hpp"
#include "util/log.hpp"

namespace twinsms::replication {
namespace {

std::uint64_t number(const std::optional<std::string>& v) {
    if (!v) return 0;
    try {
        return std::stoull(*v);
    } catch (const std::exception&) {
        return 0;
    }
}

// What our store committed and the copy does not have: the copy is the
// peer's replica, which stops where our stream stopped reaching it (async
// mode, or sync degraded to local-only, when a client was told OK before
// the peer had it). Those records are newer than everything the copy has
// from us, so they are the newest messages: scan down from the top until
// the copy knows one. Changes to older messages (an attempt, a receipt)
// that did not reach the copy are not merged: the copy's view wins, and a
// message it still has queued goes out again (at least once, counted by
// the dispatcher as recovered in flight when it was marked so).
store::write_batch merge(const store::message_store& old, store::message_store& copy, const reclaim_options& o,
                         reclaim_result& r) {
    store::write_batch b;
    old.scan_messages(std::nullopt, std::numeric_limits<std::size_t>::max(), [&](const store::message& m) {
        if (copy.get(m.id)) return false;
        b.put_message(m);
        if (m.state == store::msg_state::submitted && !m.carrier_message_id.empty())
            b.put_receipt_map(m.carrier, m.carrier_message_id, m.id, m.accepted_at + 7LL * 24 * 3600 * 1000);
        ++r.merged_messages;
        return true;
    });
    for (const auto& account : o.accounts) {
        // Deliveries (receipts and MO waiting for a client): ids of the two
        // stores may coincide (both hand out above the same records), so
        // one is "the same" only with the same content; another gets a new id.
        std::map<std::uint64_t, store::delivery> have;
        for (auto& d : copy.deliveries_for(account, std::numeric_limits<std::size_t>::max())) have.emplace(d.id.value, std::move(d));
        for (auto d : old.deliveries_for(account, std::numeric_limits<std::size_t>::max())) {
            bool same = false;
            for (const auto& [id, c] : have) same = same || (c.message == d.message && c.pdu == d.pdu);
            if (same) continue;
            if (have.contains(d.id.value)) d.id = copy.next_delivery_id();
            b.put_delivery(d);
            ++r.merged_deliveries;
        }
    }
    for (const auto& k : o.max_meta_keys) {
        const auto mine = number(old.get_meta(k)), theirs = number(copy.get_meta(k));
        if (mine > theirs) b.put(store::table::meta, k, std::to_string(mine));
    }
    // Ids: the copy was kept by the peer, in its own id space (a replica
    // reserves ids like any store): ours go on from our own reservation,
    // which covers every id we handed out; delivery ids from the larger.
    auto be64_of = [](const std::optional<std::string>& v) {
        std::uint64_t n = 0;
        if (!v || !store::read_be64(*v, 0, n)) n = 0;
        return n;
    };
    if (const auto mine = be64_of(old.get_meta("next_message_id"))) {
        std::string v;
        store::append_be64(v, mine);
        b.put(store::table::meta, "next_message_id", std::move(v));
    }
    if (const auto d = std::max(be64_of(old.get_meta("next_delivery_id")), be64_of(copy.get_meta("next_delivery_id")))) {
        std::string v;
        store::append_be64(v, d);
        b.put(store::table::meta, "next_delivery_id", std::move(v));
    }
    // Our store is not a replica: the stream position the copy carried is the peer's business.
    b.erase(store::table::meta, std::string{replica::position_key});
    return b;
}

} // namespace

std::string place_copy(const std::filesystem::path& file, const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir.string() + ": " + ec.message();
    std::filesystem::rename(file, dir / "data.mdb", ec);
    if (ec) return "cannot move the copy into " + dir.string() + ": " + ec.message();
    return {};
}

std::string adopt_reclaimed(const store::store_options& own, const std::filesystem::path& snapshot,
                            const reclaim_options& o, reclaim_result& r) {
    namespace fs = std::filesystem;
    const fs::path incoming{own.path.string() + ".reclaimed"}, aside{own.path.string() + ".before-failback"};
    if (auto why = place_copy(snapshot, incoming); !why.empty()) return why;
    std::error_code ec;
    try {
        boost::asio::io_context io{1};
        auto co = own;
        co.path = incoming;
        store::message_store copy{co};
        store::error_code wec;
        if (fs::exists(own.path / "data.mdb")) {
            const store::message_store old{own};
            copy.write(merge(old, copy, o, r), io.get_executor(), [&wec](const store::error_code& e) { wec = e; });
        } else {
            // No store of our own (a new disk): the copy's ids are the peer's
            // reservation; ours start again above the records.
            store::write_batch b;
            b.erase(store::table::meta, "next_message_id");
            b.erase(store::table::meta, std::string{replica::position_key});
            copy.write(std::move(b), io.get_executor(), [&wec](const store::error_code& e) { wec = e; });
        }
        copy.flush();
        io.run(); // the write's completion
        if (wec) return "merging our own records into the copy failed: " + wec.message();
    } catch (const std::exception& e) {
        return std::string{"the copy does not open as a store: "} + e.what();
    }
    // Both closed: swap the directories. The old store stays beside until
    // the next failback, for an operator who wants to compare.
    fs::remove_all(aside, ec);
    if (fs::exists(own.path)) {
        fs::rename(own.path, aside, ec);
        if (ec) return "cannot move the old store aside to " + aside.string() + ": " + ec.message();
    }
    fs::rename(incoming, own.path, ec);
    if (ec) {
        std::error_code back;
        fs::rename(aside, own.path, back);
        return "cannot move the copy to " + own.path.string() + ": " + ec.message();
    }
    return {};
}

} // namespace twinsms::replication
