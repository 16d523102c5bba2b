#pragma once
// A client's opt-out list in the store: handsets that sent STOP (or were
// added by an operator) and must not get that client's messages. In the
// store so it survives restarts and travels with the change stream to the
// peer's replica like every other record.
#include <cstdint>
#include <string>

namespace twinsms::store {

struct opt_out_entry {
    std::string account; // the client's system_id
    std::string number;  // digits, as route/opt_out_rules.hpp's opt_out_number() writes them
    std::int64_t at = 0; // epoch ms it was added
    std::string via;     // "mo STOP from uk-mno", "admin", ...
    friend bool operator==(const opt_out_entry&, const opt_out_entry&) = default;
};

} // namespace twinsms::store
