#pragma once
// Outstanding-request window: sequence number -> pending request, each with
// a response deadline. Pure (time is passed in), so expiry is tested without
// timers. Modelled on cloudhopper-smpp's window.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <utility>

namespace twinsms::smpp {

template <class Pending, class Clock = std::chrono::steady_clock>
class window {
public:
    using time_point = typename Clock::time_point;

    explicit window(std::size_t capacity) : capacity_{capacity} {}

    std::size_t size() const noexcept { return map_.size(); }
    std::size_t capacity() const noexcept { return capacity_; }
    bool full() const noexcept { return map_.size() >= capacity_; }
    bool empty() const noexcept { return map_.empty(); }

    // False (and nothing stored) when full or `seq` is already pending.
    bool insert(std::uint32_t seq, time_point deadline, Pending p) {
        if (full()) return false;
        if (!map_.try_emplace(seq, entry{deadline, std::move(p)}).second) return false;
        order_.emplace_back(deadline, seq);
        return true;
    }

    // Removes and returns the request a response answers.
    std::optional<Pending> take(std::uint32_t seq) {
        auto it = map_.find(seq);
        if (it == map_.end()) return std::nullopt;
        std::optional<Pending> r{std::move(it->second.pending)};
        map_.erase(it);
        return r;
    }

    // Earliest deadline still pending, for arming a timer.
    std::optional<time_point> next_deadline() {
        prune();
        if (order_.empty()) return std::nullopt;
        return order_.front().first;
    }

    // Removes every request whose deadline is at or before `now` and hands it
    // to `on_expired(seq, Pending&&)`, oldest first.
    template <class F> std::size_t expire(time_point now, F&& on_expired) {
        std::size_t n = 0;
        for (prune(); !order_.empty() && order_.front().first <= now; prune()) {
            const auto seq = order_.front().second;
            order_.pop_front();
            if (auto p = take(seq)) {
                on_expired(seq, std::move(*p));
                ++n;
            }
        }
        return n;
    }

    // Removes everything (session closing), handing each request to `f` in
    // insertion (send) order. session::close() promises its callers send
    // order, so this walks the order_ FIFO: iterating the hash map would hand
    // requests out in arbitrary order.
    template <class F> void drain(F&& f) {
        auto map = std::move(map_);
        auto order = std::move(order_);
        map_.clear();
        order_.clear();
        for (const auto& [deadline, seq] : order) {
            auto it = map.find(seq);
            if (it == map.end() || it->second.deadline != deadline) continue; // answered, or stale after reuse
            Pending p = std::move(it->second.pending);
            map.erase(it);
            f(seq, std::move(p));
        }
        for (auto& [seq, e] : map) f(seq, std::move(e.pending)); // none expected; never drop one
    }

private:
    struct entry {
        time_point deadline;
        Pending pending;
    };
    // Deadlines are non-decreasing with a fixed timeout, so a FIFO of
    // (deadline, seq) gives expiry order; entries answered early are skipped
    // lazily when they reach the front. A deadline that does match a live
    // entry with a later deadline (seq reused after wrap) is skipped too.
    void prune() {
        while (!order_.empty()) {
            auto it = map_.find(order_.front().second);
            if (it != map_.end() && it->second.deadline == order_.front().first) return;
            order_.pop_front();
        }
    }

    std::size_t capacity_;
    std::unordered_map<std::uint32_t, entry> map_;
    std::deque<std::pair<time_point, std::uint32_t>> order_;
};

} // namespace twinsms::smpp
