#pragma once
// Counts by SMPP command_status for /metrics with a bounded label set: the
// first `capacity` distinct statuses seen get a count each, any other one
// is counted in other(), so a peer that answers with ever new statuses
// cannot grow the exposition without bound. Plain values (copyable); one
// thread writes and reads it (the node's io thread).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace twinsms::metrics {

class status_counts {
public:
    static constexpr std::size_t capacity = 32;
    struct entry {
        std::uint32_t status = 0;
        std::uint64_t count = 0;
    };

    // A linear search: few distinct statuses, and the common one (OK) first.
    void add(std::uint32_t status, std::uint64_t n = 1) noexcept {
        for (std::size_t i = 0; i < used_; ++i)
            if (e_[i].status == status) {
                e_[i].count += n;
                return;
            }
        if (used_ < capacity) e_[used_++] = {status, n};
        else other_ += n;
    }
    void merge(const status_counts& o) noexcept {
        for (const auto& x : o.entries()) add(x.status, x.count);
        other_ += o.other_;
    }
    // In the order first seen.
    std::span<const entry> entries() const noexcept { return {e_.data(), used_}; }
    std::uint64_t other() const noexcept { return other_; }
    std::uint64_t of(std::uint32_t status) const noexcept {
        for (const auto& x : entries())
            if (x.status == status) return x.count;
        return 0;
    }

private:
    std::array<entry, capacity> e_{};
    std::size_t used_ = 0;
    std::uint64_t other_ = 0;
};

// The label value of a status: "0x" and 8 lower-case hex digits.
std::string status_label(std::uint32_t status);

} // namespace twinsms::metrics
