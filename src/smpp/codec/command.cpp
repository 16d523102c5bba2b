#include <cstdio>
#include <string>

#include "smpp/codec/command.hpp"

namespace twinsms::smpp {

std::string_view to_string(command_id id) noexcept {
    switch (id) {
    case command_id::generic_nack: return "generic_nack";
    case command_id::bind_receiver: return "bind_receiver";
    case command_id::bind_receiver_resp: return "bind_receiver_resp";
    case command_id::bind_transmitter: return "bind_transmitter";
    case command_id::bind_transmitter_resp: return "bind_transmitter_resp";
    case command_id::query_sm: return "query_sm";
    case command_id::query_sm_resp: return "query_sm_resp";
    case command_id::submit_sm: return "submit_sm";
    case command_id::submit_sm_resp: return "submit_sm_resp";
    case command_id::deliver_sm: return "deliver_sm";
    case command_id::deliver_sm_resp: return "deliver_sm_resp";
    case command_id::unbind: return "unbind";
    case command_id::unbind_resp: return "unbind_resp";
    case command_id::replace_sm: return "replace_sm";
    case command_id::replace_sm_resp: return "replace_sm_resp";
    case command_id::cancel_sm: return "cancel_sm";
    case command_id::cancel_sm_resp: return "cancel_sm_resp";
    case command_id::bind_transceiver: return "bind_transceiver";
    case command_id::bind_transceiver_resp: return "bind_transceiver_resp";
    case command_id::outbind: return "outbind";
    case command_id::enquire_link: return "enquire_link";
    case command_id::enquire_link_resp: return "enquire_link_resp";
    case command_id::submit_multi: return "submit_multi";
    case command_id::submit_multi_resp: return "submit_multi_resp";
    case command_id::alert_notification: return "alert_notification";
    case command_id::peer_status: return "peer_status";
    case command_id::peer_status_resp: return "peer_status_resp";
    case command_id::peer_forward: return "peer_forward";
    case command_id::peer_forward_resp: return "peer_forward_resp";
    case command_id::data_sm: return "data_sm";
    case command_id::data_sm_resp: return "data_sm_resp";
    }
    return "unknown_command";
}

bool is_known(std::uint32_t raw) noexcept { return to_string(static_cast<command_id>(raw)) != "unknown_command"; }

std::string status_name(command_status s) {
    switch (s) {
    case status::ok: return "ESME_ROK";
    case status::invmsglen: return "ESME_RINVMSGLEN";
    case status::invcmdlen: return "ESME_RINVCMDLEN";
    case status::invcmdid: return "ESME_RINVCMDID";
    case status::invbndsts: return "ESME_RINVBNDSTS";
    case status::alybnd: return "ESME_RALYBND";
    case status::invprtflg: return "ESME_RINVPRTFLG";
    case status::invregdlvflg: return "ESME_RINVREGDLVFLG";
    case status::syserr: return "ESME_RSYSERR";
    case status::invsrcadr: return "ESME_RINVSRCADR";
    case status::invdstadr: return "ESME_RINVDSTADR";
    case status::invmsgid: return "ESME_RINVMSGID";
    case status::bindfail: return "ESME_RBINDFAIL";
    case status::invpaswd: return "ESME_RINVPASWD";
    case status::invsysid: return "ESME_RINVSYSID";
    case status::cancelfail: return "ESME_RCANCELFAIL";
    case status::replacefail: return "ESME_RREPLACEFAIL";
    case status::msgqful: return "ESME_RMSGQFUL";
    case status::invsertyp: return "ESME_RINVSERTYP";
    case status::invnumdests: return "ESME_RINVNUMDESTS";
    case status::invdlname: return "ESME_RINVDLNAME";
    case status::invdestflag: return "ESME_RINVDESTFLAG";
    case status::invsubrep: return "ESME_RINVSUBREP";
    case status::invesmclass: return "ESME_RINVESMCLASS";
    case status::cntsubdl: return "ESME_RCNTSUBDL";
    case status::submitfail: return "ESME_RSUBMITFAIL";
    case status::invsrcton: return "ESME_RINVSRCTON";
    case status::invsrcnpi: return "ESME_RINVSRCNPI";
    case status::invdstton: return "ESME_RINVDSTTON";
    case status::invdstnpi: return "ESME_RINVDSTNPI";
    case status::invsystyp: return "ESME_RINVSYSTYP";
    case status::invrepflag: return "ESME_RINVREPFLAG";
    case status::invnummsgs: return "ESME_RINVNUMMSGS";
    case status::throttled: return "ESME_RTHROTTLED";
    case status::invsched: return "ESME_RINVSCHED";
    case status::invexpiry: return "ESME_RINVEXPIRY";
    case status::invdftmsgid: return "ESME_RINVDFTMSGID";
    case status::x_t_appn: return "ESME_RX_T_APPN";
    case status::x_p_appn: return "ESME_RX_P_APPN";
    case status::x_r_appn: return "ESME_RX_R_APPN";
    case status::queryfail: return "ESME_RQUERYFAIL";
    case status::invoptparstream: return "ESME_RINVOPTPARSTREAM";
    case status::optparnotallwd: return "ESME_ROPTPARNOTALLWD";
    case status::invparlen: return "ESME_RINVPARLEN";
    case status::missingoptparam: return "ESME_RMISSINGOPTPARAM";
    case status::invoptparamval: return "ESME_RINVOPTPARAMVAL";
    case status::deliveryfailure: return "ESME_RDELIVERYFAILURE";
    case status::unknownerr: return "ESME_RUNKNOWNERR";
    default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%08x", s);
        return buf;
    }
    }
}

} // namespace twinsms::smpp
