#pragma once
// Every submit_sm -> submit_sm_resp latency of a run, in microseconds, and
// exact percentiles over the sorted sample. A 5 s run at 50k msg/s keeps
// 250k values (1 MB); past `cap` values the rest are counted, not kept.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace twinsms::load {

class latency_sample {
public:
    explicit latency_sample(std::size_t cap = 20'000'000) : cap_{cap} {}

    void add(std::uint32_t micros) {
        if (values_.size() < cap_) values_.push_back(micros);
        else ++dropped_;
    }
    std::size_t size() const noexcept { return values_.size(); }
    std::uint64_t dropped() const noexcept { return dropped_; }

    // Sorts once; call after the run.
    void finish() { std::sort(values_.begin(), values_.end()); }

    // q in [0, 1], nearest-rank on the sorted sample; 0 when empty.
    std::uint32_t quantile(double q) const noexcept {
        if (values_.empty()) return 0;
        const double rank = std::ceil(q * static_cast<double>(values_.size()));
        const std::size_t i = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
        return values_[std::min(i, values_.size() - 1)];
    }
    std::uint32_t max() const noexcept { return values_.empty() ? 0 : values_.back(); }

private:
    std::vector<std::uint32_t> values_;
    std::size_t cap_;
    std::uint64_t dropped_ = 0;
};

} // namespace twinsms::load
