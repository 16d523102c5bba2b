#pragma once
// Runs callbacks after a delay on one executor, with a single timer for any
// number of pending callbacks (receipts and slow answers can number in the
// hundreds of thousands during a benchmark). Callbacks due at the same time
// run in the order they were added. Destroying the queue drops every
// pending callback without running it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace twinsms::sim {

class delay_queue {
public:
    using clock = std::chrono::steady_clock;

    explicit delay_queue(boost::asio::any_io_executor ex);
    ~delay_queue();
    delay_queue(const delay_queue&) = delete;
    delay_queue& operator=(const delay_queue&) = delete;

    // A delay of zero (or less) still runs `fn` later, never inside this call.
    void after(std::chrono::milliseconds delay, std::function<void()> fn);
    void at(clock::time_point when, std::function<void()> fn);

    std::size_t size() const noexcept;
    // Drops every pending callback.
    void clear();

private:
    struct state;
    std::shared_ptr<state> st_;
};

} // namespace twinsms::sim
