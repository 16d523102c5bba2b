#pragma once
// SMPP 3.4 message query and edit PDU bodies (spec 4.8-4.12: query_sm,
// cancel_sm, replace_sm, alert_notification) and twinsms' TLV-only vendor
// PDUs of the peer link. Part of pdu.hpp, which includes it; the field
// conventions are described there.
#include "smpp/codec/pdu_session.hpp"

namespace twinsms::smpp {

struct query_sm {
    static constexpr command_id id = command_id::query_sm;
    std::string_view message_id;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.message_id, "message_id", max_len::message_id);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr21);
    }
};

struct query_sm_resp {
    static constexpr command_id id = command_id::query_sm_resp;
    std::string_view message_id;
    std::string_view final_date;
    std::uint8_t message_state = 0;
    std::uint8_t error_code = 0;
    bool body_omitted = false;
    template <class S, class V> static void visit(S& s, V& v) {
        if (!v.optional_body(s.body_omitted)) return;
        v.cstr(s.message_id, "message_id", max_len::message_id);
        v.cstr(s.final_date, "final_date", max_len::time);
        v.u8(s.message_state, "message_state");
        v.u8(s.error_code, "error_code");
    }
};

struct cancel_sm {
    static constexpr command_id id = command_id::cancel_sm;
    std::string_view service_type;
    std::string_view message_id;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    std::uint8_t dest_addr_ton = 0;
    std::uint8_t dest_addr_npi = 0;
    std::string_view destination_addr;
    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.service_type, "service_type", max_len::service_type);
        v.cstr(s.message_id, "message_id", max_len::message_id);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr21);
        v.u8(s.dest_addr_ton, "dest_addr_ton");
        v.u8(s.dest_addr_npi, "dest_addr_npi");
        v.cstr(s.destination_addr, "destination_addr", max_len::addr21);
    }
};

struct replace_sm {
    static constexpr command_id id = command_id::replace_sm;
    std::string_view message_id;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    std::string_view schedule_delivery_time;
    std::string_view validity_period;
    std::uint8_t registered_delivery = 0;
    std::uint8_t sm_default_msg_id = 0;
    std::string_view short_message;
    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.message_id, "message_id", max_len::message_id);
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr21);
        v.cstr(s.schedule_delivery_time, "schedule_delivery_time", max_len::time);
        v.cstr(s.validity_period, "validity_period", max_len::time);
        v.u8(s.registered_delivery, "registered_delivery");
        v.u8(s.sm_default_msg_id, "sm_default_msg_id");
        v.octets8(s.short_message, "short_message");
    }
};

struct alert_notification {
    static constexpr command_id id = command_id::alert_notification;
    std::uint8_t source_addr_ton = 0;
    std::uint8_t source_addr_npi = 0;
    std::string_view source_addr;
    std::uint8_t esme_addr_ton = 0;
    std::uint8_t esme_addr_npi = 0;
    std::string_view esme_addr;
    tlv_list tlvs;
    template <class S, class V> static void visit(S& s, V& v) {
        v.u8(s.source_addr_ton, "source_addr_ton");
        v.u8(s.source_addr_npi, "source_addr_npi");
        v.cstr(s.source_addr, "source_addr", max_len::addr65);
        v.u8(s.esme_addr_ton, "esme_addr_ton");
        v.u8(s.esme_addr_npi, "esme_addr_npi");
        v.cstr(s.esme_addr, "esme_addr", max_len::addr65);
        v.tlvs(s.tlvs);
    }
};

template <command_id Id> struct basic_tlv_only { // twinsms peer-link vendor PDUs (command.hpp)
    static constexpr command_id id = Id;
    tlv_list tlvs;
    template <class S, class V> static void visit(S& s, V& v) { v.tlvs(s.tlvs); }
};
using peer_status = basic_tlv_only<command_id::peer_status>;
using peer_status_resp = basic_tlv_only<command_id::peer_status_resp>;
using peer_forward = basic_tlv_only<command_id::peer_forward>;
using peer_forward_resp = basic_tlv_only<command_id::peer_forward_resp>;

} // namespace twinsms::smpp
