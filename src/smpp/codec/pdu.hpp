#pragma once
// SMPP 3.4 PDU bodies (spec chapter 4) as plain structs of views.
//
// Strings and octet strings are std::string_view into the decoded frame (or
// into the caller's storage when encoding), so decoding never allocates for
// them. Use owned_pdu (owned.hpp) to keep a decoded PDU past its frame.
//
// Each body lists its wire layout once, in visit(); the decoder, encoder and
// size computation are all field visitors over that single description.
#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

#include <boost/container/small_vector.hpp>

#include "smpp/codec/command.hpp"
#include "smpp/codec/tlv.hpp"

namespace twinsms::smpp {

// Field limits from the spec, including the terminating NUL.
namespace max_len {
inline constexpr std::size_t system_id = 16;
inline constexpr std::size_t password = 9;
inline constexpr std::size_t system_type = 13;
inline constexpr std::size_t address_range = 41;
inline constexpr std::size_t service_type = 6;
inline constexpr std::size_t addr21 = 21;
inline constexpr std::size_t addr65 = 65;
inline constexpr std::size_t time = 17;
inline constexpr std::size_t message_id = 65;
} // namespace max_len

template <command_id Id>
struct basic_empty {
    static constexpr command_id id = Id;
    template <class S, class V> static void visit(S&, V&) {}
};
using generic_nack = basic_empty<command_id::generic_nack>;
using unbind = basic_empty<command_id::unbind>;
using unbind_resp = basic_empty<command_id::unbind_resp>;
using enquire_link = basic_empty<command_id::enquire_link>;
using enquire_link_resp = basic_empty<command_id::enquire_link_resp>;
using cancel_sm_resp = basic_empty<command_id::cancel_sm_resp>;
using replace_sm_resp = basic_empty<command_id::replace_sm_resp>;

template <command_id Id>
struct basic_bind {
    static constexpr command_id id = Id;
    std::string_view system_id;
    std::string_view password;
    std::string_view system_type;
    std::uint8_t interface_version = 0x34;
    std::uint8_t addr_ton = 0;
    std::uint8_t addr_npi = 0;
    std::string_view address_range;

    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.system_id, "system_id", max_len::system_id);
        v.cstr(s.password, "password", max_len::password);
        v.cstr(s.system_type, "system_type", max_len::system_type);
        v.u8(s.interface_version, "interface_version");
        v.u8(s.addr_ton, "addr_ton");
        v.u8(s.addr_npi, "addr_npi");
        v.cstr(s.address_range, "address_range", max_len::address_range);
    }
};
using bind_transmitter = basic_bind<command_id::bind_transmitter>;
using bind_receiver = basic_bind<command_id::bind_receiver>;
using bind_transceiver = basic_bind<command_id::bind_transceiver>;

// Responses whose body may be absent: peers answer errors with a bare
// 16-byte header, and some answer successes that way too.
template <command_id Id, std::size_t IdMax>
struct basic_id_resp {
    static constexpr command_id id = Id;
    std::string_view message_id; // system_id for bind responses
    tlv_list tlvs;
    bool body_omitted = false;

    template <class S, class V> static void visit(S& s, V& v) {
        if (!v.optional_body(s.body_omitted)) return;
        v.cstr(s.message_id, Id == command_id::submit_sm_resp || Id == command_id::deliver_sm_resp ||
                                     Id == command_id::data_sm_resp || Id == command_id::submit_multi_resp
                                 ? "message_id"
                                 : "system_id",
               IdMax);
        v.tlvs(s.tlvs);
    }
};
using bind_transmitter_resp = basic_id_resp<command_id::bind_transmitter_resp, max_len::system_id>;
using bind_receiver_resp = basic_id_resp<command_id::bind_receiver_resp, max_len::system_id>;
using bind_transceiver_resp = basic_id_resp<command_id::bind_transceiver_resp, max_len::system_id>;
using submit_sm_resp = basic_id_resp<command_id::submit_sm_resp, max_len::message_id>;
using deliver_sm_resp = basic_id_resp<command_id::deliver_sm_resp, max_len::message_id>;
using data_sm_resp = basic_id_resp<command_id::data_sm_resp, max_len::message_id>;

struct outbind {
    static constexpr command_id id = command_id::outbind;
    std::string_view system_id;
    std::string_view password;
    template <class S, class V> static void visit(S& s, V& v) {
        v.cstr(s.system_id, "system_id", max_len::system_id);
        v.cstr(s.password, "password", max_len::password);
    }
};

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

using body = std::variant<generic_nack, bind_receiver, bind_receiver_resp, bind_transmitter,
                          bind_transmitter_resp, query_sm, query_sm_resp, submit_sm, submit_sm_resp,
                          deliver_sm, deliver_sm_resp, unbind, unbind_resp, replace_sm, replace_sm_resp,
                          cancel_sm, cancel_sm_resp, bind_transceiver, bind_transceiver_resp, outbind,
                          enquire_link, enquire_link_resp, submit_multi, submit_multi_resp,
                          alert_notification, data_sm, data_sm_resp, peer_status, peer_status_resp,
                          peer_forward, peer_forward_resp>;

struct pdu {
    command_status status = status::ok;
    std::uint32_t sequence_number = 0;
    smpp::body body;

    command_id id() const noexcept {
        // A table indexed by the alternative, not std::visit: the encoder
        // asks for the id on every PDU and a visit is an indirect call.
        static constexpr auto ids = []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<command_id, sizeof...(I)>{std::variant_alternative_t<I, smpp::body>::id...};
        }(std::make_index_sequence<std::variant_size_v<smpp::body>>{});
        const std::size_t i = body.index();
        return i < ids.size() ? ids[i] : command_id::generic_nack; // generic_nack if valueless
    }
    template <class T> T* as() noexcept { return std::get_if<T>(&body); }
    template <class T> const T* as() const noexcept { return std::get_if<T>(&body); }
};

inline constexpr std::size_t header_size = 16;

struct header {
    std::uint32_t command_length = 0;
    std::uint32_t command_id = 0; // raw, may be unknown
    smpp::command_status command_status = 0;
    std::uint32_t sequence_number = 0;
};

} // namespace twinsms::smpp
