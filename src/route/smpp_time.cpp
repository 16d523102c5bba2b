#include "route/smpp_time.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace twinsms::route {
namespace {
using namespace std::chrono;

constexpr std::int64_t ms_per_day = 86'400'000;

// Days since the epoch (floored, so times before 1970 work too) and the
// milliseconds into that day.
struct day_split {
    std::int64_t days;
    std::int64_t ms;
};
constexpr day_split split(std::int64_t epoch_ms) noexcept {
    std::int64_t d = epoch_ms / ms_per_day;
    std::int64_t r = epoch_ms % ms_per_day;
    if (r < 0) {
        r += ms_per_day;
        --d;
    }
    return {d, r};
}

year_month_day civil(std::int64_t day_count) noexcept { return year_month_day{sys_days{days{day_count}}}; }

std::int64_t to_days(const year_month_day& ymd) noexcept {
    return sys_days{ymd}.time_since_epoch().count();
}

int two(std::string_view s, std::size_t at) noexcept { return (s[at] - '0') * 10 + (s[at + 1] - '0'); }

std::string quoted(char c) {
    if (c >= 0x20 && c < 0x7F) return std::string{'\''} + c + '\'';
    char buf[8];
    std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(c));
    return buf;
}

smpp_time_result fail(std::string message) { return {std::nullopt, std::move(message)}; }

smpp_time_result relative(std::string_view s, std::int64_t now_ms) {
    if (s.substr(12, 3) != "000")
        return fail("relative time must end in 000R, got '" + std::string{s.substr(12)} + "'");
    // Each field is a count here, not a calendar value, so 00..99 are all
    // valid ("000000480000000R" is 48 hours).
    const int years = two(s, 0), months = two(s, 2), day_count = two(s, 4);
    const int hours = two(s, 6), minutes = two(s, 8), seconds = two(s, 10);
    const auto [now_day, now_tod] = split(now_ms);
    const auto now = civil(now_day);
    const int month_index = static_cast<int>(unsigned{now.month()}) - 1 + months + 12 * years;
    const year y{static_cast<int>(now.year()) + month_index / 12};
    const month m{static_cast<unsigned>(month_index % 12 + 1)};
    const day last = year_month_day_last{y, month_day_last{m}}.day();
    const year_month_day target{y, m, std::min(now.day(), last)};
    const std::int64_t ms = (to_days(target) + day_count) * ms_per_day + now_tod +
                            ((hours * 60LL + minutes) * 60LL + seconds) * 1000LL;
    return {ms, {}};
}

smpp_time_result absolute(std::string_view s) {
    const int yy = two(s, 0), mo = two(s, 2), dd = two(s, 4);
    const int hh = two(s, 6), mi = two(s, 8), ss = two(s, 10);
    const int tenths = s[12] - '0', quarters = two(s, 13);
    if (mo < 1 || mo > 12) return fail("month " + std::string{s.substr(2, 2)} + " out of range 01-12");
    const year_month_day ymd{year{2000 + yy}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(dd)}};
    if (!ymd.ok())
        return fail("day " + std::string{s.substr(4, 2)} + " out of range for 20" + std::string{s.substr(0, 2)} +
                    "-" + std::string{s.substr(2, 2)});
    if (hh > 23) return fail("hour " + std::string{s.substr(6, 2)} + " out of range 00-23");
    if (mi > 59) return fail("minute " + std::string{s.substr(8, 2)} + " out of range 00-59");
    if (ss > 59) return fail("second " + std::string{s.substr(10, 2)} + " out of range 00-59");
    if (quarters > 48)
        return fail("UTC offset " + std::string{s.substr(13, 2)} + " quarter hours out of range 00-48");
    const std::int64_t local = to_days(ymd) * ms_per_day + ((hh * 60LL + mi) * 60LL + ss) * 1000LL + tenths * 100LL;
    // '+': the local time is ahead of UTC, so UTC is earlier.
    const std::int64_t offset = quarters * 15LL * 60'000LL;
    return {s[15] == '+' ? local - offset : local + offset, {}};
}

} // namespace

smpp_time_result parse_smpp_time(std::string_view s, std::int64_t now_ms) {
    if (s.empty()) return {};
    if (s.size() != 16)
        return fail("expected 16 characters (YYMMDDhhmmsstnnp), got " + std::to_string(s.size()));
    const char p = s[15];
    if (p != '+' && p != '-' && p != 'R')
        return fail("character 16 must be '+', '-' or 'R', got " + quoted(p));
    for (std::size_t i = 0; i < 15; ++i)
        if (s[i] < '0' || s[i] > '9')
            return fail("character " + std::to_string(i + 1) + " must be a digit, got " + quoted(s[i]));
    return p == 'R' ? relative(s, now_ms) : absolute(s);
}

std::string format_receipt_date(std::int64_t epoch_ms) {
    const auto [d, tod] = split(epoch_ms);
    const auto ymd = civil(d);
    const int yy = (static_cast<int>(ymd.year()) % 100 + 100) % 100;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02u%02u%02d%02d", yy, unsigned{ymd.month()}, unsigned{ymd.day()},
                  static_cast<int>(tod / 3'600'000), static_cast<int>(tod / 60'000 % 60));
    return buf;
}

std::optional<std::int64_t> parse_receipt_date(std::string_view s) noexcept {
    if (s.size() != 10 && s.size() != 12) return std::nullopt;
    for (char c : s)
        if (c < '0' || c > '9') return std::nullopt;
    const int mo = two(s, 2), dd = two(s, 4), hh = two(s, 6), mi = two(s, 8);
    const int ss = s.size() == 12 ? two(s, 10) : 0;
    if (mo < 1 || mo > 12 || hh > 23 || mi > 59 || ss > 59) return std::nullopt;
    const year_month_day ymd{year{2000 + two(s, 0)}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(dd)}};
    if (!ymd.ok()) return std::nullopt;
    return to_days(ymd) * ms_per_day + ((hh * 60LL + mi) * 60LL + ss) * 1000LL;
}

std::string format_smpp_time(std::int64_t epoch_ms, int quarter_hours) {
    quarter_hours = std::clamp(quarter_hours, -48, 48);
    const auto [d, tod] = split(epoch_ms + quarter_hours * 15LL * 60'000LL);
    const auto ymd = civil(d);
    const int yy = (static_cast<int>(ymd.year()) % 100 + 100) % 100;
    char buf[24];
    std::snprintf(buf, sizeof buf, "%02d%02u%02u%02d%02d%02d%d%02d%c", yy, unsigned{ymd.month()}, unsigned{ymd.day()},
                  static_cast<int>(tod / 3'600'000), static_cast<int>(tod / 60'000 % 60),
                  static_cast<int>(tod / 1000 % 60), static_cast<int>(tod % 1000 / 100), std::abs(quarter_hours),
                  quarter_hours < 0 ? '-' : '+');
    return buf;
}

} // namespace twinsms::route
