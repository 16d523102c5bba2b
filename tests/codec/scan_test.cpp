// The codec's hand-rolled byte helpers (scan.hpp) against naive references,
// for every length a C-octet string field can have and every NUL position.
// Buffers are allocated at their exact size so an ASan build catches any
// read past the end.
#include <memory>

#include "smpp/codec/scan.hpp"
#include "test_util.hpp"

using twinsms::smpp::detail::copy_short;
using twinsms::smpp::detail::find_nul;

namespace {

// Bytes chosen to trip the word-at-a-time zero test: 0x01 and 0x80 next to
// a zero are where its false positives live.
std::uint8_t filler(std::size_t i) {
    static constexpr std::uint8_t pattern[] = {0x01, 0x80, 0xFF, 0x7F, 0x41, 0x01, 0x81, 0x02};
    return pattern[i % sizeof pattern];
}

std::size_t naive_find_nul(const std::uint8_t* p, std::size_t n) {
    std::size_t i = 0;
    while (i < n && p[i] != 0) ++i;
    return i;
}

} // namespace

BOOST_AUTO_TEST_SUITE(scan_helpers)

BOOST_AUTO_TEST_CASE(find_nul_every_length_and_position) {
    std::size_t checked = 0, wrong = 0;
    for (std::size_t n = 0; n <= 80; ++n) {
        for (std::size_t nul = 0; nul <= n; ++nul) { // nul == n: none
            for (int second = 0; second < 2; ++second) {
                auto buf = std::make_unique<std::uint8_t[]>(n ? n : 1);
                for (std::size_t i = 0; i < n; ++i) buf[i] = filler(i);
                if (nul < n) buf[nul] = 0;
                if (second && nul + 1 < n) buf[nul + 1] = 0; // a later NUL must not matter
                ++checked;
                if (find_nul(buf.get(), n) != naive_find_nul(buf.get(), n)) {
                    ++wrong;
                    BOOST_ERROR("find_nul wrong for n=" << n << " nul=" << nul);
                }
            }
        }
    }
    BOOST_TEST(wrong == 0u);
    BOOST_TEST_MESSAGE(checked << " find_nul cases");
}

BOOST_AUTO_TEST_CASE(copy_short_every_length_stays_in_bounds) {
    for (std::size_t n = 0; n <= 80; ++n) {
        auto src = std::make_unique<std::uint8_t[]>(n ? n : 1);
        for (std::size_t i = 0; i < n; ++i) src[i] = static_cast<std::uint8_t>(i + 1);
        std::vector<std::uint8_t> dst(n + 32, 0xAA);
        copy_short(dst.data() + 16, src.get(), n);
        bool ok = true;
        for (std::size_t i = 0; i < dst.size(); ++i) {
            const bool inside = i >= 16 && i < 16 + n;
            const std::uint8_t want = inside ? static_cast<std::uint8_t>(i - 16 + 1) : 0xAA;
            ok = ok && dst[i] == want;
        }
        if (!ok) BOOST_ERROR("copy_short wrong or out of bounds for n=" << n);
    }
    BOOST_TEST(true);
}

BOOST_AUTO_TEST_SUITE_END()
