#pragma once
// Optional parameters (TLVs), SMPP 3.4 section 5.3.
//
// TLVs are kept as an ordered list of views so that a PDU re-encodes byte for
// byte, unknown and vendor tags included. Typed accessors validate the length
// for the standard tags and return nullopt for absent or malformed values:
// a malformed optional parameter is the router's decision, not the codec's.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/container/small_vector.hpp>

namespace twinsms::smpp {

namespace tag {
inline constexpr std::uint16_t dest_addr_subunit = 0x0005;
inline constexpr std::uint16_t dest_network_type = 0x0006;
inline constexpr std::uint16_t dest_bearer_type = 0x0007;
inline constexpr std::uint16_t dest_telematics_id = 0x0008;
inline constexpr std::uint16_t source_addr_subunit = 0x000D;
inline constexpr std::uint16_t source_network_type = 0x000E;
inline constexpr std::uint16_t source_bearer_type = 0x000F;
inline constexpr std::uint16_t source_telematics_id = 0x0010;
inline constexpr std::uint16_t qos_time_to_live = 0x0017;
inline constexpr std::uint16_t payload_type = 0x0019;
inline constexpr std::uint16_t additional_status_info_text = 0x001D;
inline constexpr std::uint16_t receipted_message_id = 0x001E;
inline constexpr std::uint16_t ms_msg_wait_facilities = 0x0030;
inline constexpr std::uint16_t privacy_indicator = 0x0201;
inline constexpr std::uint16_t source_subaddress = 0x0202;
inline constexpr std::uint16_t dest_subaddress = 0x0203;
inline constexpr std::uint16_t user_message_reference = 0x0204;
inline constexpr std::uint16_t user_response_code = 0x0205;
inline constexpr std::uint16_t source_port = 0x020A;
inline constexpr std::uint16_t destination_port = 0x020B;
inline constexpr std::uint16_t sar_msg_ref_num = 0x020C;
inline constexpr std::uint16_t language_indicator = 0x020D;
inline constexpr std::uint16_t sar_total_segments = 0x020E;
inline constexpr std::uint16_t sar_segment_seqnum = 0x020F;
inline constexpr std::uint16_t sc_interface_version = 0x0210;
inline constexpr std::uint16_t callback_num_pres_ind = 0x0302;
inline constexpr std::uint16_t callback_num_atag = 0x0303;
inline constexpr std::uint16_t number_of_messages = 0x0304;
inline constexpr std::uint16_t callback_num = 0x0381;
inline constexpr std::uint16_t dpf_result = 0x0420;
inline constexpr std::uint16_t set_dpf = 0x0421;
inline constexpr std::uint16_t ms_availability_status = 0x0422;
inline constexpr std::uint16_t network_error_code = 0x0423;
inline constexpr std::uint16_t message_payload = 0x0424;
inline constexpr std::uint16_t delivery_failure_reason = 0x0425;
inline constexpr std::uint16_t more_messages_to_send = 0x0426;
inline constexpr std::uint16_t message_state = 0x0427;
inline constexpr std::uint16_t ussd_service_op = 0x0501;
inline constexpr std::uint16_t display_time = 0x1201;
inline constexpr std::uint16_t sms_signal = 0x1203;
inline constexpr std::uint16_t ms_validity = 0x1204;
inline constexpr std::uint16_t alert_on_message_delivery = 0x130C;
inline constexpr std::uint16_t its_reply_type = 0x1380;
inline constexpr std::uint16_t its_session_info = 0x1383;
} // namespace tag

// Name of a standard tag, or empty for vendor/unknown tags.
std::string_view tag_name(std::uint16_t t) noexcept;

class tlv {
public:
    tlv() = default;
    // A TLV whose value lives elsewhere (a decoded frame, a caller's string).
    tlv(std::uint16_t t, std::string_view value) noexcept : tag_{t}, external_{value} {}

