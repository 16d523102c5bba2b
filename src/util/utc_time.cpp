#include <cstdio>

#include "util/utc_time.hpp"

namespace twinsms {

std::string format_utc_ms(std::int64_t epoch_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{epoch_ms}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss<milliseconds> tod{t - day};
    char buf[48]; // room for any year, so the format cannot truncate
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                  static_cast<int>(tod.seconds().count()), static_cast<int>(tod.subseconds().count()));
    return buf;
}

std::string format_utc_ms(std::chrono::system_clock::time_point t) {
    return format_utc_ms(std::chrono::floor<std::chrono::milliseconds>(t).time_since_epoch().count());
}

} // namespace twinsms
