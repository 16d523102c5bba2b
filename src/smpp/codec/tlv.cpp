#include "smpp/codec/tlv.hpp"

namespace twinsms::smpp {

std::string_view tag_name(std::uint16_t t) noexcept {
    switch (t) {
    case tag::dest_addr_subunit: return "dest_addr_subunit";
    case tag::dest_network_type: return "dest_network_type";
    case tag::dest_bearer_type: return "dest_bearer_type";
    case tag::dest_telematics_id: return "dest_telematics_id";
    case tag::source_addr_subunit: return "source_addr_subunit";
    case tag::source_network_type: return "source_network_type";
    case tag::source_bearer_type: return "source_bearer_type";
    case tag::source_telematics_id: return "source_telematics_id";
    case tag::qos_time_to_live: return "qos_time_to_live";
    case tag::payload_type: return "payload_type";
    case tag::additional_status_info_text: return "additional_status_info_text";
    case tag::receipted_message_id: return "receipted_message_id";
    case tag::ms_msg_wait_facilities: return "ms_msg_wait_facilities";
    case tag::privacy_indicator: return "privacy_indicator";
    case tag::source_subaddress: return "source_subaddress";
    case tag::dest_subaddress: return "dest_subaddress";
    case tag::user_message_reference: return "user_message_reference";
    case tag::user_response_code: return "user_response_code";
    case tag::source_port: return "source_port";
    case tag::destination_port: return "destination_port";
    case tag::sar_msg_ref_num: return "sar_msg_ref_num";
    case tag::language_indicator: return "language_indicator";
    case tag::sar_total_segments: return "sar_total_segments";
    case tag::sar_segment_seqnum: return "sar_segment_seqnum";
    case tag::sc_interface_version: return "sc_interface_version";
    case tag::callback_num_pres_ind: return "callback_num_pres_ind";
    case tag::callback_num_atag: return "callback_num_atag";
    case tag::number_of_messages: return "number_of_messages";
    case tag::callback_num: return "callback_num";
    case tag::dpf_result: return "dpf_result";
    case tag::set_dpf: return "set_dpf";
    case tag::ms_availability_status: return "ms_availability_status";
    case tag::network_error_code: return "network_error_code";
    case tag::message_payload: return "message_payload";
    case tag::delivery_failure_reason: return "delivery_failure_reason";
    case tag::more_messages_to_send: return "more_messages_to_send";
    case tag::message_state: return "message_state";
    case tag::ussd_service_op: return "ussd_service_op";
    case tag::display_time: return "display_time";
    case tag::sms_signal: return "sms_signal";
    case tag::ms_validity: return "ms_validity";
    case tag::alert_on_message_delivery: return "alert_on_message_delivery";
    case tag::its_reply_type: return "its_reply_type";
    case tag::its_session_info: return "its_session_info";
    default: return {};
    }
}

const tlv* find(const tlv_list& l, std::uint16_t t) noexcept {
    for (const auto& v : l)
        if (v.tag() == t) return &v;
    return nullptr;
}

namespace {
std::optional<std::uint32_t> get_int(const tlv_list& l, std::uint16_t t, std::size_t n) noexcept {
    const tlv* v = find(l, t);
    if (v == nullptr || v->value().size() != n) return std::nullopt;
    std::uint32_t r = 0;
    for (unsigned char c : v->value()) r = (r << 8) | c;
    return r;
}
} // namespace

std::optional<std::uint8_t> get_u8(const tlv_list& l, std::uint16_t t) noexcept {
    if (auto v = get_int(l, t, 1)) return static_cast<std::uint8_t>(*v);
    return std::nullopt;
}
std::optional<std::uint16_t> get_u16(const tlv_list& l, std::uint16_t t) noexcept {
    if (auto v = get_int(l, t, 2)) return static_cast<std::uint16_t>(*v);
    return std::nullopt;
}
std::optional<std::uint32_t> get_u32(const tlv_list& l, std::uint16_t t) noexcept { return get_int(l, t, 4); }

std::optional<std::string_view> get_octets(const tlv_list& l, std::uint16_t t) noexcept {
    if (const tlv* v = find(l, t)) return v->value();
    return std::nullopt;
}

std::optional<std::string_view> get_cstring(const tlv_list& l, std::uint16_t t) noexcept {
    const tlv* v = find(l, t);
    if (v == nullptr) return std::nullopt;
    const auto s = v->value();
    const auto nul = s.find('\0');
    // The NUL must end the value; some SMSCs omit it, which we tolerate only
    // when the value has no NUL at all (the whole value is then the string).
    if (nul == std::string_view::npos) return s;
    if (nul + 1 != s.size()) return std::nullopt;
    return s.substr(0, nul);
}

void set(tlv_list& l, const tlv& v) {
    for (auto& x : l)
        if (x.tag() == v.tag()) {
            x = v;
            return;
        }
    l.push_back(v);
}

bool erase(tlv_list& l, std::uint16_t t) noexcept {
    for (auto it = l.begin(); it != l.end(); ++it)
        if (it->tag() == t) {
            l.erase(it);
            return true;
        }
    return false;
}

std::optional<network_error> network_error_code(const tlv_list& l) noexcept {
    const tlv* v = find(l, tag::network_error_code);
    if (v == nullptr || v->value().size() != 3) return std::nullopt;
    const auto s = v->value();
    return network_error{static_cast<std::uint8_t>(s[0]),
                         static_cast<std::uint16_t>((static_cast<unsigned char>(s[1]) << 8) |
                                                    static_cast<unsigned char>(s[2]))};
}

std::optional<sar_info> sar(const tlv_list& l) noexcept {
    auto ref = get_u16(l, tag::sar_msg_ref_num);
    auto total = get_u8(l, tag::sar_total_segments);
    auto seq = get_u8(l, tag::sar_segment_seqnum);
    if (!ref || !total || !seq) return std::nullopt;
    return sar_info{*ref, *total, *seq};
}

} // namespace twinsms::smpp
