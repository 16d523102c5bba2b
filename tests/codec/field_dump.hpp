#pragma once
// A PDU as an ordered list of (field name, value) pairs, named as in the SMPP
// 3.4 spec. Other implementations (libsmpp34, node-smpp) are compared with
// ours through this neutral form rather than through each other's structs.
#include <string>
#include <utility>
#include <vector>

#include "smpp/codec/codec.hpp"

namespace twinsms::smpp::test {

// Numbers are decimal, C-octet strings verbatim, octet strings lowercase
// hex. A TLV appears as ("tlv 0xTTTT", hex value) in wire order.
using fields = std::vector<std::pair<std::string, std::string>>;

// Header fields (command_length computed by the encoder) then the body.
fields dump(const pdu& p);

std::string tlv_key(std::uint16_t tag);

// One "name=value" line per field, for readable test failure output.
std::string render(const fields& f);

} // namespace twinsms::smpp::test
