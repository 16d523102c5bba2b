#pragma once
// Records of another copy of this store to be applied to it through its
// running engine: what the peer did for this node while it ran this node's
// promoted replica (made by replication/live_merge.hpp, applied by
// engine::dispatcher::adopt and message_engine::take_delivery). Pure data.
#include <string>
#include <vector>

#include "store/message.hpp"

namespace twinsms::store {

struct merge_plan {
    // The copy's image of messages that went further there than here (sent
    // while here it is queued; finished while here it is not): applied in
    // place of ours (its history gets one line that says so).
    std::vector<message> messages;
    // Receipt mappings of sends made there that our record does not name
    // (the message was sent here too, or finished here meanwhile): a receipt
    // for either attempt finds the message.
    struct mapping {
        std::string carrier, carrier_id;
        message_id message;
    };
    std::vector<mapping> mappings;
    // Receipts and MO waiting there for our clients that our store lacks.
    std::vector<delivery> deliveries;
    std::uint64_t scanned = 0; // messages read from the copy
};

// How far a message went: queued 0, sent 1, finished 2.
constexpr int progress(msg_state s) noexcept {
    if (is_final(s)) return 2;
    return s == msg_state::submitted ? 1 : 0;
}

} // namespace twinsms::store
