#define BOOST_TEST_MODULE route_sms
#include <boost/test/unit_test.hpp>

#include "route/smpp_time.hpp"

using namespace twinsms::route;

namespace {

constexpr std::int64_t now = 1773585005200; // 2026-03-15 14:30:05.2 UTC
constexpr std::int64_t hour = 3'600'000;

std::int64_t at(std::string_view s, std::int64_t t = now) {
    const auto r = parse_smpp_time(s, t);
    BOOST_TEST_REQUIRE(r.ok(), s << ": " << r.error);
    BOOST_TEST_REQUIRE(r.epoch_ms.has_value());
    return *r.epoch_ms;
}

std::string error(std::string_view s) {
    const auto r = parse_smpp_time(s, now);
    BOOST_TEST(!r.epoch_ms.has_value());
    return r.error;
}

} // namespace

BOOST_AUTO_TEST_SUITE(smpp_time)

BOOST_AUTO_TEST_CASE(empty_is_none) {
    const auto r = parse_smpp_time("", now);
    BOOST_TEST(r.ok());
    BOOST_TEST(!r.epoch_ms);
}

BOOST_AUTO_TEST_CASE(absolute_utc_and_offsets) {
    BOOST_TEST(at("260315143005200+") == now);
    BOOST_TEST(at("260315143005200-") == now);             // 00 either way
    BOOST_TEST(at("260315143005208+") == now - 2 * hour);  // local 2h ahead of UTC
    BOOST_TEST(at("260315143005216-") == now + 4 * hour);  // local 4h behind UTC
    BOOST_TEST(at("260315143005201+") == now - 15 * 60'000);
    BOOST_TEST(at("260315143005948+") == now + 700 - 12 * hour); // tenths, maximum offset
    BOOST_TEST(at("260315143005248-") == now + 12 * hour);
    BOOST_TEST(at("260101003000004+") == 1767223800000);  // back over a year boundary: 2025-12-31 23:30
    BOOST_TEST(at("240229000000000+") == 1709164800000);  // leap day
    BOOST_TEST(at("700101000000000+") == 3155760000000); // 2070, not 1970
}

BOOST_AUTO_TEST_CASE(relative) {
    BOOST_TEST(at("000000000000000R") == now);
    BOOST_TEST(at("000001020304000R") == now + 24 * hour + 2 * hour + 3 * 60'000 + 4'000);
    BOOST_TEST(at("000000480000000R") == now + 48 * hour); // fields are counts: 48 hours is fine
    BOOST_TEST(at("000000009999000R") == now + 99 * 60'000 + 99'000);
    // Months and years move on the calendar, the day clamped to the month's end.
    BOOST_TEST(at("000100000000000R", 1769853600000) == 1772272800000); // Jan 31 + 1 month = Feb 28
    BOOST_TEST(at("010000000000000R", 1835431200000) == 1866967200000); // Feb 29 2028 + 1 year = Feb 28 2029
    BOOST_TEST(at("001200000000000R", 1769853600000) == at("010000000000000R", 1769853600000));
    BOOST_TEST(at("000000010000000R", -1) == -1 + hour); // before the epoch too
}

BOOST_AUTO_TEST_CASE(malformed_input_is_named) {
    BOOST_TEST(error("26031514300520+") == "expected 16 characters (YYMMDDhhmmsstnnp), got 15");
    BOOST_TEST(error("2603151430052000+") == "expected 16 characters (YYMMDDhhmmsstnnp), got 17");
    BOOST_TEST(error("2603151430052000") == "character 16 must be '+', '-' or 'R', got '0'");
    BOOST_TEST(error("260315143005200r") == "character 16 must be '+', '-' or 'R', got 'r'");
    BOOST_TEST(error(std::string_view{"260315143005200\0", 16}) == "character 16 must be '+', '-' or 'R', got 0x00");
    BOOST_TEST(error("26031514300520 +") == "character 15 must be a digit, got ' '");
    BOOST_TEST(error("2x0315143005200+") == "character 2 must be a digit, got 'x'");
    BOOST_TEST(error("261315143005200+") == "month 13 out of range 01-12");
    BOOST_TEST(error("260015143005200+") == "month 00 out of range 01-12");
    BOOST_TEST(error("250229000000000+") == "day 29 out of range for 2025-02");
    BOOST_TEST(error("260431000000000+") == "day 31 out of range for 2026-04");
    BOOST_TEST(error("260400000000000+") == "day 00 out of range for 2026-04");
    BOOST_TEST(error("260315243005200+") == "hour 24 out of range 00-23");
    BOOST_TEST(error("260315146005200+") == "minute 60 out of range 00-59");
    BOOST_TEST(error("260315143060200+") == "second 60 out of range 00-59");
    BOOST_TEST(error("260315143005249+") == "UTC offset 49 quarter hours out of range 00-48");
    BOOST_TEST(error("000001000000100R") == "relative time must end in 000R, got '100R'");
    BOOST_TEST(error("000001000000001R") == "relative time must end in 000R, got '001R'");
}

BOOST_AUTO_TEST_CASE(receipt_dates) {
    BOOST_TEST(format_receipt_date(0) == "7001010000");
    BOOST_TEST(format_receipt_date(now) == "2603151430");
    BOOST_TEST(format_receipt_date(1795323719000) == "2611220501");
    BOOST_TEST(parse_receipt_date("2611220501").value() == 1795323660000);
    BOOST_TEST(parse_receipt_date("261122050159").value() == 1795323719000);
    BOOST_TEST(!parse_receipt_date("26112205"));
    BOOST_TEST(!parse_receipt_date("2613220501"));
    BOOST_TEST(!parse_receipt_date("2602300501"));
    BOOST_TEST(!parse_receipt_date("26112205x1"));
    BOOST_TEST(!parse_receipt_date("261122050160"));
}

BOOST_AUTO_TEST_CASE(format_absolute_round_trips) {
    BOOST_TEST(format_smpp_time(now) == "260315143005200+");
    BOOST_TEST(format_smpp_time(now, 8) == "260315163005208+");
    BOOST_TEST(format_smpp_time(now, -16) == "260315103005216-");
    BOOST_TEST(format_smpp_time(now + 99, 99) == "260316023005248+"); // clamped to 48, tenths truncated
    for (int q : {-48, -17, -1, 0, 1, 13, 48})
        for (std::int64_t t : {now, std::int64_t{946771200000} /* 2000-01-02 */, std::int64_t{1767223800000}})
            BOOST_TEST(at(format_smpp_time(t, q)) == t);
}

BOOST_AUTO_TEST_SUITE_END()
