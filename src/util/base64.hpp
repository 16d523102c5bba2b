#pragma once
// Base64 (RFC 4648) on OpenSSL's EVP_EncodeBlock / EVP_DecodeBlock, for
// mail headers (RFC 2047 "B" words) and MIME bodies.
#include <string>
#include <string_view>

namespace twinsms {

// Padded, no line breaks.
std::string base64_encode(std::string_view bytes);

// MIME's reading (RFC 2045 6.8): characters outside the alphabet (line
// breaks, spaces, junk) are skipped, the first '=' ends the data, and a
// trailing group without padding is decoded as far as it has whole bytes.
// Never fails: what cannot be decoded is dropped.
std::string base64_decode_lenient(std::string_view text);

} // namespace twinsms
