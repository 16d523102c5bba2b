#pragma once
// Who held the carrier when, from the simulator's bind log: each node binds
// the carrier with its own system_type (the owner), so a test can prove that
// two nodes never held it at once, and measure the gaps with no owner.
#include <chrono>
#include <string>
#include <vector>

#include "sim/sim_harness.hpp"

namespace twinsms::test {

struct carrier_owners {
    const smsc_simulator& sim;
    std::string account = "carrier";

    // The carrier's binds by `owner` (system_type).
    std::vector<sim::bind_record> binds_of(const std::string& owner) const {
        std::vector<sim::bind_record> out;
        for (const auto& b : sim.bind_log())
            if (b.account == account && b.system_type == owner) out.push_back(b);
        return out;
    }
    bool bound_now(const std::string& owner) const {
        for (const auto& b : binds_of(owner))
            if (!b.closed_at) return true;
        return false;
    }
    // Every pair of binds of different owners that overlapped in time: must be none.
    std::vector<std::string> overlaps() const {
        std::vector<std::string> out;
        each_overlap([&](const sim::bind_record& a, const sim::bind_record& b, auto, auto) {
            out.push_back(a.system_type + " (conn " + std::to_string(a.conn) + ") and " + b.system_type + " (conn " +
                          std::to_string(b.conn) + ")");
        });
        return out;
    }
    // How long two owners held the carrier at once, in total.
    std::chrono::milliseconds overlap_time() const {
        std::chrono::steady_clock::duration total{};
        each_overlap([&](const sim::bind_record&, const sim::bind_record&, auto from, auto to) { total += to - from; });
        return std::chrono::duration_cast<std::chrono::milliseconds>(total);
    }

private:
    // f(a, b, from, to) for each two binds of different owners held at once, over [from, to).
    template <class F> void each_overlap(F&& f) const {
        const auto& log = sim.bind_log();
        const auto now = std::chrono::steady_clock::now();
        for (std::size_t i = 0; i < log.size(); ++i)
            for (std::size_t j = i + 1; j < log.size(); ++j) {
                const auto &a = log[i], &b = log[j];
                if (a.account != account || b.account != account || a.system_type == b.system_type) continue;
                const auto from = std::max(a.bound_at, b.bound_at);
                const auto to = std::min(a.closed_at.value_or(now), b.closed_at.value_or(now));
                if (from < to) f(a, b, from, to);
            }
    }
};

} // namespace twinsms::test
