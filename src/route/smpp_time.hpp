#pragma once
// SMPP 3.4 time fields (section 7.1.1), pure: the caller passes `now`.
//
//   absolute  "YYMMDDhhmmsstnnp"  t tenths of a second, nn quarter hours
//                                 between the given local time and UTC,
//                                 p '+' (local ahead of UTC) or '-'
//   relative  "YYMMDDhhmmss000R"  an offset from now
//
// schedule_delivery_time and validity_period use these; an empty field means
// "none". Times are epoch milliseconds (UTC) throughout.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::route {

struct smpp_time_result {
    std::optional<std::int64_t> epoch_ms; // nullopt: empty field, or an error
    std::string error;                    // empty when the field is valid
    bool ok() const noexcept { return error.empty(); }
};

// Parses an SMPP time. Years are 2000 + YY (the spec's two-digit year has no
// century; every SMSC in service reads it this way). A relative time adds
// its years and months on the UTC calendar of `now` (day clamped to the end
// of the month, like the SMSCs that do it that way) and the rest as a
// duration. Malformed input gives an error naming the offending part, for
// the log line that goes with ESME_RINVEXPIRY / ESME_RINVSCHED.
smpp_time_result parse_smpp_time(std::string_view s, std::int64_t now_ms);

// "YYMMDDhhmm" in UTC, the date format of receipt text.
std::string format_receipt_date(std::int64_t epoch_ms);
// Receipt dates as carriers send them: "YYMMDDhhmm" or "YYMMDDhhmmss" (UTC).
std::optional<std::int64_t> parse_receipt_date(std::string_view s) noexcept;

// Absolute SMPP time "YYMMDDhhmmsstnnp" for `epoch_ms`, expressed in the
// local time `quarter_hours` (-48..48, clamped) ahead of UTC.
std::string format_smpp_time(std::int64_t epoch_ms, int quarter_hours = 0);

} // namespace twinsms::route
