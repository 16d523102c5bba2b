#define BOOST_TEST_MODULE utc_time
#include <boost/test/unit_test.hpp>

#include "util/utc_time.hpp"

using twinsms::format_utc_ms;
using namespace std::chrono;

// Known answers (checked against `date -u -d @SECONDS`).
BOOST_AUTO_TEST_CASE(epoch_and_known_instants) {
    BOOST_TEST(format_utc_ms(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(format_utc_ms(1) == "1970-01-01T00:00:00.001Z");
    BOOST_TEST(format_utc_ms(1'700'000'000'123) == "2023-11-14T22:13:20.123Z");
    BOOST_TEST(format_utc_ms(951'782'400'000) == "2000-02-29T00:00:00.000Z"); // leap day of a 400-year
    BOOST_TEST(format_utc_ms(4'107'542'399'999) == "2100-02-28T23:59:59.999Z"); // 2100 is no leap year
    BOOST_TEST(format_utc_ms(4'107'542'400'000) == "2100-03-01T00:00:00.000Z");
    BOOST_TEST(format_utc_ms(253'402'300'799'999) == "9999-12-31T23:59:59.999Z");
}

BOOST_AUTO_TEST_CASE(before_the_epoch_floors) {
    BOOST_TEST(format_utc_ms(-1) == "1969-12-31T23:59:59.999Z");
    BOOST_TEST(format_utc_ms(-1000) == "1969-12-31T23:59:59.000Z");
    BOOST_TEST(format_utc_ms(-86'400'001) == "1969-12-30T23:59:59.999Z");
}

BOOST_AUTO_TEST_CASE(time_point_overload_truncates_to_the_millisecond) {
    const system_clock::time_point t{milliseconds{1'700'000'000'123} + microseconds{999}};
    BOOST_TEST(format_utc_ms(t) == "2023-11-14T22:13:20.123Z");
}
