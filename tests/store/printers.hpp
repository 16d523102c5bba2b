#pragma once
// How Boost.Test prints store values in failed checks (tests only).
#include <ostream>

#include "store/message.hpp"

namespace twinsms::store {
inline std::ostream& operator<<(std::ostream& os, message_id id) { return os << id.to_string(); }
inline std::ostream& operator<<(std::ostream& os, delivery_id id) { return os << "d" << id.value; }
inline std::ostream& operator<<(std::ostream& os, msg_state s) { return os << to_string(s); }
} // namespace twinsms::store
