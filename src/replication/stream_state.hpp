#pragma once
// The replication stream's positions as pure code (no I/O, time passed in),
// after PostgreSQL's walsender/walreceiver and DRBD's protocol C: a sender,
// a receiver and an acknowledged position, nothing else shared.
//
// sender_state keeps the encoded changes not yet acknowledged, bounded in
// bytes: a receiver too far behind (or back after a long absence) has lost
// its place in the stream and needs a snapshot, but a slow or dead peer
// never makes the sender hold more than the bound. receiver_state says what
// to do with each change that arrives: apply it, skip it (already applied),
// or stop because the stream has a gap.
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/message.hpp"

namespace twinsms::replication {

class sender_state {
public:
    // `last_committed`: the store's commit sequence when the sender starts
    // (what came before is only in the store: a receiver missing it gets a
    // snapshot).
    sender_state(std::size_t max_buffer_bytes, std::uint64_t last_committed)
        : max_bytes_{max_buffer_bytes}, last_committed_{last_committed}, sent_{last_committed} {}

    // The store committed change `seq` (consecutive, from the change sink),
    // encoded as `frame`, at `now`.
    void committed(std::uint64_t seq, std::string frame, store::epoch_ms now);

    enum class resume { stream, snapshot };
    // A receiver connected having applied everything up to `applied`.
    // stream: what follows is in the buffer (or nothing is missing);
    // snapshot: it is not, and the receiver must start from a snapshot
    // taken at or after last_committed() (then snapshot_sent()). A
    // receiver ahead of us (our store was restored from an older copy)
    // gets a snapshot too: its replica is of a history we do not have.
    resume connected(std::uint64_t applied);
    // The snapshot the receiver now has covers everything up to `seq`.
    void snapshot_sent(std::uint64_t seq);
    void disconnected() noexcept { connected_ = false; }

    // Frames to write now, oldest first, at most about `max_bytes` (at
    // least one frame when any is due); marks them sent. Empty while
    // lost_place(): the next change the receiver needs was evicted unsent.
    std::vector<std::string_view> take(std::size_t max_bytes);
    bool lost_place() const noexcept;
    // Every change up to `seq` is committed at the receiver.
    void acked(std::uint64_t seq);

    bool connected() const noexcept { return connected_; }
    std::uint64_t last_committed() const noexcept { return last_committed_; }
    std::uint64_t last_acked() const noexcept { return acked_; }
    std::uint64_t lag_changes() const noexcept { return last_committed_ - std::min(acked_, last_committed_); }
    // Age of the oldest change not acknowledged (0 when none waits).
    store::epoch_ms lag_ms(store::epoch_ms now) const noexcept;
    std::size_t buffered_bytes() const noexcept { return bytes_; }
    std::uint64_t dropped() const noexcept { return dropped_; } // changes evicted unacknowledged

private:
    struct entry {
        std::uint64_t seq;
        std::string frame;
        store::epoch_ms at;
    };
    void evict();

    std::size_t max_bytes_;
    std::deque<entry> buffer_; // consecutive seqs, unacknowledged
    std::size_t bytes_ = 0;
    std::uint64_t last_committed_ = 0, acked_ = 0, sent_ = 0, dropped_ = 0;
    bool connected_ = false;
};

class receiver_state {
public:
    // `applied`: the last change committed in the replica (0: empty).
    explicit receiver_state(std::uint64_t applied) : applied_{applied}, pending_{applied} {}

    enum class verdict { apply, skip, gap };
    // A change `seq` arrived: apply it (the next one), skip it (applied
    // already: the sender resent after a reconnect), or gap (one is
    // missing: the stream is broken, reconnect).
    verdict arrived(std::uint64_t seq) noexcept;
    // Change `seq` is committed in the replica: acknowledge it.
    void committed(std::uint64_t seq) noexcept;
    // A snapshot replaced the replica: it now holds everything up to `seq`.
    void reset(std::uint64_t seq) noexcept { applied_ = pending_ = seq; }

    std::uint64_t applied() const noexcept { return applied_; }   // committed in the replica
    std::uint64_t expecting() const noexcept { return pending_ + 1; }

private:
    std::uint64_t applied_;
    std::uint64_t pending_; // handed to the replica, maybe not committed yet
};

} // namespace twinsms::replication
