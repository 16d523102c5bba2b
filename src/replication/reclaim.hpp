#pragma once
// Failback catch-up, the returning node's side. A node that starts (after a
// crash, a kill -9, a reboot) asks its peer, before it opens its own store,
// whether the peer took it over and holds its promoted replica: while this
// node was away that replica was the authority for its messages (the
// survivor sent its queue, matched its receipts, delivered to its clients).
// If so, the peer retires the engine it ran over that replica and sends a
// consistent copy of it; this node merges into that copy what its own store
// holds and the copy does not (changes it committed but had not replicated
// when it died), swaps the copy in as its store, and only then opens it and
// joins the pair (fenced, as any returning node, until the peer hands back).
// The whole protocol, both sides, is described in README "Failback".
//
// Blocking, on a private io_context: it runs before the node's own
// io_context has anything to do. A peer that is not there (refused, or no
// answer within the connect timeout) or does not hold our store leaves the
// store as it is.
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "config/replication.hpp"
#include "store/message_store.hpp"

namespace twinsms::replication {

struct reclaim_options {
    std::chrono::milliseconds connect_timeout{2'000};
    // From the request to the last byte of the copy: the peer waits for its
    // engine's attempts in flight first, then copies the store.
    std::chrono::milliseconds transfer_timeout{90'000};
    int attempts = 3; // transfers that broke are asked again
    // Accounts whose queued deliveries are merged (client system_ids, the
    // peer-forward account).
    std::vector<std::string> accounts;
    // Meta keys whose numeric value is kept at the larger of the two stores
    // (the cluster epoch: it must never go down).
    std::vector<std::string> max_meta_keys;
};

struct reclaim_result {
    enum class outcome {
        own_store,   // the peer does not hold our store (or is not there): ours is used as it is
        adopted,     // the peer's copy is our store now
        failed,      // the peer holds it but the transfer or the swap failed: ours is used (duplicates possible)
    } what = outcome::own_store;
    std::string detail;                           // for the log
    std::uint64_t bytes = 0, merged_messages = 0, merged_deliveries = 0;
};

// The request and the transfer alone (reclaim_own_store, and the live
// merge of a node that never stopped: live_merge.hpp): the copy is written
// to `file` when the peer holds our store. Blocking.
struct fetched_copy {
    bool reached = false;  // the peer answered
    bool held = false;     // ...that it holds our store
    bool complete = false; // the copy arrived whole, in `file`
    std::uint64_t bytes = 0;
    std::string why;       // when it did not
};
fetched_copy fetch_own_store(const config::replication_settings& s, const std::string& node_id,
                             const reclaim_options& o, const std::filesystem::path& file);
// Tells the peer its copy is ours now, so its replica of us becomes a
// replica again. Best effort, blocking for at most `timeout`.
void confirm_reclaimed(const config::replication_settings& s, const std::string& node_id,
                       std::chrono::milliseconds timeout);

// Moves the data.mdb copy `file` into `dir` (emptied or created first), so
// it opens as a store there. Returns an empty string or why it could not.
std::string place_copy(const std::filesystem::path& file, const std::filesystem::path& dir);

reclaim_result reclaim_own_store(const store::store_options& own, const config::replication_settings& s,
                                 const std::string& node_id, const reclaim_options& o);

// The swap itself (exposed for tests): `snapshot` is a data.mdb copy of our
// store as the peer holds it. What `own.path` holds and the copy lacks is
// merged into it: messages newer than the copy's (accepted here and not
// replicated before the crash) with their queue entries, and deliveries
// the copy does not have. The old store is kept beside, as
// `<path>.before-failback`. Returns an empty string or why it failed (the
// store is then unchanged).
std::string adopt_reclaimed(const store::store_options& own, const std::filesystem::path& snapshot,
                            const reclaim_options& o, reclaim_result& r);

} // namespace twinsms::replication
