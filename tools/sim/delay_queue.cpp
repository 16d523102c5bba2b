#include "delay_queue.hpp"

#include <queue>
#include <vector>

#include <boost/asio/steady_timer.hpp>

namespace twinsms::sim {

struct delay_queue::state : std::enable_shared_from_this<state> {
    struct item {
        clock::time_point due;
        std::uint64_t order;
        std::function<void()> fn;
        bool operator>(const item& o) const noexcept { return due != o.due ? due > o.due : order > o.order; }
    };

    explicit state(boost::asio::any_io_executor ex) : timer{std::move(ex)} {}

    boost::asio::steady_timer timer;
    std::priority_queue<item, std::vector<item>, std::greater<>> items;
    std::uint64_t next_order = 0;
    std::uint64_t generation = 0; // a wait whose generation is stale was re-armed
    bool armed = false;
    clock::time_point armed_for{};

    void arm() {
        if (items.empty()) return;
        const auto due = items.top().due;
        if (armed && armed_for <= due) return;
        armed = true;
        armed_for = due;
        const auto gen = ++generation;
        timer.expires_at(due); // cancels an earlier wait, whose handler sees a stale generation
        timer.async_wait([w = weak_from_this(), gen](const boost::system::error_code&) {
            auto s = w.lock();
            if (!s || s->generation != gen) return;
            s->armed = false;
            s->fire();
        });
    }

    void fire() {
        const auto now = clock::now();
        // Take everything due first: callbacks may add items (even due now),
        // which then wait for the next round instead of starving the loop.
        std::vector<std::function<void()>> due;
        while (!items.empty() && items.top().due <= now) {
            due.push_back(std::move(const_cast<item&>(items.top()).fn));
            items.pop();
        }
        // A callback may clear or destroy the owning queue: the rest are then dropped.
        auto self = shared_from_this();
        const auto clears_before = clears;
        for (auto& fn : due) {
            if (clears != clears_before) return;
            fn();
        }
        if (clears == clears_before) arm();
    }

    std::uint64_t clears = 0;
};

delay_queue::delay_queue(boost::asio::any_io_executor ex) : st_{std::make_shared<state>(std::move(ex))} {}

delay_queue::~delay_queue() { clear(); }

void delay_queue::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    at(clock::now() + delay, std::move(fn));
}

void delay_queue::at(clock::time_point when, std::function<void()> fn) {
    st_->items.push(state::item{when, st_->next_order++, std::move(fn)});
    st_->arm();
}

std::size_t delay_queue::size() const noexcept { return st_->items.size(); }

void delay_queue::clear() {
    st_->items = {};
    ++st_->clears;
    st_->armed = false;
    ++st_->generation;
    st_->timer.cancel();
}

} // namespace twinsms::sim