    static tlv u8(std::uint16_t t, std::uint8_t v) noexcept { return of_int(t, v, 1); }
    static tlv u16(std::uint16_t t, std::uint16_t v) noexcept { return of_int(t, v, 2); }
    static tlv u32(std::uint16_t t, std::uint32_t v) noexcept { return of_int(t, v, 4); }
    // C-octet string TLV: the wire value includes the terminating NUL, which
    // std::string guarantees after size().
    static tlv cstring(std::uint16_t t, const std::string& s) noexcept {
        return tlv{t, std::string_view{s.c_str(), s.size() + 1}};
    }
    // The tlv would view a temporary that dies at the end of the statement
    // (a literal or string_view argument converts to one): refuse to compile.
    static tlv cstring(std::uint16_t t, std::string&& s) = delete;

    std::uint16_t tag() const noexcept { return tag_; }
    std::string_view value() const noexcept {
        return inline_len_ ? std::string_view{inline_.data(), inline_len_} : external_;
    }

    friend bool operator==(const tlv& a, const tlv& b) noexcept {
        return a.tag_ == b.tag_ && a.value() == b.value();
    }

private:
    // Integer values are stored inline so a tlv built from a number owns its
    // bytes and stays valid when copied.
    static tlv of_int(std::uint16_t t, std::uint32_t v, std::uint8_t n) noexcept {
        tlv r;
        r.tag_ = t;
        r.inline_len_ = n;
        for (std::uint8_t i = 0; i < n; ++i)
            r.inline_[i] = static_cast<char>((v >> (8 * (n - 1 - i))) & 0xFF);
        return r;
    }

    std::uint16_t tag_ = 0;
    std::uint8_t inline_len_ = 0;
    std::array<char, 4> inline_{};
    std::string_view external_;
};

// Most PDUs carry 0-4 TLVs; keep them inline to avoid a heap allocation per decode.
using tlv_list = boost::container::small_vector<tlv, 4>;

const tlv* find(const tlv_list& l, std::uint16_t t) noexcept;
std::optional<std::uint8_t> get_u8(const tlv_list& l, std::uint16_t t) noexcept;
std::optional<std::uint16_t> get_u16(const tlv_list& l, std::uint16_t t) noexcept;
std::optional<std::uint32_t> get_u32(const tlv_list& l, std::uint16_t t) noexcept;
// Octet string value as on the wire.
std::optional<std::string_view> get_octets(const tlv_list& l, std::uint16_t t) noexcept;
// C-octet string value without its NUL; nullopt when the NUL is missing.
std::optional<std::string_view> get_cstring(const tlv_list& l, std::uint16_t t) noexcept;
// Replaces the first TLV with this tag, or appends.
void set(tlv_list& l, const tlv& v);
bool erase(tlv_list& l, std::uint16_t t) noexcept;

// Typed access to the standard parameters the router uses.
struct network_error {
    std::uint8_t network_type; // 1 ANSI-136, 2 IS-95, 3 GSM, ...
    std::uint16_t error_code;
};
inline std::optional<std::string_view> message_payload(const tlv_list& l) noexcept {
    return get_octets(l, tag::message_payload);
}
inline std::optional<std::string_view> receipted_message_id(const tlv_list& l) noexcept {
    return get_cstring(l, tag::receipted_message_id);
}
inline std::optional<std::uint8_t> message_state(const tlv_list& l) noexcept {
    return get_u8(l, tag::message_state);
}
inline std::optional<std::uint16_t> user_message_reference(const tlv_list& l) noexcept {
    return get_u16(l, tag::user_message_reference);
}
inline std::optional<std::uint8_t> sc_interface_version(const tlv_list& l) noexcept {
    return get_u8(l, tag::sc_interface_version);
}
inline std::optional<std::uint8_t> delivery_failure_reason(const tlv_list& l) noexcept {
    return get_u8(l, tag::delivery_failure_reason);
}
std::optional<network_error> network_error_code(const tlv_list& l) noexcept;

struct sar_info {
    std::uint16_t msg_ref_num;
    std::uint8_t total_segments;
    std::uint8_t segment_seqnum;
};
// All three sar_* TLVs present and well formed, else nullopt.
std::optional<sar_info> sar(const tlv_list& l) noexcept;

} // namespace twinsms::smpp
