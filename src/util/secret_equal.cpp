#include <openssl/crypto.h>

#include "util/secret_equal.hpp"

namespace twinsms {

bool secret_equal(std::string_view given, std::string_view expected) noexcept {
    // CRYPTO_memcmp wants two buffers of one length: when the lengths
    // differ, `expected` is compared with itself, so as much work is done
    // and nothing past the end of `given` is read.
    const bool same_size = given.size() == expected.size();
    const char* g = same_size ? given.data() : expected.data();
    const bool same_bytes = CRYPTO_memcmp(g, expected.data(), expected.size()) == 0;
    return same_size & same_bytes;
}

} // namespace twinsms
