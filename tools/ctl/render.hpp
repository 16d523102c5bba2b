#pragma once
// How twinsmsctl shows what the node answers: the status document as a
// human summary, any JSON pretty-printed. Both are tolerant: the node's
// status grows over time and an older or newer node may lack or add fields,
// so a missing or oddly typed field shows as "-" instead of failing.
#include <string>

#include <boost/json/value.hpp>

namespace twinsms::ctl {

// The summary of GET /api/v1/status: node, peer, profiles, links, queue, counters.
std::string render_status(const boost::json::value& status);

// JSON with two-space indentation, keys in the node's order.
std::string pretty_json(const boost::json::value& v);

} // namespace twinsms::ctl
