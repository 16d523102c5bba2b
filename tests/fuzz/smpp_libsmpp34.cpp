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

bool libsmpp34_reads_past_the_end(codec_error e) {
    return e == codec_error::field_truncated || e == codec_error::cstring_unterminated ||
           e == codec_error::tlv_truncated || e == codec_error::tlv_length_overrun;
}

// libsmpp34 reads a TLV of fixed size in SMPP 3.4 (sar_msg_ref_num: 2
// octets, message_state: 1, ...) by that size whatever its length field
// says, and goes on from there; we take the length field, as 3.4 section 3.3
// defines it. The first field where the two differ tells: the same TLV tag,
// libsmpp34's value 1, 2 or 4 octets, ours another length.
bool libsmpp34_reads_by_spec_size(const test::fields& ours, const test::fields& theirs) {
    for (std::size_t i = 0; i < ours.size() && i < theirs.size(); ++i) {
        if (ours[i] == theirs[i]) continue;
        const auto& [key, value] = ours[i];
        const auto width = theirs[i].second.size();
        return key.rfind("tlv ", 0) == 0 && theirs[i].first == key && (width == 2 || width == 4 || width == 8) &&
               value.size() != width;
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 16 || size > max_for_libsmpp34 || be32(data) != size) return 0;
    const std::span<const std::uint8_t> wire{data, size};
    test::l34_pdu theirs{be32(data + 4)};
    if (theirs.unpack(wire) != 0) return 0; // libsmpp34 refuses: we may be more lenient, nothing to compare
    pdu ours;
    const auto failure = decode(wire, ours);
    // libsmpp34 does not check its fields and TLVs against the PDU's end: it
    // reads on into the zeros the bridge pads it with (without them it reads
    // past the buffer), so it "decodes" PDUs whose last field or TLV is cut.
    // Those we refuse, rightly (SMPP 3.4 3.2: command_length is the whole PDU).
    if (failure && libsmpp34_reads_past_the_end(failure.code)) return 0;
    FUZZ_CHECK(!failure, "we decode every PDU libsmpp34 decodes");
    const auto our_fields = test::dump(ours), their_fields = theirs.dump();
    if (libsmpp34_reads_by_spec_size(our_fields, their_fields)) return 0;
    const auto mine = test::render(our_fields), theirs_text = test::render(their_fields);
    if (mine != theirs_text) std::fprintf(stderr, "ours:\n%s\nlibsmpp34:\n%s\n", mine.c_str(), theirs_text.c_str());
    FUZZ_CHECK(mine == theirs_text, "our fields are libsmpp34's");
    std::vector<std::uint8_t> once;
    FUZZ_CHECK(!encode(ours, once), "what libsmpp34 takes we can encode again");
    pdu again;
    FUZZ_CHECK(!decode(once, again), "our own encoding decodes");
    FUZZ_CHECK(test::render(test::dump(again)) == test::render(test::dump(ours)), "decode -> encode -> decode is stable");
    return 0;
}
