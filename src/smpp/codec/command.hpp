#pragma once
// SMPP 3.4 command identifiers and command_status values (spec sections 5.1.2, 5.1.3).
#include <cstdint>
#include <string_view>

namespace twinsms::smpp {

enum class command_id : std::uint32_t {
    generic_nack = 0x80000000,
    bind_receiver = 0x00000001,
    bind_receiver_resp = 0x80000001,
    bind_transmitter = 0x00000002,
    bind_transmitter_resp = 0x80000002,
    query_sm = 0x00000003,
    query_sm_resp = 0x80000003,
    submit_sm = 0x00000004,
    submit_sm_resp = 0x80000004,
    deliver_sm = 0x00000005,
    deliver_sm_resp = 0x80000005,
    unbind = 0x00000006,
    unbind_resp = 0x80000006,
    replace_sm = 0x00000007,
    replace_sm_resp = 0x80000007,
    cancel_sm = 0x00000008,
    cancel_sm_resp = 0x80000008,
    bind_transceiver = 0x00000009,
    bind_transceiver_resp = 0x80000009,
    outbind = 0x0000000B,
    enquire_link = 0x00000015,
    enquire_link_resp = 0x80000015,
    submit_multi = 0x00000021,
    submit_multi_resp = 0x80000021,
    alert_notification = 0x00000102,
    data_sm = 0x00000103,
    data_sm_resp = 0x80000103,
    // twinsms peer link, in the range SMPP 3.4 table 5-1 reserves for SMSC
    // vendors (0x00010200-0x000102FF): the two nodes of a pair exchange
    // their cluster state (epoch, mode, queue depth) as TLVs. Only a twinsms
    // peer ever sends it; anyone else gets ESME_RINVCMDID as before.
    peer_status = 0x00010201,
    peer_status_resp = 0x80010201,
    // A receipt one node of the pair got for a message the other sent,
    // handed over the peer link (TLVs: the carrier and the original PDU).
    peer_forward = 0x00010202,
    peer_forward_resp = 0x80010202,
};

// The twinsms peer-link requests: allowed both ways once bound.
constexpr bool is_peer_vendor(command_id id) noexcept {
    return id == command_id::peer_status || id == command_id::peer_forward;
}

constexpr bool is_response(command_id id) noexcept {
    return (static_cast<std::uint32_t>(id) & 0x80000000u) != 0;
}

// The response id that answers a request id (bit 31 set). Meaningless for
// requests that have no response (outbind, alert_notification).
constexpr command_id response_of(command_id id) noexcept {
    return static_cast<command_id>(static_cast<std::uint32_t>(id) | 0x80000000u);
}

std::string_view to_string(command_id id) noexcept;
bool is_known(std::uint32_t raw_id) noexcept;

// command_status is kept as a plain integer rather than an enum because
// carriers send vendor-specific values (0x400-0x4FF and beyond) that must
// pass through untouched.
using command_status = std::uint32_t;

namespace status {
inline constexpr command_status ok = 0x00000000;
inline constexpr command_status invmsglen = 0x00000001;
inline constexpr command_status invcmdlen = 0x00000002;
inline constexpr command_status invcmdid = 0x00000003;
inline constexpr command_status invbndsts = 0x00000004;
inline constexpr command_status alybnd = 0x00000005;
inline constexpr command_status invprtflg = 0x00000006;
inline constexpr command_status invregdlvflg = 0x00000007;
inline constexpr command_status syserr = 0x00000008;
inline constexpr command_status invsrcadr = 0x0000000A;
inline constexpr command_status invdstadr = 0x0000000B;
inline constexpr command_status invmsgid = 0x0000000C;
inline constexpr command_status bindfail = 0x0000000D;
inline constexpr command_status invpaswd = 0x0000000E;
inline constexpr command_status invsysid = 0x0000000F;
inline constexpr command_status cancelfail = 0x00000011;
inline constexpr command_status replacefail = 0x00000013;
inline constexpr command_status msgqful = 0x00000014;
inline constexpr command_status invsertyp = 0x00000015;
inline constexpr command_status invnumdests = 0x00000033;
inline constexpr command_status invdlname = 0x00000034;
inline constexpr command_status invdestflag = 0x00000040;
inline constexpr command_status invsubrep = 0x00000042;
inline constexpr command_status invesmclass = 0x00000043;
inline constexpr command_status cntsubdl = 0x00000044;
inline constexpr command_status submitfail = 0x00000045;
inline constexpr command_status invsrcton = 0x00000048;
inline constexpr command_status invsrcnpi = 0x00000049;
inline constexpr command_status invdstton = 0x00000050;
inline constexpr command_status invdstnpi = 0x00000051;
inline constexpr command_status invsystyp = 0x00000053;
inline constexpr command_status invrepflag = 0x00000054;
inline constexpr command_status invnummsgs = 0x00000055;
inline constexpr command_status throttled = 0x00000058;
inline constexpr command_status invsched = 0x00000061;
inline constexpr command_status invexpiry = 0x00000062;
inline constexpr command_status invdftmsgid = 0x00000063;
inline constexpr command_status x_t_appn = 0x00000064;
inline constexpr command_status x_p_appn = 0x00000065;
inline constexpr command_status x_r_appn = 0x00000066;
inline constexpr command_status queryfail = 0x00000067;
inline constexpr command_status invoptparstream = 0x000000C0;
inline constexpr command_status optparnotallwd = 0x000000C1;
inline constexpr command_status invparlen = 0x000000C2;
inline constexpr command_status missingoptparam = 0x000000C3;
inline constexpr command_status invoptparamval = 0x000000C4;
inline constexpr command_status deliveryfailure = 0x000000FE;
inline constexpr command_status unknownerr = 0x000000FF;
} // namespace status

// "ESME_RTHROTTLED" style name, or "0x%08x" for vendor/unknown values.
std::string status_name(command_status s);

} // namespace twinsms::smpp
