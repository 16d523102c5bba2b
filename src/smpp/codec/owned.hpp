#pragma once
// A PDU that owns its bytes, for keeping a decoded PDU past the read buffer
// it came from (queues, async handlers, stores).
#include <cstdint>
#include <span>
#include <vector>

#include "smpp/codec/codec.hpp"

namespace twinsms::smpp {

class owned_pdu {
public:
    owned_pdu() = default;
    // Copies `frame`; check failure() before use.
    explicit owned_pdu(std::span<const std::uint8_t> frame, const codec_options& opt = {});
    // Encodes `p` (whose views may point anywhere) into owned storage.
    explicit owned_pdu(const pdu& p, const codec_options& opt = {});

    // The views inside pdu_ point into bytes_'s heap block, which a vector
    // move keeps in place; a copy must re-decode against its own block.
    owned_pdu(owned_pdu&&) noexcept = default;
    owned_pdu& operator=(owned_pdu&&) noexcept = default;
    owned_pdu(const owned_pdu& o) : owned_pdu(std::span<const std::uint8_t>{o.bytes_}) {}
    owned_pdu& operator=(const owned_pdu& o) {
        if (this != &o) *this = owned_pdu{o};
        return *this;
    }

    const pdu& get() const noexcept { return pdu_; }
    const pdu* operator->() const noexcept { return &pdu_; }
    const pdu& operator*() const noexcept { return pdu_; }
    std::span<const std::uint8_t> bytes() const noexcept { return bytes_; }
    const codec_failure& failure() const noexcept { return failure_; }

private:
    std::vector<std::uint8_t> bytes_;
    pdu pdu_;
    codec_failure failure_{};
};

} // namespace twinsms::smpp
