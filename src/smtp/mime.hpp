#pragma once
// The text of an email, for an SMS: pure parsing of an RFC 5322 message with
// the MIME parts (RFC 2045-2047) an email-to-SMS gateway meets.
//
//   headers    unfolded; From (the mailbox address) and Subject (RFC 2047
//              encoded words, B and Q, decoded)
//   body       the text/plain part: the message itself when it is text/plain
//              or has no Content-Type, else the first text/plain part of a
//              multipart (multipart/alternative's plain alternative, nested
//              multiparts searched depth first, attachments skipped)
//   encodings  7bit, 8bit, binary, quoted-printable, base64
//   charsets   utf-8, us-ascii, iso-8859-1 (latin1) and windows-1252;
//              anything else is an error, since guessing would send garbage
//   signature  everything from a line "-- " (RFC 3676 4.3) on is dropped
//
// Malformed input never throws: bad base64 or quoted-printable is decoded as
// far as it goes, invalid UTF-8 becomes U+FFFD, a missing closing boundary
// ends the part at the end of the message, nesting stops at max_depth.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace twinsms::smtp::mime {

struct header {
    std::string name;  // as written
    std::string value; // unfolded (CRLF + WSP removed), leading/trailing space trimmed
};

// The headers up to the first empty line, and where the body starts.
struct header_block {
    std::vector<header> headers;
    std::size_t body_offset = 0;
    // The first header named `name` (case-insensitive), if any.
    const std::string* find(std::string_view name) const;
};
header_block parse_headers(std::string_view message);

// Content-Type and the like: "type/subtype; a=b; c="d e"". The value and
// parameter names are lowercased; parameter values are unquoted.
struct field {
    std::string value;
    std::vector<std::pair<std::string, std::string>> params;
    const std::string* param(std::string_view name) const;
};
field parse_field(std::string_view v);

// Transfer decodings; whatever cannot be decoded is skipped (base64) or kept
// as written (quoted-printable).
std::string decode_base64(std::string_view in);
std::string decode_quoted_printable(std::string_view in);

// Bytes in `charset` (case-insensitive, with the usual aliases) to UTF-8;
// nullopt for a charset we do not know. An empty charset is us-ascii.
std::optional<std::string> to_utf8(std::string_view charset, std::string_view bytes);

// A header value with RFC 2047 encoded words decoded to UTF-8 (whitespace
// between adjacent encoded words dropped, as the RFC says). A word in an
// unknown charset is kept as written.
std::string decode_header_value(std::string_view v);

// "Name <user@host>", "user@host (comment)", "<user@host>": the address,
// lowercased; empty when there is none.
std::string mailbox_address(std::string_view v);

// Text as it should go out: line endings "\n", trailing spaces dropped on
// every line, the signature (a line "-- " and what follows) removed,
// leading and trailing empty lines dropped.
std::string clean_text(std::string_view text);

struct message {
    std::string from;    // From: mailbox address, lowercased; empty if none
    std::string subject; // decoded, on one line
    // The plain text body, UTF-8 and cleaned; nullopt when there is none
    // (only HTML, only attachments: body_error empty) or it cannot be read
    // (an unknown charset, a multipart without boundary: body_error says why).
    std::optional<std::string> body;
    std::string body_error;
};

inline constexpr unsigned max_depth = 8; // multipart nesting we follow

message parse_message(std::string_view raw);

} // namespace twinsms::smtp::mime
