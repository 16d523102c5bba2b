#pragma once
// The replication stream's wire format: what the sender writes to the
// receiver and what comes back. Pure bytes, no I/O (the codec knows nothing
// of connections, as the SMPP codec knows nothing of sessions).
//
// Every frame is u32 length | u32 CRC-32 of the body | body, big-endian.
// The body starts with a version and a kind:
//   hello   receiver -> sender: the peer's node id and the last sequence
//           number it has applied (0: none), so the sender resumes there.
//   change  sender -> receiver: one committed store batch in commit order,
//           with its sequence number, its physical ops, its queue moves
//           (per-account queue depth is not an op) and whether it admitted
//           something new.
//   ack     receiver -> sender: every change up to `seq` is committed in
//           the replica.
//   snapshot_chunk, snapshot_end  sender -> receiver: a consistent copy of
//           the whole store (message_store::copy_to) for a receiver that
//           lost its place; after the end it says hello again from the
//           copy's position.
//   reclaim receiver -> sender, as its first frame instead of a hello:
//           a node that restarts asks its peer for its own store back
//           (the failback catch-up, reclaim.hpp), with the pair's token.
//   reclaim_answer  sender -> receiver: whether the peer holds that
//           store as the authority (it took over and promoted its
//           replica); when it does, a snapshot of it follows (chunks and
//           end); once the returning node adopted it, it says so with
//           a second reclaim (adopted) on a new connection.
// A frame that is cut short waits for more bytes; one that is too long,
// fails its CRC or does not decode is an error, never a guess.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/system/error_code.hpp>

#include "store/message_store.hpp"

namespace twinsms::replication {

enum class frame_error {
    ok = 0,
    too_large,   // the length prefix is over max_frame_bytes
    bad_crc,     // the body is not what the sender wrote
    bad_version, // a sender of a version we do not speak
    bad_kind,
    malformed,   // a field runs past the body, an unknown table, trailing bytes
    gap,         // a change arrived before the one it follows (the stream lost one)
};
const boost::system::error_category& frame_category() noexcept;
inline boost::system::error_code make_error_code(frame_error e) noexcept {
    return {static_cast<int>(e), frame_category()};
}

inline constexpr std::uint8_t protocol_version = 1;
inline constexpr std::size_t max_frame_bytes = 64u << 20; // a whole store round fits many times

struct hello {
    std::string node;          // the receiver's node id, for the sender's logs
    std::uint64_t applied = 0; // last sequence committed in its replica
    std::string token;         // the pair's replication secret (compared in constant time)
};

struct change {
    std::uint64_t seq = 0;
    bool admits = false;
    std::vector<store::write_batch::op> ops;
    std::vector<std::pair<std::string, int>> queue_moves;
};

struct ack {
    std::uint64_t seq = 0;
};

struct snapshot_chunk {
    std::string bytes; // the next part of the copy's file
};

struct snapshot_end {
    std::uint64_t size = 0; // of the whole file, checked by the receiver
};

struct reclaim {
    std::string node;  // the returning node's id
    std::string token; // the pair's replication secret
    // false: give me my store back; true: I adopted the copy you sent
    // (the peer's replica may go back to being a replica).
    bool adopted = false;
};

struct reclaim_answer {
    bool held = false; // a snapshot of the asking node's store follows
};

using frame = std::variant<hello, change, ack, snapshot_chunk, snapshot_end, reclaim, reclaim_answer>;

// Appends the framed encoding of `f` to `out`.
void encode(const frame& f, std::string& out);
// A change straight from a committed batch (no copy into a `change`).
void encode_change(std::uint64_t seq, const store::write_batch& b, std::string& out);

// Splits a byte stream into frames.
class frame_reader {
public:
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next whole frame; nullopt when more bytes are needed. Once an
    // error is returned the stream is unusable (the caller closes it).
    std::optional<frame> next(boost::system::error_code& ec);
    std::size_t buffered() const noexcept { return buffer_.size() - used_; }

private:
    std::string buffer_;
    std::size_t used_ = 0;
};

// Decodes one body (after length and CRC); exposed for the fuzzer and tests.
boost::system::error_code decode_body(std::string_view body, frame& out);

// A replayed change as a batch for the replica store: the same ops and
// queue moves, admitting as the original did.
store::write_batch to_batch(change c);

} // namespace twinsms::replication

template <> struct boost::system::is_error_code_enum<twinsms::replication::frame_error> : std::true_type {};
