#pragma once
// UTC timestamps with milliseconds, "YYYY-MM-DDTHH:MM:SS.mmmZ" (RFC 3339 /
// ISO 8601), for logs, webhook payloads, alert mails and the send API. One
// formatter on std::chrono's civil calendar (libstdc++ 12 has no
// std::format; gmtime_r is not needed either).
#include <chrono>
#include <cstdint>
#include <string>

namespace twinsms {

// Milliseconds since the Unix epoch; times before 1970 are floored to the
// millisecond below (-1 is 1969-12-31T23:59:59.999Z).
std::string format_utc_ms(std::int64_t epoch_ms);
std::string format_utc_ms(std::chrono::system_clock::time_point t);

} // namespace twinsms
