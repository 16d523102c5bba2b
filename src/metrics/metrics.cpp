#include "metrics/histogram.hpp"
#include "metrics/status_counts.hpp"

#include <cstdio>

namespace twinsms::metrics {

bool histogram_snapshot::merge(const histogram_snapshot& o) noexcept {
    if (upper.empty() && sum == 0 && count() == 0) upper = o.upper; // a fresh one takes o's bounds
    if (!std::equal(upper.begin(), upper.end(), o.upper.begin(), o.upper.end())) return false;
    for (std::size_t i = 0; i <= upper.size(); ++i) in[i] += o.in[i];
    sum += o.sum;
    return true;
}

std::string status_label(std::uint32_t status) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08x", static_cast<unsigned>(status));
    return buf;
}

} // namespace twinsms::metrics
