#include <cstring>
#include <string>

#include "smpp/codec/error.hpp"

namespace twinsms::smpp {
namespace {

const char* what_of(codec_error e) noexcept {
    switch (e) {
    case codec_error::ok: return "ok";
    case codec_error::command_length_too_small: return "command_length below the 16-byte header";
    case codec_error::command_length_too_large: return "command_length above the configured maximum";
    case codec_error::length_mismatch: return "frame size differs from command_length";
    case codec_error::unknown_command_id: return "unknown command_id";
    case codec_error::field_truncated: return "field runs past the end of the PDU";
    case codec_error::cstring_unterminated: return "C-octet string has no NUL within its maximum length";
    case codec_error::tlv_truncated: return "TLV header truncated";
    case codec_error::tlv_length_overrun: return "TLV length runs past the end of the PDU";
    case codec_error::trailing_bytes: return "unexpected bytes after the PDU body";
    case codec_error::invalid_dest_flag: return "dest_flag is neither 1 (SME address) nor 2 (distribution list)";
    case codec_error::field_too_long: return "value longer than the field allows";
    case codec_error::embedded_nul: return "C-octet string contains a NUL";
    case codec_error::value_too_large: return "value does not fit its length field";
    case codec_error::pdu_too_large: return "PDU larger than the configured maximum";
    }
    return "unknown codec error";
}

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "smpp.codec"; }
    std::string message(int ev) const override { return what_of(static_cast<codec_error>(ev)); }
};

} // namespace

const boost::system::error_category& codec_category() noexcept {
    static const category c;
    return c;
}

std::string codec_failure::describe() const {
    std::string s{to_string(command)};
    s += ": ";
    s += field;
    s += " at offset ";
    s += std::to_string(offset);
    s += ": ";
    s += what_of(code);
    return s;
}

command_status suggested_status(const codec_failure& f) noexcept {
    switch (f.code) {
    case codec_error::ok: return status::ok;
    case codec_error::unknown_command_id: return status::invcmdid;
    case codec_error::tlv_truncated:
    case codec_error::tlv_length_overrun: return status::invoptparstream;
    case codec_error::invalid_dest_flag: return status::invdestflag;
    case codec_error::cstring_unterminated: {
        const std::string_view field{f.field};
        if (field == "source_addr") return status::invsrcadr;
        if (field == "destination_addr") return status::invdstadr;
        if (field == "message_id") return status::invmsgid;
        if (field == "system_id") return status::invsysid;
        if (field == "password") return status::invpaswd;
        if (field == "service_type") return status::invsertyp;
        if (field == "system_type") return status::invsystyp;
        if (field == "schedule_delivery_time") return status::invsched;
        if (field == "validity_period") return status::invexpiry;
        if (field == "dl_name") return status::invdlname;
        return status::invcmdlen;
    }
    case codec_error::field_truncated:
    case codec_error::trailing_bytes:
    case codec_error::length_mismatch:
    case codec_error::command_length_too_small:
    case codec_error::command_length_too_large: return status::invcmdlen;
    default: return status::syserr;
    }
}

bool is_recoverable(const codec_failure& f) noexcept {
    return f.code != codec_error::command_length_too_small && f.code != codec_error::command_length_too_large &&
           f.code != codec_error::length_mismatch;
}

} // namespace twinsms::smpp
