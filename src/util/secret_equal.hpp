#pragma once
// Comparing a secret someone gave with the one we hold (passwords, tokens)
// without the time telling how much of it was right: OpenSSL's
// CRYPTO_memcmp over the whole expected secret.
#include <string_view>

namespace twinsms {

// The time depends on expected.size() only, not on where `given` differs
// nor on its length; a different length is a mismatch.
bool secret_equal(std::string_view given, std::string_view expected) noexcept;

} // namespace twinsms
