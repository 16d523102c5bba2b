#pragma once
// Bytes as lower-case hex, for messages and field comparisons (no Boost.Test:
// the fuzz targets use it too).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace twinsms::smpp::test {

inline std::string to_hex(std::span<const std::uint8_t> b) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (auto c : b) {
        s += digits[c >> 4];
        s += digits[c & 15];
    }
    return s;
}

inline std::string to_hex(std::string_view v) {
    return to_hex(std::span{reinterpret_cast<const std::uint8_t*>(v.data()), v.size()});
}

} // namespace twinsms::smpp::test
