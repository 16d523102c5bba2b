#pragma once
// libsmpp34 (an independent C implementation, tests only) behind a small
// API: unpack bytes into its structs, walk them into our neutral field
// form (field_dump.hpp), pack them back. Its headers define ~160 macros
// (U32, C_OCTET, Reserved, ...), so only libsmpp34_bridge.cpp includes them;
// a caller that builds structs by hand includes them itself, after ours.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "field_dump.hpp"

namespace twinsms::smpp::test {

// Zeroed storage big enough for any libsmpp34 PDU struct, of command `type`.
struct l34_pdu {
    alignas(8) std::uint8_t raw[4096] = {};
    std::uint32_t type;
    bool owns_lists = false;
    explicit l34_pdu(std::uint32_t t) : type{t} {}
    ~l34_pdu();
    l34_pdu(const l34_pdu&) = delete;
    l34_pdu& operator=(const l34_pdu&) = delete;
    // smpp34_unpack's result (0 when it took the bytes).
    int unpack(std::span<const std::uint8_t> wire);
    fields dump();
    // smpp34_pack's bytes, or nullopt (error() says why).
    std::optional<std::vector<std::uint8_t>> pack();
    static std::string error(); // smpp34_strerror
};

} // namespace twinsms::smpp::test
