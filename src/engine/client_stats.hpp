#pragma once
// Per client account counters for /metrics, kept by the intake: submits
// from every front door (SMPP, the HTTP send API, email) pass it, so one
// account's figures cover all of them. Keyed by system_id (the label is the
// profile's name, looked up when printed); an entry is made on an account's
// first submit and kept (accounts come from the profiles: bounded), so a
// reference to one stays valid. The node's io thread writes and reads it.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "metrics/histogram.hpp"
#include "metrics/status_counts.hpp"

namespace twinsms::engine {

struct client_counters {
    std::uint64_t accepted = 0;  // messages stored (a submit_multi or an HTTP request: several)
    std::uint64_t throttled = 0; // requests refused for the account's tps, by any front door
    metrics::status_counts responses; // requests answered, by command_status (refusals mapped to one)
    // From a submit's arrival at the intake to its answer after the store's
    // commit, microseconds; requests refused before the store are not in it.
    metrics::histogram submit_latency{metrics::latency_us};
    // HTTP send API requests of the account, from the request handed to the
    // node to its answer (refusals included), microseconds.
    metrics::histogram http_send_latency{metrics::latency_us};
};

class client_stats {
public:
    client_counters& of(std::string_view system_id) {
        auto it = by_.find(system_id);
        if (it == by_.end()) it = by_.try_emplace(std::string{system_id}).first;
        return it->second;
    }
    const client_counters* find(std::string_view system_id) const {
        auto it = by_.find(system_id);
        return it == by_.end() ? nullptr : &it->second;
    }

private:
    std::map<std::string, client_counters, std::less<>> by_;
};

} // namespace twinsms::engine
