// The PDU framer and codec on arbitrary bytes. The input is a byte stream
// fed to the framer in chunks (sizes from the first byte), as a socket
// would; every frame is decoded. Properties:
// - the framer hands out frames of exactly their command_length, or stops
//   with bad_length, whatever the chunking;
// - a PDU we decode and can encode again decodes to the same fields, and
//   encodes to the same bytes the second time (decode -> encode -> decode
//   is stable).
// The framer's maximum here is 4096 (the sessions' default is 64 KiB) so
// that the fuzzer's inputs can exceed it.
#include <algorithm>
#include <cstring>

#include "fuzz_support.hpp"
#include "smpp/codec/codec.hpp"
#include "smpp/codec/framer.hpp"

using namespace twinsms;
using namespace twinsms::smpp;

namespace {

void check_round_trip(std::span<const std::uint8_t> frame) {
    pdu first;
    if (decode(frame, first)) return; // malformed: a clear error, nothing more to check
    std::vector<std::uint8_t> once;
    if (encode(first, once)) return; // accepted leniently, not ours to send again
    pdu second;
    FUZZ_CHECK(!decode(once, second), "our own encoding decodes");
    // Equal bytes the second time mean equal fields (the field-by-field
    // comparison is smpp_libsmpp34's, against an independent decoder).
    std::vector<std::uint8_t> twice;
    FUZZ_CHECK(!encode(second, twice), "a decoded re-encoding encodes");
    FUZZ_CHECK(once == twice, "encoding is stable");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    const std::size_t chunk = 1 + in.selector() % 64;
    const auto stream = in.rest().bytes;
    framer f{4096, 64};
    std::size_t fed = 0;
    while (fed < stream.size()) {
        const auto room = f.prepare();
        const std::size_t n = std::min({chunk, room.size(), stream.size() - fed});
        std::memcpy(room.data(), stream.data() + fed, n);
        f.commit(n);
        fed += n;
        for (;;) {
            const auto r = f.next();
            if (r.st == framer::status::need_more) break;
            if (r.st == framer::status::bad_length) {
                FUZZ_CHECK(r.hdr.command_length < 16 || r.hdr.command_length > 4096, "bad_length only for a bad length");
                return 0; // the stream can no longer be framed: the session closes it
            }
            FUZZ_CHECK(r.bytes.size() == r.hdr.command_length, "a frame is exactly its command_length");
            check_round_trip(r.bytes);
        }
    }
    return 0;
}
