#pragma once
// Pure bytes <-> PDU conversion. Knows nothing of sessions or sockets.
#include <cstdint>
#include <span>
#include <vector>

#include "smpp/codec/error.hpp"
#include "smpp/codec/pdu.hpp"

namespace twinsms::smpp {

inline constexpr std::uint32_t default_max_pdu_size = 64 * 1024;

struct codec_options {
    std::uint32_t max_pdu_size = default_max_pdu_size;
};

// Reads the 16-byte header; `bytes` must hold at least header_size bytes.
header read_header(std::span<const std::uint8_t> bytes) noexcept;

// Decodes exactly one PDU from `frame` (command_length == frame.size()).
// On success `out` holds views into `frame`, which must outlive them.
// Never reads outside `frame` and never allocates in proportion to a
// length field before checking it against the bytes present.
codec_failure decode(std::span<const std::uint8_t> frame, pdu& out, const codec_options& opt = {});

// Size the PDU will have on the wire, or a failure if it cannot be encoded.
codec_failure encoded_size(const pdu& p, std::size_t& size, const codec_options& opt = {});

// Appends the encoded PDU to `out`. On failure `out` is left unchanged.
codec_failure encode(const pdu& p, std::vector<std::uint8_t>& out, const codec_options& opt = {});

// Encodes into caller storage; `written` receives the PDU size.
codec_failure encode(const pdu& p, std::span<std::uint8_t> out, std::size_t& written,
                     const codec_options& opt = {});

} // namespace twinsms::smpp
