#pragma once
// Ownership of the pair's carrier key in the witness (etcd), as pure code
// with the time passed in: when to grant a lease, renew it, acquire the key
// under it, give it up, and until when the key may be trusted.
//
// The node binds the guarded carriers only while holding() is true. That
// window is counted from when the last successful grant or renewal was
// *sent* (etcd restarted the TTL no earlier than that), minus a guard for
// the unbind itself and for clock rates: so the node has stopped before
// etcd can expire the lease and hand the key to the peer. Answers that come
// late never extend it; silence shortens nothing either, the clock decides.
//
// One request at a time: the I/O side asks next(), sends, and reports the
// answer; it asks again after every answer and at next_deadline().
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/failure_detector.hpp" // clock

namespace twinsms::cluster {

struct witness_timing {
    std::chrono::milliseconds ttl{3'000};
    // Renew three times per TTL: two renewals may fail before the window closes.
    std::chrono::milliseconds renew_every() const { return ttl / 3; }
    // Stop this long before etcd could expire the lease (unbinding takes a
    // moment; clocks on the two machines run at slightly different rates).
    std::chrono::milliseconds guard() const { return std::max<std::chrono::milliseconds>(ttl / 4, std::chrono::milliseconds{250}); }
    // Between refused acquisitions and failed grants: bounded, so a node
    // waiting for the key never storms etcd.
    std::chrono::milliseconds retry_every() const { return ttl / 6; }
};

enum class witness_request { none, grant, renew, acquire, release };
std::string_view to_string(witness_request r) noexcept;

enum class witness_event_kind {
    acquired, // the key is ours (revision = fencing token)
    refused,  // another node holds the key (once per wanting episode)
    lost,     // the window closed or etcd said the lease is gone: carriers must go
    released, // we gave the key back (revoked the lease)
};
std::string_view to_string(witness_event_kind k) noexcept;

struct witness_event {
    witness_event_kind kind;
    std::string detail;
    std::int64_t revision = 0;
};

class witness_lease {
public:
    explicit witness_lease(witness_timing t) : t_{t} {}

    // Whether the node needs the key now (it wants to bind guarded carriers).
    void want(bool w) { want_ = w; }
    bool wanted() const noexcept { return want_; }

    witness_request next(clock::time_point now) const;
    void on_sent(witness_request r, clock::time_point now);

    // Answers to the request in flight.
    void on_granted(std::int64_t lease_id, std::chrono::seconds ttl, clock::time_point now);
    void on_renewed(std::chrono::seconds ttl, clock::time_point now); // ttl 0: etcd no longer has the lease
    void on_acquired(std::int64_t revision, clock::time_point now);
    void on_refused(const std::string& holder, std::int64_t revision, clock::time_point now);
    void on_released(clock::time_point now);
    void on_failed(const std::string& why, clock::time_point now);

    // Closes the window when it ran out (call before holding() each tick).
    void tick(clock::time_point now);
    bool holding(clock::time_point now) const noexcept { return revision_ && lease_ && now < safe_until_; }
    std::optional<std::int64_t> revision() const noexcept { return revision_; }
    std::optional<std::int64_t> lease_id() const noexcept { return lease_; }
    bool in_flight() const noexcept { return in_flight_ != witness_request::none; }
    clock::time_point safe_until() const noexcept { return safe_until_; }
    clock::time_point next_deadline(clock::time_point now) const;
    const std::string& last_error() const noexcept { return last_error_; }
    const std::string& holder() const noexcept { return holder_; } // who held it when we were refused

    std::vector<witness_event> take_events() { return std::exchange(events_, {}); }

    struct counters {
        std::uint64_t requests = 0, failures = 0, acquisitions = 0, refusals = 0, losses = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    void lose(std::string why);

    witness_timing t_;
    bool want_ = false;
    witness_request in_flight_ = witness_request::none;
    clock::time_point sent_at_{};
    std::optional<std::int64_t> lease_, revision_;
    clock::time_point safe_until_{}, last_renew_sent_{}, retry_at_{};
    bool refused_reported_ = false;
    std::string last_error_, holder_;
    std::vector<witness_event> events_;
    counters stats_;
};

} // namespace twinsms::cluster
