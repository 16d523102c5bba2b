#pragma once
// SMPP 3.4 message submission and delivery PDU bodies (spec 4.4-4.7:
// submit_sm, deliver_sm, submit_multi, data_sm). Part of pdu.hpp, which
// includes it; the field conventions are described there.
#include "smpp/codec/pdu_session.hpp"

namespace twinsms::smpp {

// submit_sm and deliver_sm share one layout (spec 4.4.1 and 4.6.1).
template <command_id Id>
struct basic_sm {
    static constexpr command_id id = Id;
    std::string_view service_type;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    std::uint8_t dest_addr_ton = 0;
    std::uint8_t dest_addr_npi = 0;
    std::string_view destination_addr;
    std::uint8_t esm_class = 0;
    std::uint8_t protocol_id = 0;
    std::uint8_t priority_flag = 0;
    std::string_view schedule_delivery_time;
    std::string_view validity_period;
    std::uint8_t registered_delivery = 0;
    std::uint8_t replace_if_present_flag = 0;
    std::uint8_t data_coding = 0;
    std::uint8_t sm_default_msg_id = 0;
    std::string_view short_message; // sm_length is its size
    tlv_list tlvs;

    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.service_type, "service_type", max_len::service_type);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr21);
        v.u8(s.dest_addr_ton, "dest_addr_ton");
        v.u8(s.dest_addr_npi, "dest_addr_npi");
        v.cstr(s.destination_addr, "destination_addr", max_len::addr21);
        v.u8(s.esm_class, "esm_class");
        v.u8(s.protocol_id, "protocol_id");
        v.u8(s.priority_flag, "priority_flag");
        v.cstr(s.schedule_delivery_time, "schedule_delivery_time", max_len::time);
        v.cstr(s.validity_period, "validity_period", max_len::time);
        v.u8(s.registered_delivery, "registered_delivery");
        v.u8(s.replace_if_present_flag, "replace_if_present_flag");
        v.u8(s.data_coding, "data_coding");
        v.u8(s.sm_default_msg_id, "sm_default_msg_id");
        v.octets8(s.short_message, "short_message");
        v.tlvs(s.tlvs);
    }
};
using submit_sm = basic_sm<command_id::submit_sm>;
using deliver_sm = basic_sm<command_id::deliver_sm>;

// One entry of submit_multi's dest_address list (spec 4.5.1.1).
struct dest_address {
    static constexpr std::uint8_t sme_address = 1;
    static constexpr std::uint8_t distribution_list = 2;
    std::uint8_t dest_flag = sme_address;
    std::uint8_t dest_addr_ton = 0; // sme_address only
    std::uint8_t dest_addr_npi = 0; // sme_address only
    std::string_view address;       // destination_addr or dl_name
    friend bool operator==(const dest_address&, const dest_address&) = default;
};

struct submit_multi {
    static constexpr command_id id = command_id::submit_multi;
    std::string_view service_type;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    boost::container::small_vector<dest_address, 4> dests; // number_of_dests is its size
    std::uint8_t esm_class = 0;
    std::uint8_t protocol_id = 0;
    std::uint8_t priority_flag = 0;
    std::string_view schedule_delivery_time;
    std::string_view validity_period;
    std::uint8_t registered_delivery = 0;
    std::uint8_t replace_if_present_flag = 0;
    std::uint8_t data_coding = 0;
    std::uint8_t sm_default_msg_id = 0;
    std::string_view short_message;
    tlv_list tlvs;

    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.service_type, "service_type", max_len::service_type);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr21);
        v.dests(s.dests);
        v.u8(s.esm_class, "esm_class");
        v.u8(s.protocol_id, "protocol_id");
        v.u8(s.priority_flag, "priority_flag");
        v.cstr(s.schedule_delivery_time, "schedule_delivery_time", max_len::time);
        v.cstr(s.validity_period, "validity_period", max_len::time);
        v.u8(s.registered_delivery, "registered_delivery");
        v.u8(s.replace_if_present_flag, "replace_if_present_flag");
        v.u8(s.data_coding, "data_coding");
        v.u8(s.sm_default_msg_id, "sm_default_msg_id");
        v.octets8(s.short_message, "short_message");
        v.tlvs(s.tlvs);
    }
};

struct unsuccess_sme {
    std::uint8_t dest_addr_ton = 0;
    std::uint8_t dest_addr_npi = 0;
    std::string_view destination_addr;
    command_status error_status_code = 0;
    friend bool operator==(const unsuccess_sme&, const unsuccess_sme&) = default;
};

struct submit_multi_resp {
    static constexpr command_id id = command_id::submit_multi_resp;
    std::string_view message_id;
    boost::container::small_vector<unsuccess_sme, 2> unsuccess; // no_unsuccess is its size
    tlv_list tlvs;
    bool body_omitted = false;

    template <class S, class V> static void visit(S& s, V& v) {
        if (!v.optional_body(s.body_omitted)) return;
        v.cstr(s.message_id, "message_id", max_len::message_id);
        v.unsuccess(s.unsuccess);
        v.tlvs(s.tlvs);
    }
};

struct data_sm {
    static constexpr command_id id = command_id::data_sm;
    std::string_view service_type;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    std::uint8_t dest_addr_ton = 0;
    std::uint8_t dest_addr_npi = 0;
    std::string_view destination_addr;
    std::uint8_t esm_class = 0;
    std::uint8_t registered_delivery = 0;
    std::uint8_t data_coding = 0;
    tlv_list tlvs;

    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.service_type, "service_type", max_len::service_type);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr65);
        v.u8(s.dest_addr_ton, "dest_addr_ton");
        v.u8(s.dest_addr_npi, "dest_addr_npi");
        v.cstr(s.destination_addr, "destination_addr", max_len::addr65);
        v.u8(s.esm_class, "esm_class");
        v.u8(s.registered_delivery, "registered_delivery");
        v.u8(s.data_coding, "data_coding");
        v.tlvs(s.tlvs);
    }
};

} // namespace twinsms::smpp
