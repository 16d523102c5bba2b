// Replication positions (stream_state.hpp).
#include "replication/stream_state.hpp"

#include <algorithm>

namespace twinsms::replication {

void sender_state::committed(std::uint64_t seq, std::string frame, store::epoch_ms now) {
    last_committed_ = seq;
    bytes_ += frame.size();
    buffer_.push_back({seq, std::move(frame), now});
    evict();
}

void sender_state::evict() {
    // The bound holds whatever the receiver does: a change evicted before
    // its acknowledgement costs that receiver a snapshot, not our memory.
    while (bytes_ > max_bytes_ && !buffer_.empty()) {
        if (buffer_.front().seq > acked_) ++dropped_;
        bytes_ -= buffer_.front().frame.size();
        buffer_.pop_front();
    }
}

sender_state::resume sender_state::connected(std::uint64_t applied) {
    connected_ = true;
    if (applied > last_committed_) return resume::snapshot;
    acked(applied);
    sent_ = applied;
    if (applied == last_committed_) return resume::stream;
    if (!buffer_.empty() && buffer_.front().seq <= applied + 1) return resume::stream;
    return resume::snapshot;
}

void sender_state::snapshot_sent(std::uint64_t seq) {
    sent_ = std::max(sent_, seq);
}

std::vector<std::string_view> sender_state::take(std::size_t max_bytes) {
    std::vector<std::string_view> out;
    if (!connected_ || lost_place()) return out;
    std::size_t n = 0;
    // The buffer is consecutive: the first unsent one is at a known offset.
    const auto first = buffer_.empty() ? 0 : buffer_.front().seq;
    for (auto i = sent_ + 1 > first ? sent_ + 1 - first : 0; i < buffer_.size(); ++i) {
        const auto& e = buffer_[i];
        if (!out.empty() && n + e.frame.size() > max_bytes) break;
        out.emplace_back(e.frame);
        n += e.frame.size();
        sent_ = e.seq;
    }
    return out;
}

bool sender_state::lost_place() const noexcept {
    const auto next = sent_ + 1;
    if (next > last_committed_) return false;
    return buffer_.empty() || buffer_.front().seq > next;
}

void sender_state::acked(std::uint64_t seq) {
    // An acknowledgement beyond what was committed here is a confused peer
    // (or a store restored from elsewhere): never trust it past what exists.
    seq = std::min(seq, last_committed_);
    if (seq <= acked_) return;
    acked_ = seq;
    while (!buffer_.empty() && buffer_.front().seq <= acked_) {
        bytes_ -= buffer_.front().frame.size();
        buffer_.pop_front();
    }
}

store::epoch_ms sender_state::lag_ms(store::epoch_ms now) const noexcept {
    if (buffer_.empty() || buffer_.front().seq <= acked_) return 0;
    return std::max<store::epoch_ms>(0, now - buffer_.front().at);
}

receiver_state::verdict receiver_state::arrived(std::uint64_t seq) noexcept {
    if (seq <= pending_) return verdict::skip;
    if (seq != pending_ + 1) return verdict::gap;
    pending_ = seq;
    return verdict::apply;
}

void receiver_state::committed(std::uint64_t seq) noexcept { applied_ = std::max(applied_, seq); }

} // namespace twinsms::replication
