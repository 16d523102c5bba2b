// The replication stream decoder on arbitrary bytes, fed in chunks (sizes
// from the first byte) as the receiver's socket would. Properties: a cut
// frame waits for more bytes, a bad one is an error and the stream stops
// (the receiver closes it); every frame it hands out encodes to bytes that
// decode to a frame encoding to the same bytes. The CRC makes random
// frames rare, so the body decoder is also fed the input directly.
#include <algorithm>

#include "fuzz_support.hpp"
#include "replication/change_frame.hpp"

using namespace twinsms;
using namespace twinsms::replication;

namespace {

void check_round_trip(const frame& f) {
    std::string once;
    encode(f, once);
    frame_reader r;
    r.feed(once);
    boost::system::error_code ec;
    const auto back = r.next(ec);
    FUZZ_CHECK(!ec && back.has_value(), "our own encoding decodes");
    FUZZ_CHECK(r.buffered() == 0, "one frame is all of its encoding");
    std::string twice;
    encode(*back, twice);
    FUZZ_CHECK(once == twice, "decode -> encode is stable");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    const auto text = in.rest().text();
    if (in.selector() & 0x80) { // a body as if length and CRC were right
        frame f;
        if (!decode_body(text, f)) check_round_trip(f);
        return 0;
    }
    const std::size_t chunk = 1 + in.selector() % 97;
    frame_reader r;
    for (std::size_t at = 0; at < text.size(); at += chunk) {
        r.feed(text.substr(at, chunk));
        for (;;) {
            boost::system::error_code ec;
            auto f = r.next(ec);
            if (ec) return 0; // an error: the stream is given up
            if (!f) break;
            check_round_trip(*f);
        }
    }
    return 0;
}
