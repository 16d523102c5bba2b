// Differential test against libsmpp34, an independent C implementation: our
// bytes are unpacked by libsmpp34 and compared field by field, then packed
// back and must equal ours; hand-built structs packed by libsmpp34 are
// decoded by us; real-peer PDUs libsmpp34 refuses must be accepted by us.
// The only file that includes libsmpp34's headers: they define ~160 macros
// (U32, C_OCTET, Reserved, ...), so ours come first.
#define BOOST_TEST_MODULE codec_libsmpp34_diff
#include <cstring>

#include "field_dump.hpp"
#include "libsmpp34_corpus.hpp"
#include "test_util.hpp"

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

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

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

// Zeroed storage big enough for any libsmpp34 PDU struct.
struct l34_pdu {
    alignas(8) std::uint8_t raw[4096] = {};
    static_assert(sizeof(submit_multi_t) < 4096 && sizeof(submit_sm_t) < 4096 && sizeof(deliver_sm_t) < 4096);
    std::uint32_t type;
    bool owns_lists = false;
    explicit l34_pdu(std::uint32_t t) : type{t} {}
    ~l34_pdu() { owns_lists && l34_lists(type, raw, 1); }
    // smpp34_unpack can read a C-string past the PDU (it uses strlen), so
    // the bytes are copied into a buffer with zero padding behind them.
    int unpack(std::span<const std::uint8_t> wire) {
        std::vector<std::uint8_t> padded(wire.begin(), wire.end());
        padded.resize(wire.size() + 256, 0);
        owns_lists = true;
        const int rc = smpp34_unpack(type, raw, padded.data(), static_cast<int>(wire.size()));
        l34_lists(type, raw, 0);
        return rc;
    }
    fields dump() {
        l34_sink s;
        return l34_dump(type, raw, s), std::move(s.out);
    }
    bytes pack() {
        std::uint8_t buf[4096];
        int len = 0;
        const int rc = smpp34_pack(type, buf, sizeof buf, &len, raw);
        BOOST_REQUIRE_MESSAGE(rc == 0, "smpp34_pack: " << smpp34_strerror);
        return bytes(buf, buf + len);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(libsmpp34_diff)

BOOST_AUTO_TEST_CASE(our_bytes_unpacked_by_libsmpp34) {
    const auto corpus = accepted_corpus();
    BOOST_TEST(corpus.size() >= 30u);
    for (const auto& e : corpus) {
        BOOST_TEST_CONTEXT(e.name) {
            BOOST_REQUIRE_MESSAGE(!e.pdu.failure(), e.pdu.failure().describe());
            const std::uint32_t id = static_cast<std::uint32_t>(e.pdu->id());
            l34_pdu theirs{id};
            const int rc = theirs.unpack(e.pdu.bytes());
            BOOST_REQUIRE_MESSAGE(rc == 0, "smpp34_unpack: " << smpp34_strerror);
            BOOST_TEST(render(theirs.dump()) == render(dump(*e.pdu)));
            // libsmpp34 packs the struct it unpacked back into our bytes.
            BOOST_TEST(to_hex(theirs.pack()) == to_hex(e.pdu.bytes()));
        }
    }
}

BOOST_AUTO_TEST_CASE(real_peer_pdus_libsmpp34_rejects) {
    for (const auto& e : real_peer_corpus()) {
        BOOST_TEST_CONTEXT(e.name) {
            BOOST_REQUIRE_MESSAGE(!e.pdu.failure(), e.pdu.failure().describe());
            const bytes wire(e.pdu.bytes().begin(), e.pdu.bytes().end());
            expect_reencodes(decode_ok(wire), wire); // we accept it as is
            l34_pdu theirs{static_cast<std::uint32_t>(e.pdu->id())};
            BOOST_TEST(theirs.unpack(wire) == -1);
            BOOST_TEST_MESSAGE("libsmpp34 rejects " << e.name << " (" << e.libsmpp34_rejects
                                                    << "): " << std::string_view{smpp34_strerror}.substr(0, 300));
        }
    }
}

template <std::size_t N> void set(std::uint8_t (&dst)[N], const char* v) {
    BOOST_REQUIRE(std::strlen(v) < N);
    std::strcpy(reinterpret_cast<char*>(dst), v);
}

// Packs a struct built by hand with libsmpp34, decodes it with our codec and
// compares fields; returns our decode for extra checks.
template <class T> pdu packed_by_libsmpp34(l34_pdu& theirs, bytes& wire) {
    wire = theirs.pack();
    const pdu ours = decode_ok(wire);
    BOOST_TEST(ours.as<T>() != nullptr);
    BOOST_TEST(render(dump(ours)) == render(theirs.dump()));
    return ours;
}

BOOST_AUTO_TEST_CASE(hand_built_structs_packed_by_libsmpp34) {
    bytes wire;
    {
        l34_pdu p{BIND_TRANSCEIVER};
        auto& b = *reinterpret_cast<bind_transceiver_t*>(p.raw);
        b.command_id = BIND_TRANSCEIVER;
        b.sequence_number = 1;
        set(b.system_id, "trx");
        set(b.password, "secret");
        b.interface_version = SMPP_VERSION;
        b.addr_ton = TON_International;
        b.addr_npi = NPI_ISDN_E163_E164;
        set(b.address_range, "^44");
        BOOST_TEST(packed_by_libsmpp34<bind_transceiver>(p, wire).as<bind_transceiver>()->address_range == "^44");
    }
    {
        l34_pdu p{SUBMIT_SM};
        auto& s = *reinterpret_cast<submit_sm_t*>(p.raw);
        s.command_id = SUBMIT_SM;
        s.sequence_number = 77;
        set(s.source_addr, "447700900123");
        set(s.destination_addr, "447700900456");
        s.registered_delivery = 1;
        s.sm_length = 5;
        std::memcpy(s.short_message, "hello", 5);
        tlv_t umr{}, total{}, payload{}, vendor{};
        umr = {TLVID_user_message_reference, 2, {}, &total};
        umr.value.val16 = 0xBEEF;
        total = {TLVID_sar_total_segments, 1, {}, &payload};
        total.value.val08 = 3;
        payload = {TLVID_message_payload, 4, {}, &vendor};
        std::memcpy(payload.value.octet, "\x00\x01\x02\xFF", 4);
        vendor = {0x1401, 2, {}, nullptr};
        std::memcpy(vendor.value.octet, "AB", 2);
        s.tlv = &umr;
        const pdu ours = packed_by_libsmpp34<submit_sm>(p, wire);
        BOOST_TEST(user_message_reference(ours.as<submit_sm>()->tlvs).value() == 0xBEEF);
        BOOST_TEST(ours.as<submit_sm>()->tlvs.size() == 4u);
        expect_reencodes(ours, wire);
    }
    {
        l34_pdu p{SUBMIT_MULTI};
        auto& m = *reinterpret_cast<submit_multi_t*>(p.raw);
        m.command_id = SUBMIT_MULTI;
        m.sequence_number = 78;
        set(m.source_addr, "12345");
        dad_t sme{}, dl{};
        sme.dest_flag = DFID_SME_Address;
        sme.value.sme.dest_addr_ton = TON_National;
        sme.value.sme.dest_addr_npi = NPI_National;
        set(sme.value.sme.destination_addr, "0700900123");
        sme.next = &dl;
        dl.dest_flag = DFID_Distribution_List_Name;
        set(dl.value.dl_name, "team");
        m.number_of_dests = 2;
        m.dest_addr_def = &sme;
        m.sm_length = 2;
        std::memcpy(m.short_message, "hi", 2);
        const pdu ours = packed_by_libsmpp34<submit_multi>(p, wire);
        BOOST_TEST(ours.as<submit_multi>()->dests[1].address == "team");
        expect_reencodes(ours, wire);
    }
    { // unsuccess_smes list
        l34_pdu p{SUBMIT_MULTI_RESP};
        auto& r = *reinterpret_cast<submit_multi_resp_t*>(p.raw);
        r.command_id = SUBMIT_MULTI_RESP;
        r.sequence_number = 78;
        set(r.message_id, "m-1");
        udad_t u{};
        u.dest_addr_ton = TON_Unknown;
        u.dest_addr_npi = NPI_Unknown;
        set(u.destination_addr, "999");
        u.error_status_code = ESME_RINVDSTADR;
        r.no_unsuccess = 1;
        r.unsuccess_smes = &u;
        BOOST_TEST(packed_by_libsmpp34<submit_multi_resp>(p, wire).as<submit_multi_resp>()->unsuccess.at(0)
                       .error_status_code == status::invdstadr);
    }
    {
        l34_pdu p{DELIVER_SM};
        auto& d = *reinterpret_cast<deliver_sm_t*>(p.raw);
        d.command_id = DELIVER_SM;
        d.sequence_number = 90;
        set(d.source_addr, "447700900456");
        set(d.destination_addr, "447700900123");
        d.esm_class = SMPP34_DELIVERY_RECEIPT;
        tlv_t id{}, state{};
        id = {TLVID_receipted_message_id, 4, {}, &state};
        std::memcpy(id.value.octet, "abc", 4);
        state = {TLVID_message_state, 1, {}, nullptr};
        state.value.val08 = 2;
        d.tlv = &id;
        const pdu ours = packed_by_libsmpp34<deliver_sm>(p, wire);
        BOOST_TEST(receipted_message_id(ours.as<deliver_sm>()->tlvs).value() == "abc");
        BOOST_TEST(message_state(ours.as<deliver_sm>()->tlvs).value() == 2);
    }
}

BOOST_AUTO_TEST_SUITE_END()
