#pragma once
// SMS user data back to UTF-8, pure: what a handset sent (MO) or a receipt
// says, for consumers that are not SMPP (the webhook's JSON).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twinsms::sms {

struct decoded_text {
    std::string text;     // UTF-8
    std::string udh;      // the user data header octets, when esm_class had UDHI
    bool lossy = false;   // some octets had no character (shown as U+FFFD)
};

// data_coding 0x00 (GSM 03.38 unpacked, one septet per octet, escapes to the
// extension table), 0x01 (IA5/ASCII), 0x03 (Latin-1), 0x08 (UCS-2, read as
// UTF-16BE so surrogate pairs survive). Other codings are binary: nullopt.
// With `udhi` the leading header (its length octet first) is split off.
std::optional<decoded_text> decode_text(std::string_view octets, std::uint8_t data_coding, bool udhi);

} // namespace twinsms::sms
