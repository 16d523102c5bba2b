#include "message_id.hpp"

#include <cstdio>

namespace twinsms::sim {

std::string_view to_string(id_format f) noexcept {
    switch (f) {
    case id_format::hex: return "hex";
    case id_format::decimal: return "dec";
    case id_format::uuid: return "uuid";
    }
    return "?";
}

std::optional<id_format> parse_id_format(std::string_view s) noexcept {
    if (s == "hex") return id_format::hex;
    if (s == "dec" || s == "decimal") return id_format::decimal;
    if (s == "uuid") return id_format::uuid;
    return std::nullopt;
}

id_generator::id_generator(id_format f, std::string prefix, std::uint64_t start)
    : format_{f}, prefix_{std::move(prefix)}, counter_{start}, rng_{std::random_device{}()} {}

std::string id_generator::next() {
    char buf[48];
    ++issued_;
    switch (format_) {
    case id_format::hex: std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(counter_++)); break;
    case id_format::decimal:
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(counter_++));
        break;
    case id_format::uuid: {
        std::uint64_t hi = rng_(), lo = rng_();
        hi = (hi & ~0xF000ull) | 0x4000ull;                        // version 4
        lo = (lo & ~(0xC000ull << 48)) | (0x8000ull << 48);          // variant 10
        std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                      static_cast<unsigned long long>(hi >> 32), static_cast<unsigned long long>((hi >> 16) & 0xFFFF),
                      static_cast<unsigned long long>(hi & 0xFFFF), static_cast<unsigned long long>(lo >> 48),
                      static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
        break;
    }
    }
    return prefix_ + buf;
}

} // namespace twinsms::sim
