#pragma once
// The pair's decisions for one node, as pure code with the time passed in:
// which profiles to serve, when to take over, fail back, yield (fencing) and
// balance overflow. The node feeds it the failure detector's verdicts, the
// peer's reports (peer_status) and operator commands, and applies serve().
//
// Fencing: every takeover increments the epoch, which the node stores
// durably and reports to the peer. A node that returns and finds the peer
// took over at an epoch not below its own is fenced: it serves nothing
// (no carrier binds, no clients) until the survivor hands back. When both
// nodes took over (a brain split, e.g. after a partition), the higher epoch
// keeps serving and the other yields; on a tie the primary keeps serving.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cluster/failure_detector.hpp"
#include "cluster/peer_report.hpp"

namespace twinsms::cluster {

struct controller_config {
    std::string node_id;
    bool primary = true;
    bool auto_failback = true;
    std::chrono::milliseconds failback_hold{30'000};
    // Link trouble is reported once it lasted this long: when the peer dies,
    // its paths fall silent up to an interval apart, and the death itself
    // should be the one alert.
    std::chrono::milliseconds trouble_grace{0};
    // Secondary only: overflow carriers while the primary's queue is above high.
    std::optional<std::uint64_t> overflow_high, overflow_low;
    // node.cluster.witness: a dead peer is taken over only once the witness
    // key is ours (on_witness_acquired); while the peer holds it, the peer
    // is alive behind a partition and the takeover is refused.
    bool witness = false;
};

// What the node should serve now.
struct serving {
    bool home_clients = false;  // configured-active client profiles
    bool home_carriers = false; // configured-active carrier profiles
    bool peer_profiles = false; // configured-passive clients and carriers (the peer's)
    bool overflow = false;      // overflow-marked passive carriers
    bool peer_link_route = true; // route via the peer link (secondary)
    // Witness: the carrier key is ours, so the carriers it guards may be
    // bound. The controller always says true; cluster_member masks it.
    bool guarded_carriers = true;
    friend bool operator==(const serving&, const serving&) = default;
};

enum class event_kind {
    peer_lost, takeover, failback, link_trouble, link_restored, brain_split, fenced, unfenced,
    switchover, overflow_on, overflow_off,
    takeover_refused, // witness: the peer looks dead but holds the carrier key
    witness_lost,     // witness: the lease could not be renewed; carriers unbound
    epoch_not_stored, // the new epoch could not be committed: the transition waits
    profile_conflict, // settings replication: both nodes edited one profile (src/settings)
    // node.replication sync: clients are answered without the peer's
    // acknowledgement (timeout, peer dead), and back to sync once it caught up.
    sync_degraded, sync_restored
};
std::string_view to_string(event_kind k) noexcept;

struct cluster_event {
    event_kind kind;
    std::string detail;
};

class controller {
public:
    controller(controller_config cfg, std::uint32_t epoch, clock::time_point now);

    void on_verdict(verdict v, clock::time_point now);
    void on_peer_report(const peer_report& r, clock::time_point now);
    // The node finished releasing what serve() stopped (sessions of the
    // peer's clients drained and unbound, queues drained to carriers).
    void on_released(clock::time_point now);
    // Witness: the carrier key is ours at `revision` (the fencing token),
    // or another node holds it.
    void on_witness_acquired(std::int64_t revision, clock::time_point now);
    void on_witness_refused(const std::string& holder, clock::time_point now);
    // Witness: the peer is dead and the takeover waits for the key.
    bool takeover_pending() const noexcept { return pending_takeover_; }
    // Events the node's I/O raises (witness loss, epoch not stored), in
    // the same stream as the controller's own.
    void note(event_kind k, std::string detail) { emit(k, std::move(detail)); }
    // Timers (failback hold).
    void tick(clock::time_point now);
    clock::time_point next_deadline() const noexcept;

    // Operator commands: an empty string on success, else why not.
    std::string takeover(clock::time_point now);
    std::string failback(clock::time_point now);
    std::string switchover(clock::time_point now);

    node_mode mode() const noexcept { return mode_; }
    std::uint32_t epoch() const noexcept { return epoch_; }
    serving serve() const noexcept;
    // Whether the node must call on_released() when done releasing.
    bool releasing() const noexcept;
    peer_report report(std::uint32_t carrier_queue) const;
    const std::optional<peer_report>& last_peer() const noexcept { return peer_; }
    verdict peer_verdict() const noexcept { return verdict_; }

    std::vector<cluster_event> take_events() { return std::exchange(events_, {}); }

    struct counters {
        std::uint64_t takeovers = 0, failbacks = 0, brain_splits = 0, link_troubles = 0, fenced = 0;
        std::uint64_t switchovers = 0, overflows = 0, refused_takeovers = 0;
    };
    const counters& stats() const noexcept { return stats_; }

private:
    void enter(node_mode m, clock::time_point now);
    void take_over(std::string why, clock::time_point now, std::int64_t token = 0);
    void yield_to(const peer_report& r, clock::time_point now);
    void update_overflow(const peer_report& r);
    void emit(event_kind k, std::string detail);
    void report_trouble(clock::time_point now);

    controller_config cfg_;
    node_mode mode_ = node_mode::joining;
    std::uint32_t epoch_;
    verdict verdict_ = verdict::alive;
    std::optional<peer_report> peer_;
    bool planned_ = false;   // took over by command or switchover: no automatic failback
    bool released_ = false;  // standby: drained
    bool reclaim_ = false;   // asking the peer to hand back
    bool overflow_ = false;
    bool pending_takeover_ = false, refusal_reported_ = false;
    std::optional<clock::time_point> hold_until_;
    std::optional<clock::time_point> trouble_since_; // link trouble not reported yet
    bool trouble_reported_ = false;
    std::vector<cluster_event> events_;
    counters stats_;
};

} // namespace twinsms::cluster
