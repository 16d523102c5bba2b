#pragma once
// Fixed-bucket histograms for /metrics (Prometheus `_bucket{le}`, `_sum`,
// `_count`), cheap enough for paths that see tens of thousands of
// observations a second: an observation is a binary search over at most
// max_buckets bounds and two relaxed atomic stores, no allocation, no lock.
//
// Values are integers in the unit they are measured in (microseconds,
// records); the exposition divides by a unit (1e6: seconds).
//
// One writer thread per histogram (the node's io thread for sessions, the
// store's writer thread for commits); any thread may read it meanwhile. The
// single writer is why observe() is a load and a store rather than a
// read-modify-write (no lock-prefixed instruction): the counts are atomics
// only so that a reader on another thread sees whole values. A snapshot
// taken meanwhile may have an observation in its bucket and not yet in the
// sum; its count is the total of its buckets, so `_count` and `le="+Inf"`
// always agree.
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

namespace twinsms::metrics {

// Upper bounds of the buckets, inclusive (Prometheus' le), strictly
// ascending; the storage must outlive every histogram using it (the static
// arrays below).
using bounds = std::span<const std::uint64_t>;

inline constexpr std::size_t max_buckets = 24;

// Microseconds: 50 us (an fsync on a fast disk) to 30 s (the default
// response_timeout).
inline constexpr std::array<std::uint64_t, 18> latency_us{
    50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
    1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000};
// Sizes (records or batches per store commit), up to max_batch_ops.
inline constexpr std::array<std::uint64_t, 15> sizes{1,     2,     5,     10,     20,     50,     100,   200,
                                                     500,   1'000, 2'000, 5'000, 10'000, 20'000, 50'000};

// A histogram's counts at one moment: plain values, copyable, mergeable.
struct histogram_snapshot {
    bounds upper;                                     // as the histogram's
    std::array<std::uint64_t, max_buckets + 1> in{};  // per bucket; in[upper.size()]: above every bound
    std::uint64_t sum = 0;

    std::uint64_t count() const noexcept {
        std::uint64_t n = 0;
        for (std::size_t i = 0; i <= upper.size(); ++i) n += in[i];
        return n;
    }
    // Adds `o`'s counts; false (nothing added) when its bounds differ. An
    // empty snapshot (no bounds, nothing counted) takes o's bounds.
    bool merge(const histogram_snapshot& o) noexcept;
};

class histogram {
public:
    // At most max_buckets bounds (more are ignored: they fall in the last).
    explicit histogram(bounds b) noexcept : bounds_{b.first(std::min(b.size(), max_buckets))} {}
    histogram(const histogram&) = delete;
    histogram& operator=(const histogram&) = delete;

    void observe(std::uint64_t v) noexcept {
        const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
        add(counts_[i], 1);
        add(sum_, v);
    }
    // A span of wall-clock milliseconds (stored epoch_ms times, which
    // survive a restart), as microseconds; negative (a clock step) counts 0.
    void observe_ms(std::int64_t ms) noexcept { observe(ms <= 0 ? 0 : static_cast<std::uint64_t>(ms) * 1000); }
    // Microseconds from `since` to now, clamped at 0.
    void observe_since(std::chrono::steady_clock::time_point since) noexcept {
        const auto d = std::chrono::steady_clock::now() - since;
        observe(d.count() <= 0 ? 0 : static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
    }

    histogram_snapshot snapshot() const noexcept {
        histogram_snapshot s{bounds_, {}, sum_.load(std::memory_order_relaxed)};
        for (std::size_t i = 0; i <= bounds_.size(); ++i) s.in[i] = counts_[i].load(std::memory_order_relaxed);
        return s;
    }
    bounds upper_bounds() const noexcept { return bounds_; }

private:
    static void add(std::atomic<std::uint64_t>& a, std::uint64_t by) noexcept {
        a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
    }

    bounds bounds_;
    std::array<std::atomic<std::uint64_t>, max_buckets + 1> counts_{};
    std::atomic<std::uint64_t> sum_{0};
};

} // namespace twinsms::metrics
