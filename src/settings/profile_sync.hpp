#pragma once
// Which version of a shared profile wins, and what is a conflict: pure
// code on an injected clock (issue 13, settings replication).
//
// Each node knows, per profile, its own digest (the files as loaded), the
// peer's (from the peer's index on every heartbeat) and the base: the last
// digest both held. An edit (a reload that changed a profile) travels as
// (base, new digest): the peer applies it only while it still holds base,
// i.e. it did not change the profile itself. Otherwise both changed it
// since they last agreed: a conflict, refused on both sides and raised as
// an event, never merged. A conflict ends when the two versions are equal
// again (an operator copied one side's file over the other's); drift (the
// digests differ, an edit on its way or refused) is visible meanwhile.
// The base survives restarts (the replicator keeps it next to the store),
// so an edit made while a node was down is still an edit when it starts.
//
// A shared profile removed on one node (its file deleted, then a reload) is
// an edit too, to the digest `deleted`: the peer removes its file if it
// still holds the base, and the profile stops being shared. A removal
// against an edit made on the other side is a conflict like any other.
#include <chrono>
#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "settings/profile_digest.hpp"

namespace twinsms::settings {

using clock = std::chrono::steady_clock;

// The new "digest" of a removed profile.
inline constexpr std::string_view deleted = "deleted";

// A local change on its way to the peer (the replicator adds the file's text).
struct edit {
    std::string profile;
    std::string base;   // the version both held before it; empty when never agreed
    std::string digest; // the new version
    // Our earlier versions the peer may hold already (edits in quick
    // succession, not yet answered): holding one of them is no conflict.
    std::vector<std::string> prior;
    std::uint64_t id = 0; // increasing per sender (wall-clock microseconds): stale copies are ignored
};

enum class outcome : std::uint8_t {
    accepted = 1, // applied (or already held)
    conflict = 2, // the receiver changed the profile too: refused
    invalid = 3,  // does not validate with the receiver's other profiles: refused
    not_held = 4, // the receiver has no such profile (not shared: never created by replication)
};
std::string_view to_string(outcome o) noexcept;

struct verdict {
    std::string profile;
    std::string digest; // the edit's new version
    outcome result = outcome::accepted;
    std::string detail; // why refused
};

// What became a conflict or a refusal now (alerted, logged).
struct sync_event {
    std::string profile;
    outcome result = outcome::conflict;
    std::string detail;
};

struct sync_stats {
    std::uint64_t edits_sent = 0, edits_applied = 0, edits_refused = 0, conflicts = 0, refused_by_peer = 0;
};

class profile_sync {
public:
    explicit profile_sync(digest_map base = {}) : base_{std::move(base)} {}

    // The local profiles after a start or a reload, with the wall clock for
    // edit ids. A profile whose digest moved away from what this node had
    // (or from the base, at start) becomes an edit for the peer.
    void on_local(const digest_map& local, clock::time_point now, std::uint64_t wall_us);
    // The peer's index (every heartbeat). Equal digests agree: base moves,
    // drift and conflicts end.
    void on_peer_index(const digest_map& peer, clock::time_point now);

    enum class action { answer, apply, ignore };
    struct decision {
        action what = action::answer;
        verdict answer; // with action::answer
    };
    // A peer's edit: answer now, apply it (then applied() or refused()), or
    // ignore a stale copy.
    decision on_peer_edit(const edit& e, clock::time_point now);
    // The edit is written and reloaded here / did not validate.
    verdict applied(const edit& e, clock::time_point now);
    verdict refused(const edit& e, std::string why, clock::time_point now);
    // The peer's answer to one of our edits.
    void on_verdict(const verdict& v, clock::time_point now);

    // Our edits the peer has not answered (sent with every heartbeat).
    std::vector<edit> pending() const;
    void note_sent(std::size_t n) { stats_.edits_sent += n; }
    std::vector<sync_event> take_events() { return std::exchange(events_, {}); }

    struct profile_view {
        std::string profile, local, peer, base;
        bool pending = false, conflict = false;
        std::string refused;                         // the peer's reason, while drifting
        std::optional<clock::duration> drifting_for; // digests differ since
    };
    // Profiles both nodes hold (before the peer's first index: none).
    std::vector<profile_view> shared(clock::time_point now) const;
    bool heard_peer() const noexcept { return heard_; }
    bool in_sync() const;
    std::size_t drifting() const;
    std::size_t conflicts() const noexcept { return conflict_.size(); }
    // The set digests over the shared profiles, ours and the peer's.
    std::string digest() const;
    std::string peer_digest() const;
    const digest_map& local() const noexcept { return local_; }
    const digest_map& base() const noexcept { return base_; }
    const sync_stats& stats() const noexcept { return stats_; }

private:
    void agree(const std::string& p, const std::string& d);
    void forget(const std::string& p); // no longer shared: removed on both nodes
    void raise(const std::string& p, outcome o, std::string detail);

    digest_map local_, peer_, base_;
    bool heard_ = false, local_known_ = false;
    std::map<std::string, edit, std::less<>> pending_; // ours, unanswered
    struct conflict_info {
        std::string local, peer;
    };
    std::map<std::string, conflict_info, std::less<>> conflict_;
    std::map<std::string, std::string, std::less<>> refused_; // by the peer, with why
    std::map<std::string, clock::time_point, std::less<>> drift_since_;
    std::map<std::string, std::uint64_t, std::less<>> peer_edit_id_; // the last we decided on, per profile
    std::map<std::string, verdict, std::less<>> last_verdict_;       // and what we answered
    std::uint64_t last_id_ = 0;
    std::vector<sync_event> events_;
    sync_stats stats_;
};

} // namespace twinsms::settings
