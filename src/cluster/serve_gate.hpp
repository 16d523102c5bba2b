#pragma once
// Between the controller's serve() and what the node applies, as pure code:
// the witness key gates the carriers it guards, and until a new epoch is
// committed to the store the node may stop serving things but not start
// serving more (the epoch is durable before the node acts on it).
#include <optional>

#include "cluster/controller.hpp"

namespace twinsms::cluster {

struct gate_inputs {
    bool witness = false;          // node.cluster.witness configured
    bool key_held = false;         // ...and the key is ours under a valid lease now
    bool epoch_committed = true;   // the controller's epoch is the stored one
};

// `applied`: what the node serves now (nullopt before the first apply: nothing).
serving gate(serving wanted, const std::optional<serving>& applied, const gate_inputs& in);

} // namespace twinsms::cluster
