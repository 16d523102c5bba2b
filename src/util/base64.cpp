#include <openssl/evp.h>

#include "util/base64.hpp"

namespace twinsms {
namespace {

bool in_alphabet(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

} // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0'); // EVP_EncodeBlock writes a NUL
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string base64_decode_lenient(std::string_view text) {
    // EVP_DecodeBlock refuses whitespace inside the data and any junk, and
    // wants whole groups of four; so keep the alphabet up to the padding,
    // complete the last group with 'A' (zero bits) and cut the output to
    // the whole bytes the characters carry (6 bits each).
    std::string chars;
    chars.reserve(text.size());
    for (char c : text) {
        if (c == '=') break;
        if (in_alphabet(c)) chars += c;
    }
    const std::size_t bytes = chars.size() * 6 / 8;
    if (chars.size() % 4 == 1) chars.pop_back(); // 6 bits: no byte
    chars.append((4 - chars.size() % 4) % 4, 'A');
    std::string out(chars.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(chars.data()), static_cast<int>(chars.size()));
    if (n < 0) return {}; // cannot happen: only alphabet characters are left
    out.resize(bytes);
    return out;
}

} // namespace twinsms
