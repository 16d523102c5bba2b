#pragma once
// SMPP 3.4 session management PDU bodies (spec 4.1-4.3: bind, unbind,
// generic_nack, enquire_link, outbind) and the responses that carry only a
// system_id or message_id. Part of pdu.hpp, which includes it; the field
// conventions are described there.
#include <cstdint>
#include <string_view>

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

} // namespace twinsms::smpp
