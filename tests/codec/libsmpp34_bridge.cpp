// libsmpp34_bridge.hpp: the only place besides the hand-built structs of
// libsmpp34_diff_test.cpp that includes libsmpp34's headers.
#include "libsmpp34_bridge.hpp"

#include <cstring>

#include "hex.hpp"

extern "C" {
#include <stdint.h>
#include <libsmpp34/smpp34.h>
#include <libsmpp34/smpp34_structs.h>
#include <libsmpp34/smpp34_params.h>
// The per-command TLV and list walkers (do_tlv_submit_sm, do_dad, ...).
#include <libsmpp34/def_frame/alert_notification.tlv>
#include <libsmpp34/def_frame/bind_receiver_resp.tlv>
#include <libsmpp34/def_frame/bind_transceiver_resp.tlv>
#include <libsmpp34/def_frame/bind_transmitter_resp.tlv>
#include <libsmpp34/def_frame/data_sm.tlv>
#include <libsmpp34/def_frame/data_sm_resp.tlv>
#include <libsmpp34/def_frame/deliver_sm.tlv>
#include <libsmpp34/def_frame/submit_multi.dad>
#include <libsmpp34/def_frame/submit_multi.tlv>
#include <libsmpp34/def_frame/submit_multi_resp.udad>
#include <libsmpp34/def_frame/submit_sm.tlv>
}


namespace twinsms::smpp::test {
namespace {

// Collects libsmpp34 struct fields in our neutral form. TLV members arrive
// as tag, length, then value.val08/val16/val32 (host order) or value.octet.
struct l34_sink {
    fields out;
    bool in_tlv = false;
    std::uint16_t tlv_tag = 0;

    void num(const char* name, std::uint32_t v) {
        const std::string_view n{name};
        if (!in_tlv) return void(out.emplace_back(n, std::to_string(v)));
        if (n == "tag") tlv_tag = static_cast<std::uint16_t>(v);
        const int width = n == "value.val08" ? 1 : n == "value.val16" ? 2 : n == "value.val32" ? 4 : 0;
        if (width == 0) return; // tag, length
        std::string be;
        for (int i = width - 1; i >= 0; --i) be += static_cast<char>(v >> (8 * i));
        out.emplace_back(tlv_key(tlv_tag), to_hex(be));
    }
    void str(const char* name, const std::uint8_t* s) { out.emplace_back(name, reinterpret_cast<const char*>(s)); }
    void octets(const char* name, const std::uint8_t* p, std::size_t n) {
        const std::string hex = to_hex(std::span{p, n});
        if (in_tlv) out.emplace_back(tlv_key(tlv_tag), hex);
        else out.emplace_back(name, hex);
    }
};

// libsmpp34 describes every PDU once in def_list/smpp34_protocol.def through
// these macros; defining them differently walks any struct generically.
int l34_dump(std::uint32_t type, void* tt, l34_sink& sink) {
#define instancia t1->
#define U32(inst, par, _str) sink.num(#par, inst par);
#define U16(inst, par, _str) sink.num(#par, inst par);
#define U08(inst, par, _str) sink.num(#par, inst par);
#define C_OCTET(inst, par, size) sink.str(#par, inst par);
#define O_C_OCTET(inst, par, size) if (!(inst command_status)) C_OCTET(inst, par, size)
#define OCTET8(inst, par, size, lenval) sink.octets(#par, inst par, lenval);
#define OCTET16(inst, par, size) sink.octets(#par, inst par, inst length);
#define TLV(inst, par, do_tlv)                                                      \
    for (tlv_t* aux_tlv = inst par; aux_tlv != nullptr; aux_tlv = aux_tlv->next) { \
        sink.in_tlv = true; do_tlv(aux_tlv); sink.in_tlv = false;                  \
    }
#define DAD(inst, par, do_dad) \
    for (dad_t* aux_dad = inst par; aux_dad != nullptr; aux_dad = aux_dad->next) { do_dad(aux_dad); }
#define UDAD(inst, par, do_udad) \
    for (udad_t* aux_udad = inst par; aux_udad != nullptr; aux_udad = aux_udad->next) { do_udad(aux_udad); }
#undef PUTLOG
#define PUTLOG(format, param, value, parse)
#include <libsmpp34/def_list/smpp34_protocol.def>
#include <libsmpp34/def_frame/clean.frame>
    return 0;
}

template <class T> T* reversed(T* head) {
    T* out = nullptr;
    while (head != nullptr) {
        T* next = head->next;
        head->next = out;
        out = head;
        head = next;
    }
    return out;
}

// smpp34_unpack prepends list nodes, so lists come out in reverse wire order.
// mode 0 reverses them into wire order, mode 1 frees them.
int l34_lists(std::uint32_t type, void* tt, int mode) {
#define instancia t1->
#define U32(inst, par, _str)
#define U16(inst, par, _str)
#define U08(inst, par, _str)
#define C_OCTET(inst, par, size)
#define O_C_OCTET(inst, par, size)
#define OCTET8(inst, par, size, lenval)
#define OCTET16(inst, par, size)
#define TLV(inst, par, do_tlv) inst par = mode == 0 ? reversed(inst par) : (destroy_tlv(inst par), nullptr);
#define DAD(inst, par, do_dad) inst par = mode == 0 ? reversed(inst par) : (destroy_dad(inst par), nullptr);
#define UDAD(inst, par, do_udad) inst par = mode == 0 ? reversed(inst par) : (destroy_udad(inst par), nullptr);
#include <libsmpp34/def_list/smpp34_protocol.def>
#include <libsmpp34/def_frame/clean.frame>
    return 0;
}

static_assert(sizeof(submit_multi_t) < 4096 && sizeof(submit_sm_t) < 4096 && sizeof(deliver_sm_t) < 4096);

} // namespace

l34_pdu::~l34_pdu() { owns_lists && l34_lists(type, raw, 1); }

// smpp34_unpack can read a C-string past the PDU (it uses strlen), so the
// bytes are copied into a buffer with zero padding behind them.
int l34_pdu::unpack(std::span<const std::uint8_t> wire) {
    std::vector<std::uint8_t> padded(wire.begin(), wire.end());
    padded.resize(wire.size() + 256, 0);
    owns_lists = true;
    const int rc = smpp34_unpack(type, raw, padded.data(), static_cast<int>(wire.size()));
    l34_lists(type, raw, 0);
    return rc;
}

fields l34_pdu::dump() {
    l34_sink s;
    return l34_dump(type, raw, s), std::move(s.out);
}

std::optional<std::vector<std::uint8_t>> l34_pdu::pack() {
    std::uint8_t buf[4096];
    int len = 0;
    if (smpp34_pack(type, buf, sizeof buf, &len, raw) != 0) return std::nullopt;
    return std::vector<std::uint8_t>(buf, buf + len);
}

std::string l34_pdu::error() { return smpp34_strerror; }

} // namespace twinsms::smpp::test
