#pragma once
// The replica of the peer's store: a message store of its own (a separate
// LMDB environment) into which the peer's committed changes are replayed in
// order. The position (the last change applied) is written in the same
// transaction as the change, so after a crash the replica and its position
// agree and the stream resumes exactly there.
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "replication/change_frame.hpp"
#include "replication/stream_state.hpp"
#include "store/message_store.hpp"

namespace twinsms::replication {

class replica {
public:
    // Opens (or creates) the replica store; throws like message_store.
    explicit replica(store::store_options opt);

    // Last change of the peer's stream committed here (0: none).
    std::uint64_t applied() const noexcept { return state_.applied(); }

    using done_fn = std::function<void(const boost::system::error_code&, std::uint64_t applied)>;
    // A change from the stream: applied (committed with its position, then
    // `done` with the new position), skipped when applied already (`done`
    // at once), or refused with a gap error when one is missing.
    void on_change(change c, boost::asio::any_io_executor ex, done_fn done);
    // Changes that arrived together (one read of the stream), in order: the
    // ones to apply go as one write with one position, which costs the
    // replica's writer one batch and one meta operation for all of them
    // rather than for each. A gap after some applies those, then reports it.
    void on_changes(std::vector<change> cs, boost::asio::any_io_executor ex, done_fn done);

    // Replaces the whole replica with a snapshot file (a copy of the peer's
    // store, message_store::copy_to): the stream continues from the copy's
    // own commit sequence. Blocks while the replica's writes finish.
    boost::system::error_code adopt(const std::filesystem::path& snapshot, boost::asio::any_io_executor ex);

    // Closes and opens the replica store again, so that it hands out ids
    // above every record the stream brought (the engine that takes the
    // replica over after a takeover makes new deliveries in it).
    store::message_store& reopen();

    // After a failback: the peer's store is the copy this replica sent it,
    // with a commit count of its own, so no position here means anything
    // in its stream. Back to 0: the next connection starts with a snapshot.
    void forget_position(boost::asio::any_io_executor ex);

    store::message_store& store() noexcept { return *store_; }
    // Operations of the peer's commits left out because a later commit of
    // the same read overrode them (write_batch::coalesce).
    std::uint64_t coalesced() const noexcept { return coalesced_; }
    static constexpr std::string_view position_key = "replication_applied_seq";

private:
    store::store_options opt_;
    std::unique_ptr<store::message_store> store_;
    receiver_state state_;
    std::uint64_t coalesced_ = 0;
};

} // namespace twinsms::replication
