#pragma once
// Wall-clock time for stored timestamps, injectable for tests.
#include <chrono>
#include <functional>

#include "store/message.hpp"

namespace twinsms::engine {

using clock_fn = std::function<store::epoch_ms()>;

inline store::epoch_ms system_now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace twinsms::engine
