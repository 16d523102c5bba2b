#pragma once
// peer_status authenticated beyond the bind password (issue 14): the
// sender appends a sequence number and an HMAC-SHA256, under the pair's
// shared secret, over everything the report says (node id, mode, epoch,
// carrier queue, flags, sequence). Holding the peer account's password is
// then not enough to fence a node with a forged took_over at a high epoch,
// and replay_guard refuses a recorded report played again. Pure code.
#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/peer_report.hpp"

namespace twinsms::cluster {

namespace peer_tag {
inline constexpr std::uint16_t sequence = 0x150B; // 8 octets, big-endian
inline constexpr std::uint16_t mac = 0x150C;      // 32 octets: HMAC-SHA256
} // namespace peer_tag

// The MAC over r's fields and `sequence`, 32 raw bytes.
std::string report_mac(const peer_report& r, std::uint64_t sequence, std::string_view secret);

// Appends the sequence and MAC TLVs to `tlvs` (from encode(r)); they view
// `scratch`, which must outlive the encoded PDU.
void sign(smpp::tlv_list& tlvs, const peer_report& r, std::uint64_t sequence, std::string_view secret,
          std::string& scratch);

// The sequence of a correctly signed report, or nullopt (no MAC, wrong MAC, wrong length).
std::optional<std::uint64_t> verify(const smpp::tlv_list& tlvs, const peer_report& r, std::string_view secret);

// Sequence numbers are microseconds of the sender's wall clock (at least
// one above the last it sent), so they keep growing across the sender's
// restarts. The receiver accepts each once and in order, and within
// max_skew of its own clock, so a report recorded before its own restart
// cannot be replayed later than that.
class replay_guard {
public:
    explicit replay_guard(std::int64_t max_skew_us = 120'000'000) : max_skew_us_{max_skew_us} {}
    // Empty when accepted (and remembered), else why not.
    std::string accept(std::uint64_t sequence, std::int64_t now_us);

private:
    std::int64_t max_skew_us_;
    std::uint64_t last_ = 0;
};

// The sender's side: the next sequence number at wall-clock `now_us`.
class sequencer {
public:
    std::uint64_t next(std::int64_t now_us) {
        last_ = std::max<std::uint64_t>(last_ + 1, now_us > 0 ? static_cast<std::uint64_t>(now_us) : 0);
        return last_;
    }

private:
    std::uint64_t last_ = 0;
};

} // namespace twinsms::cluster
