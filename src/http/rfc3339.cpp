// RFC 3339 date-times for the send API (schedule, since, until, and the
// times we answer with), pure: days from the civil calendar, no time zone
// database (an offset is explicit in RFC 3339).
#include <algorithm>
#include <cstdio>

#include "http/send_api.hpp"

namespace twinsms::http {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t y;
    unsigned m, d;
};
civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

bool leap(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in(std::int64_t y, unsigned m) noexcept {
    static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

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
    if (static_cast<unsigned>(d) > days_in(y, static_cast<unsigned>(mo))) return std::nullopt;
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
    const std::int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                              h * 3600 + mi * 60 + std::min(se, 59) - offset_min * 60;
    return secs * 1000 + ms;
}

std::string format_rfc3339(std::int64_t epoch_ms) {
    std::int64_t days = epoch_ms / 86'400'000, rest = epoch_ms % 86'400'000;
    if (rest < 0) rest += 86'400'000, --days;
    const auto c = civil_from_days(days);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(c.y), c.m, c.d,
                  static_cast<long long>(rest / 3'600'000), static_cast<long long>(rest / 60'000 % 60),
                  static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
    return buf;
}

} // namespace twinsms::http
