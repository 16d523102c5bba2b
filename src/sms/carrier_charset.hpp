#pragma once
// A stored message's user data as one carrier wants it, pure: its default
// alphabet (what data_coding 0 means on its link), whether it takes UCS-2
// and message_payload, and how it wants long messages split.
//
//   The client's text (data_coding 0 read as GSM 03.38 unpacked, 1 IA5,
//   3 Latin-1, 8 UCS-2) is decoded and written again in the carrier's
//   default alphabet as data_coding 0. UCS-2 from the client stays UCS-2
//   when the carrier takes it. A character the alphabet lacks makes the
//   whole message UCS-2 when the carrier takes it; otherwise the message is
//   refused (a permanent failure with the reason), or, with
//   unrepresentable: replace, the character is sent as '?'.
//
//   Binary data_codings pass untouched. A client's own user data header
//   (esm_class UDHI: a part it split itself, a port address) is kept, and
//   only the text after it is written again; the part must still fit one SMS.
//
//   A text longer than one SMS goes whole in message_payload when the
//   carrier takes that, else in parts (sms_text.hpp split: 153 septets, 67
//   UCS-2 units, 134 octets with the 8-bit header) marked as the carrier
//   says: UDH with an 8-bit or 16-bit reference, or SAR TLVs.
//
// Latin-1 and ASCII are counted as a GSM text is, a character an octet, 160
// in one SMS and 153 in a part: the SMSC sends them in the GSM alphabet on
// the air (route/parts.hpp coding_of counts data_coding 1 and 3 so too).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinsms::sms {

enum class alphabet : std::uint8_t { gsm, latin1, ascii };
enum class concatenation : std::uint8_t { udh8, udh16, sar };
// A character neither the default alphabet nor (when taken) UCS-2 carries.
enum class unrepresentable : std::uint8_t { refuse, replace };

struct carrier_charset {
    alphabet default_alphabet = alphabet::gsm;
    bool ucs2 = true;             // takes data_coding 8
    bool message_payload = false; // takes a long text whole in the message_payload TLV
    concatenation concat = concatenation::udh8;
    std::size_t max_parts = 255;  // longer messages are refused
    unrepresentable other = unrepresentable::refuse;
};

std::string_view to_string(alphabet a) noexcept;

// The client's user data as stored: short_message, or message_payload when
// short_message is empty.
struct client_user_data {
    std::string_view octets;
    std::uint8_t data_coding = 0;
    std::uint8_t esm_class = 0;
};

// What the carrier gets: one PDU per element of `parts`.
struct carrier_user_data {
    std::uint8_t data_coding = 0;
    bool udhi = false;     // set esm_class UDHI (the parts carry a header)
    bool payload = false;  // one PDU, its user data in message_payload
    bool sar = false;      // parts marked with sar_* TLVs: ref, parts.size(), index + 1
    std::uint16_t ref = 0; // the concatenation reference of the parts
    std::vector<std::string> parts;
};

struct charset_result {
    std::optional<carrier_user_data> value;
    std::string refusal; // why not, for the message's history and logs
    explicit operator bool() const noexcept { return value.has_value(); }
};

// `ref` numbers the parts when there are several (the 8-bit header takes
// its low octet); the caller keeps it stable across retries of a message.
charset_result for_carrier(const client_user_data& in, const carrier_charset& cs, std::uint16_t ref);

} // namespace twinsms::sms
