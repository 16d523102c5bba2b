// Differential test against libsmpp34, an independent C implementation: our
// bytes are unpacked by libsmpp34 and compared field by field, then packed
// back and must equal ours; hand-built structs packed by libsmpp34 are
// decoded by us; real-peer PDUs libsmpp34 refuses must be accepted by us.
// The only file that includes libsmpp34's headers: they define ~160 macros
// (U32, C_OCTET, Reserved, ...), so ours come first.
#define BOOST_TEST_MODULE codec_libsmpp34_diff
#include <cstring>

#include "field_dump.hpp"
#include "libsmpp34_bridge.hpp"
#include "libsmpp34_corpus.hpp"
#include "test_util.hpp"

extern "C" {
#include <stdint.h>
#include <libsmpp34/smpp34.h>
#include <libsmpp34/smpp34_structs.h>
#include <libsmpp34/smpp34_params.h>
}

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

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
            BOOST_REQUIRE_MESSAGE(rc == 0, "smpp34_unpack: " << l34_pdu::error());
            BOOST_TEST(render(theirs.dump()) == render(dump(*e.pdu)));
            // libsmpp34 packs the struct it unpacked back into our bytes.
            BOOST_TEST(to_hex(theirs.pack().value()) == to_hex(e.pdu.bytes()));
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
                                                    << "): " << std::string_view{l34_pdu::error()}.substr(0, 300));
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
    auto packed = theirs.pack();
    BOOST_REQUIRE_MESSAGE(packed, "smpp34_pack: " << l34_pdu::error());
    wire = std::move(*packed);
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
