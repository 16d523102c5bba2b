#pragma once
// Codec errors: an error_code category for logs and asio plumbing, plus a
// codec_failure that says which field at which byte offset went wrong.
#include <cstdint>
#include <string>
#include <system_error>

#include <boost/system/error_code.hpp>

#include "smpp/codec/command.hpp"

namespace twinsms::smpp {

enum class codec_error {
    ok = 0,
    command_length_too_small, // < 16
    command_length_too_large, // > configured maximum
    length_mismatch,          // frame size differs from command_length
    unknown_command_id,
    field_truncated,          // a field runs past the end of the PDU
    cstring_unterminated,     // no NUL within the field's maximum length
    tlv_truncated,            // fewer than 4 bytes left for a TLV header
    tlv_length_overrun,       // TLV length runs past the end of the PDU
    trailing_bytes,           // bytes after the body of a PDU that has no TLVs
    invalid_dest_flag,        // submit_multi dest_flag not 1 or 2
    field_too_long,           // encode: string does not fit its maximum
    embedded_nul,             // encode: C-octet string contains a NUL
    value_too_large,          // encode: octet string or list exceeds its length field
    pdu_too_large,            // encode: result exceeds the configured maximum
};

const boost::system::error_category& codec_category() noexcept;

inline boost::system::error_code make_error_code(codec_error e) noexcept {
    return {static_cast<int>(e), codec_category()};
}

// Which field, at which offset from the start of the PDU, failed and why.
struct codec_failure {
    codec_error code = codec_error::ok;
    const char* field = "";
    std::uint32_t offset = 0;
    command_id command{}; // valid when the header was readable

    explicit operator bool() const noexcept { return code != codec_error::ok; }
    std::string describe() const;
};

// The command_status to answer a malformed request with (used in generic_nack
// or the request's response). Length problems are ESME_RINVCMDLEN, broken
// TLV streams ESME_RINVOPTPARSTREAM, unterminated address/id fields their
// field-specific code, unknown commands ESME_RINVCMDID.
command_status suggested_status(const codec_failure& f) noexcept;

// Whether the byte stream can still be trusted after this failure. A bad
// command_length desynchronises framing, so the session must close; anything
// inside a well-framed PDU is recoverable with a nack.
bool is_recoverable(const codec_failure& f) noexcept;

} // namespace twinsms::smpp

template <> struct boost::system::is_error_code_enum<twinsms::smpp::codec_error> : std::true_type {};
