#include <string_view>
#include <unordered_set>

#include "store/message_codec.hpp"
#include "store/message_store.hpp"

namespace twinsms::store {

void write_batch::put(table t, std::string key, std::string value) {
    ops_.push_back({t, false, std::move(key), std::move(value)});
}

void write_batch::erase(table t, std::string key) { ops_.push_back({t, true, std::move(key), {}}); }

void write_batch::put_message(const message& m, const message* before) {
    if (!before) admits_ = true;
    put(table::messages, keys::message(m.id), encode(m));

    // Queue entry: present while queued, keyed by the attempt time; a move
    // is an erase of the old key and a put of the new one.
    const bool was_queued = before && is_queued(before->state);
    const bool now_queued = is_queued(m.state);
    const bool same_slot = was_queued && now_queued && time_key(before->next_attempt) == time_key(m.next_attempt);
    if (was_queued && !same_slot) erase(table::queue, keys::queue(before->next_attempt, m.id));
    if (now_queued && !same_slot) put(table::queue, keys::queue(m.next_attempt, m.id), {});
    if (was_queued != now_queued) move_queue(m.account, now_queued ? 1 : -1);
}

void write_batch::erase_message(const message& m) {
    erase(table::messages, keys::message(m.id));
    if (is_queued(m.state)) {
        erase(table::queue, keys::queue(m.next_attempt, m.id));
        move_queue(m.account, -1);
    }
}

void write_batch::append(write_batch&& o) {
    if (ops_.empty()) ops_ = std::move(o.ops_);
    else ops_.insert(ops_.end(), std::make_move_iterator(o.ops_.begin()), std::make_move_iterator(o.ops_.end()));
    for (const auto& [account, d] : o.queue_moves_) move_queue(account, d);
    admits_ = admits_ || o.admits_;
    o.ops_.clear();
    o.queue_moves_.clear();
}

std::size_t write_batch::coalesce() {
    if (ops_.size() < 2) return 0;
    // (table, key) pairs seen from the back: the first seen is the last written.
    struct op_key {
        table t;
        std::string_view key;
        bool operator==(const op_key&) const = default;
    };
    struct op_hash {
        std::size_t operator()(const op_key& k) const noexcept {
            return std::hash<std::string_view>{}(k.key) * 31 + static_cast<std::size_t>(k.t);
        }
    };
    std::unordered_set<op_key, op_hash> later;
    later.reserve(ops_.size());
    std::vector<bool> keep(ops_.size());
    for (std::size_t i = ops_.size(); i-- > 0;) keep[i] = later.insert({ops_[i].t, ops_[i].key}).second;
    std::size_t out = 0;
    for (std::size_t i = 0; i < ops_.size(); ++i)
        if (keep[i]) {
            if (out != i) ops_[out] = std::move(ops_[i]);
            ++out;
        }
    const auto dropped = ops_.size() - out;
    ops_.resize(out);
    return dropped;
}

void write_batch::move_queue(const std::string& account, int d) {
    for (auto& [a, n] : queue_moves_)
        if (a == account) {
            n += d;
            return;
        }
    queue_moves_.emplace_back(account, d);
}

std::string write_batch::mark_in_flight(const std::vector<in_flight_attempt>& attempts) {
    if (attempts.empty()) return {};
    auto key = keys::in_flight(attempts.front());
    put(table::in_flight, key, encode_marks(attempts));
    return key;
}

void write_batch::clear_in_flight(std::string mark_key) { erase(table::in_flight, std::move(mark_key)); }

void write_batch::put_receipt_map(std::string_view carrier, std::string_view carrier_id, message_id id,
                                  epoch_ms expires) {
    put(table::receipts, keys::receipt(carrier, carrier_id), keys::receipt_value(id, expires));
}

void write_batch::put_delivery(const delivery& d) {
    put(table::deliveries, keys::delivery(d.account, d.id), encode(d));
}

void write_batch::erase_delivery(const delivery& d) { erase(table::deliveries, keys::delivery(d.account, d.id)); }

} // namespace twinsms::store
