// Differential: our codec against libsmpp34 (an independent C decoder, used
// in tests only) on one arbitrary PDU. On every PDU that libsmpp34 decodes,
// ours decodes it too, agrees field by field (as tests/codec/field_dump.hpp
// renders both), and decode -> encode -> decode is stable.
//
// libsmpp34 is fed only what it can take without corrupting memory, so
// that a crash here is ours: a whole frame (command_length == the input's
// size) of at most 512 bytes, which also keeps every TLV under its 1024-byte
// MAX_TLV_SIZE and its fixed logging buffer from overflowing on many fields.
#include "../codec/field_dump.hpp"
#include "../codec/libsmpp34_bridge.hpp"
#include "fuzz_support.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms;
using namespace twinsms::smpp;

namespace {

constexpr std::size_t max_for_libsmpp34 = 512;

std::uint32_t be32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 16 || size > max_for_libsmpp34 || be32(data) != size) return 0;
    const std::span<const std::uint8_t> wire{data, size};
    test::l34_pdu theirs{be32(data + 4)};
    if (theirs.unpack(wire) != 0) return 0; // libsmpp34 refuses: we may be more lenient, nothing to compare
    pdu ours;
    const auto failure = decode(wire, ours);
    FUZZ_CHECK(!failure, "we decode every PDU libsmpp34 decodes");
    FUZZ_CHECK(test::render(test::dump(ours)) == test::render(theirs.dump()), "our fields are libsmpp34's");
    std::vector<std::uint8_t> once;
    FUZZ_CHECK(!encode(ours, once), "what libsmpp34 takes we can encode again");
    pdu again;
    FUZZ_CHECK(!decode(once, again), "our own encoding decodes");
    FUZZ_CHECK(test::render(test::dump(again)) == test::render(test::dump(ours)), "decode -> encode -> decode is stable");
    return 0;
}
