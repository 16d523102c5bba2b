#pragma once
// Internal to the codec: byte helpers for the short fields SMPP is made of.
//
// C-octet strings are at most 65 bytes and usually a dozen or empty. At that
// size a call into libc's memchr/memcpy costs more than the work, so these
// do it inline, eight bytes at a time. Neither reads or writes outside
// [p, p + n).
#include <bit>
#include <cstdint>
#include <cstring>

// Inline the whole call tree of a function (GCC and Clang); used on the
// per-body-type visit functions of the encoder and decoder.
#if defined(__GNUC__)
#define TWINSMS_FLATTEN __attribute__((flatten))
#else
#define TWINSMS_FLATTEN
#endif

namespace twinsms::smpp::detail {

// Index of the first NUL in p[0, n), or n when there is none.
inline std::size_t find_nul(const std::uint8_t* p, std::size_t n) noexcept {
    std::size_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        for (; n - i >= 8; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            // Sets the top bit of each zero byte; bytes above the first zero
            // may be flagged falsely, but the lowest flag is always exact.
            const std::uint64_t z = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
            if (z != 0) return i + static_cast<std::size_t>(std::countr_zero(z)) / 8;
        }
    }
    while (i < n && p[i] != 0) ++i;
    return i;
}

// memcpy for short, variable lengths: overlapping word moves, no call.
inline void copy_short(std::uint8_t* dst, const void* src, std::size_t n) noexcept {
    const auto* s = static_cast<const std::uint8_t*>(src);
    if (n >= 8 && n <= 16) {
        std::uint64_t a, b;
        std::memcpy(&a, s, 8);
        std::memcpy(&b, s + n - 8, 8);
        std::memcpy(dst, &a, 8);
        std::memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4 && n < 8) {
        std::uint32_t a, b;
        std::memcpy(&a, s, 4);
        std::memcpy(&b, s + n - 4, 4);
        std::memcpy(dst, &a, 4);
        std::memcpy(dst + n - 4, &b, 4);
    } else if (n < 4) {
        for (std::size_t i = 0; i < n; ++i) dst[i] = s[i];
    } else {
        std::memcpy(dst, s, n);
    }
}

} // namespace twinsms::smpp::detail
