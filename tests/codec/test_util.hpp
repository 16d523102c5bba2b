#pragma once
// Helpers shared by the codec tests: hex fixtures and the decode / re-encode
// checks every fixture goes through.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "smpp/codec/codec.hpp"
#include "hex.hpp"

namespace twinsms::smpp::test {

using bytes = std::vector<std::uint8_t>;

// Whitespace is ignored so fixtures can be laid out one field per line.
inline bytes from_hex(std::string_view hex) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    bytes out;
    int hi = -1;
    for (char c : hex) {
        if (c == ' ' || c == '\n' || c == '\t') continue;
        const int v = nibble(c);
        if (v < 0) BOOST_FAIL("bad hex digit '" << c << "' in fixture");
        if (hi < 0) {
            hi = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
            hi = -1;
        }
    }
    if (hi >= 0) BOOST_FAIL("odd number of hex digits in fixture");
    return out;
}

// Decodes `wire`, failing the test with the codec's own description on error.
// The returned pdu holds views into `wire`.
inline pdu decode_ok(const bytes& wire, const codec_options& opt = {}) {
    pdu p;
    const codec_failure f = decode(wire, p, opt);
    BOOST_REQUIRE_MESSAGE(!f, "decode failed: " << f.describe());
    return p;
}

// Decodes `wire` expecting a failure and returns it.
inline codec_failure decode_fail(const bytes& wire, const codec_options& opt = {}) {
    pdu p;
    const codec_failure f = decode(wire, p, opt);
    BOOST_REQUIRE_MESSAGE(f, "decode unexpectedly succeeded");
    return f;
}

inline bytes encode_ok(const pdu& p, const codec_options& opt = {}) {
    bytes out;
    const codec_failure f = encode(p, out, opt);
    BOOST_REQUIRE_MESSAGE(!f, "encode failed: " << f.describe());
    return out;
}

// The property every fixture must have: what we decoded encodes back to the
// very same bytes, and encoded_size agrees with the encoder.
inline void expect_reencodes(const pdu& p, const bytes& wire) {
    const bytes again = encode_ok(p);
    BOOST_TEST(to_hex(again) == to_hex(wire));
    std::size_t size = 0;
    BOOST_TEST(!encoded_size(p, size));
    BOOST_TEST(size == wire.size());
}

template <class T> const T& body_as(const pdu& p) {
    const T* b = p.as<T>();
    BOOST_REQUIRE_MESSAGE(b != nullptr, "decoded " << to_string(p.id()) << ", not " << to_string(T::id));
    return *b;
}

// Overwrites command_length with the buffer's size, for tests that cut or
// grow a valid PDU and want the decoder to look past the header.
inline void fix_length(bytes& b) {
    const auto n = static_cast<std::uint32_t>(b.size());
    b[0] = static_cast<std::uint8_t>(n >> 24);
    b[1] = static_cast<std::uint8_t>(n >> 16);
    b[2] = static_cast<std::uint8_t>(n >> 8);
    b[3] = static_cast<std::uint8_t>(n);
}

} // namespace twinsms::smpp::test

// Boost.Test's printing hook (found by ADL), so failed checks on enums show
// names rather than refusing to compile.
namespace twinsms::smpp {
inline std::ostream& boost_test_print_type(std::ostream& os, command_id id) {
    return os << to_string(id) << " (0x" << std::hex << static_cast<std::uint32_t>(id) << std::dec << ')';
}
inline std::ostream& boost_test_print_type(std::ostream& os, codec_error e) {
    return os << make_error_code(e).message() << " (" << static_cast<int>(e) << ')';
}
inline std::ostream& boost_test_print_type(std::ostream& os, const tlv& t) {
    return os << "tlv 0x" << std::hex << t.tag() << std::dec << '=' << test::to_hex(t.value());
}
} // namespace twinsms::smpp

