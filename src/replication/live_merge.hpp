#pragma once
// Failback to a node that never stopped (fenced behind a partition, or
// stalled long enough to be declared dead): the survivor promoted that
// node's replica and ran an engine over it, so the replica holds work done
// for the node (messages sent, with the carriers' ids its receipts will
// name; receipts matched and waiting for the node's clients). The node
// cannot swap stores as a restarting one does (reclaim.hpp): its store is
// open under its running engine. So it fetches the same copy and reads
// from it what to apply through its engine (engine/dispatcher adopt, and
// take_delivery), as ordinary writes in commit order.
//
// Pure reading: the plan is made off the io thread (the copy may be large)
// from the copy and the live store's committed state; whether each image
// still applies is decided again by the engine when it applies it.
#include <filesystem>
#include <string>
#include <vector>

#include "store/merge_plan.hpp"
#include "store/message_store.hpp"

namespace twinsms::replication {

using live_merge_plan = store::merge_plan;

// `copy_file` is a data.mdb copy of our store as the peer holds it; it is
// moved into `work_dir` (created, then removed) to be opened. `accounts`:
// whose deliveries are compared. Returns an empty string or why the copy
// could not be read.
std::string plan_live_merge(const store::message_store& live, const store::store_options& own,
                            const std::filesystem::path& copy_file, const std::filesystem::path& work_dir,
                            const std::vector<std::string>& accounts, live_merge_plan& out);

} // namespace twinsms::replication
