#pragma once
// What to do after a carrier answered (or failed to answer) a submit_sm:
// pure decisions, times passed in.
#include <chrono>
#include <cstdint>

#include "smpp/codec/command.hpp"
#include "store/message.hpp"

namespace twinsms::engine {

struct retry_config {
    std::chrono::milliseconds initial{2'000};    // first retry after a temporary error
    std::chrono::milliseconds max{300'000};      // backoff cap
    std::uint32_t max_attempts = 50;             // then undeliverable
    std::chrono::milliseconds default_validity{48LL * 3600 * 1000};
};

enum class verdict {
    accepted,    // carrier took it: submitted
    retry,       // temporary: try again later (same or next carrier)
    next_carrier,// permanent for this carrier, another may take it (failover)
    failed,      // permanent: undeliverable
};

// Carrier answers that mean "not now" rather than "never" (SMPP 3.4 5.1.3 and
// what carriers do in practice): throttling, full queues, system errors and
// the temporary application error.
constexpr bool is_temporary(smpp::command_status st) noexcept {
    namespace s = smpp::status;
    return st == s::throttled || st == s::msgqful || st == s::syserr || st == s::x_t_appn ||
           st == s::submitfail || st == s::deliveryfailure || st == s::unknownerr;
}

// Transport failures (timeouts, link down) are always temporary: the carrier
// may or may not have the message, and at-least-once means we send again.
inline verdict judge(bool transport_error, smpp::command_status st) noexcept {
    if (transport_error) return verdict::retry;
    if (st == smpp::status::ok) return verdict::accepted;
    if (is_temporary(st)) return verdict::retry;
    return verdict::next_carrier;
}

// Exponential backoff: initial * 2^(attempts-1), capped.
inline std::chrono::milliseconds retry_delay(const retry_config& c, std::uint32_t attempts) noexcept {
    auto d = c.initial;
    for (std::uint32_t i = 1; i < attempts && d < c.max; ++i) d *= 2;
    return d < c.max ? d : c.max;
}

// The validity deadline of a message: its own, or the node default.
inline store::epoch_ms deadline_of(const store::message& m, const retry_config& c) noexcept {
    return m.expires_at ? m.expires_at : m.accepted_at + c.default_validity.count();
}

} // namespace twinsms::engine
