#pragma once
// Turns a byte stream into whole PDU frames.
//
// The socket reads straight into prepare(); next() hands out frames as spans
// into the same buffer, so many PDUs per read cost no copies. Only the
// trailing partial frame is moved to the front when room is needed, and the
// buffer grows to a declared command_length only after that length has been
// checked against the configured maximum.
#include <cstdint>
#include <span>
#include <vector>

#include "smpp/codec/pdu.hpp"

namespace twinsms::smpp {

class framer {
public:
    enum class status { need_more, frame, bad_length };
    struct result {
        status st = status::need_more;
        std::span<const std::uint8_t> bytes; // the whole PDU, header included
        header hdr{};                        // valid for frame and bad_length
    };

    explicit framer(std::uint32_t max_pdu_size = 64 * 1024, std::size_t initial_capacity = 16 * 1024);

    // Writable space for the next read; spans from next() stay valid until
    // the next call to prepare().
    std::span<std::uint8_t> prepare();
    void commit(std::size_t n) noexcept { end_ += n; }

    // The next complete frame, need_more, or bad_length (command_length < 16
    // or above the maximum: the stream can no longer be framed and must be closed).
    result next() noexcept;

    std::size_t buffered() const noexcept { return end_ - begin_; }

private:
    std::vector<std::uint8_t> buf_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    std::size_t want_ = header_size; // bytes needed at begin_ for the next frame
    std::uint32_t max_;
};

} // namespace twinsms::smpp
