#pragma once
// Unique message ids for submit_sm_resp and friends: a counter printed in
// hex (the default) or decimal, or random UUIDs, each with an optional prefix.
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

namespace twinsms::sim {

enum class id_format { hex, decimal, uuid };

std::string_view to_string(id_format f) noexcept;
std::optional<id_format> parse_id_format(std::string_view s) noexcept; // hex|dec|decimal|uuid

class id_generator {
public:
    id_generator(id_format f = id_format::hex, std::string prefix = {}, std::uint64_t start = 1);
    // Never returns the same id twice in one generator's life (counters wrap
    // only after 2^64 ids; UUIDs are random 122-bit values).
    std::string next();
    std::uint64_t issued() const noexcept { return issued_; }

private:
    id_format format_;
    std::string prefix_;
    std::uint64_t counter_;
    std::uint64_t issued_ = 0;
    std::mt19937_64 rng_;
};

} // namespace twinsms::sim
