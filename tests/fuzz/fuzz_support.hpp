#pragma once
// Shared by the fuzz targets: one entry point each (LLVMFuzzerTestOneInput),
// built two ways (tests/fuzz/CMakeLists.txt). With clang, libFuzzer, ASan and
// UBSan (tools/fuzz) they explore; with the normal build, replay_main.cpp
// runs the committed seeds and every crash ever found (regressions/) through
// the same code, so a fixed crash stays fixed in the ordinary test suite.
//
// A target checks properties, not just "no crash": FUZZ_CHECK aborts with
// the reason, which libFuzzer records as a crash with its input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                                  \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            std::fprintf(stderr, "fuzz check failed: %s (%s) at %s:%d\n", what, #cond, __FILE__, \
                         __LINE__);                                                             \
            std::abort();                                                                       \
        }                                                                                       \
    } while (0)

namespace twinsms::fuzz {

// The input as bytes and as text.
struct input {
    std::span<const std::uint8_t> bytes;
    std::string_view text() const { return {reinterpret_cast<const char*>(bytes.data()), bytes.size()}; }
    // The first byte as a selector (0 when empty) and the rest.
    std::uint8_t selector() const { return bytes.empty() ? 0 : bytes[0]; }
    input rest() const { return {bytes.empty() ? bytes : bytes.subspan(1)}; }
};

} // namespace twinsms::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
