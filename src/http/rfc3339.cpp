// RFC 3339 date-times for the send API (schedule, since, until, and the
// times we answer with), pure: std::chrono's civil calendar, no time zone
// database (an offset is explicit in RFC 3339).
#include <algorithm>
#include <chrono>

#include "http/send_api.hpp"
#include "util/utc_time.hpp"

namespace twinsms::http {
namespace {

// `n` digits at `at`, or -1.
int digits(std::string_view s, std::size_t at, std::size_t n) noexcept {
    if (s.size() < at + n) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

} // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
    const int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
    const int h = digits(s, 11, 2), mi = digits(s, 14, 2), se = digits(s, 17, 2);
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return std::nullopt;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    using namespace std::chrono;
    const year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!date.ok()) return std::nullopt; // 30 February, 29 February outside leap years
    std::size_t at = 19;
    std::int64_t ms = 0;
    if (at < s.size() && s[at] == '.') {
        std::size_t n = 0;
        for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at, ++n)
            if (n < 3) ms = ms * 10 + (s[at] - '0');
        if (n == 0) return std::nullopt;
        for (; n < 3; ++n) ms *= 10;
    }
    if (at >= s.size()) return std::nullopt; // the offset is required
    std::int64_t offset_min = 0;
    if (s[at] == 'Z' || s[at] == 'z') {
        ++at;
    } else if (s[at] == '+' || s[at] == '-') {
        const int oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59 || s.size() < at + 6 || s[at + 3] != ':') return std::nullopt;
        offset_min = (s[at] == '+' ? 1 : -1) * (oh * 60 + om);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != s.size()) return std::nullopt;
    // A leap second is read as the last second of its minute.
    const std::int64_t secs = std::int64_t{sys_days{date}.time_since_epoch().count()} * 86400 +
                              h * 3600 + mi * 60 + std::min(se, 59) - offset_min * 60;
    return secs * 1000 + ms;
}

std::string format_rfc3339(std::int64_t epoch_ms) { return format_utc_ms(epoch_ms); }

} // namespace twinsms::http
