#pragma once
// route::address and number_kind for BOOST_TEST's messages.
#include <ostream>

#include "route/numbering.hpp"

namespace twinsms::route {
inline std::ostream& operator<<(std::ostream& o, const address& a) {
    return o << "'" << a.addr << "' TON " << int{a.ton} << " NPI " << int{a.npi};
}
inline std::ostream& operator<<(std::ostream& o, number_kind k) { return o << static_cast<int>(k); }
} // namespace twinsms::route
