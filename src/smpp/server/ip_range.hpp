#pragma once
// The CIDR type moved to util (config parses it without the SMPP server);
// smpp code keeps its old name.
#include "util/ip_range.hpp"

namespace twinsms::smpp {
using twinsms::ip_range;
} // namespace twinsms::smpp
