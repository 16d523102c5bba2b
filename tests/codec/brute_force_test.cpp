// Exhaustive small mutations of valid PDUs: every prefix and every
// single-byte value at every body position, with command_length fixed up so
// the decoder always reaches the body. The decoder must never crash or read
// outside the frame (run under -fsanitize=address,undefined to see the
// latter), and must either fail with an offset inside the frame or succeed
// with a PDU that re-encodes to exactly the mutated bytes.
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {

struct tally {
    std::size_t ok = 0;
    std::size_t failed = 0;
};

bool is_decode_error(codec_error e) {
    switch (e) {
    case codec_error::field_too_long:
    case codec_error::embedded_nul:
    case codec_error::value_too_large:
    case codec_error::pdu_too_large:
    case codec_error::ok: return false;
    default: return true;
    }
}

// Checks one candidate frame; BOOST_TEST is only reached on a violation so
// the assertion count stays readable.
void check_frame(const bytes& frame, tally& t) {
    pdu p;
    const codec_failure f = decode(frame, p);
    if (f) {
        ++t.failed;
        if (f.offset > frame.size() || !is_decode_error(f.code) || *f.field == '\0')
            BOOST_ERROR("bad failure for " << to_hex(frame) << ": " << f.describe());
        return;
    }
    ++t.ok;
    bytes again;
    const codec_failure ef = encode(p, again);
    if (ef || again != frame)
        BOOST_ERROR("decoded but does not re-encode: " << to_hex(frame) << " -> " << to_hex(again) << " "
                                                        << ef.describe());
}

tally mutate_all(const bytes& valid) {
    tally t;
    // Every prefix, with command_length telling the truth about it.
    for (std::size_t n = 0; n < valid.size(); ++n) {
        bytes cut(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(n));
        if (n >= 4) fix_length(cut);
        check_frame(cut, t);
    }
    // Every value of every body byte.
    bytes m = valid;
    for (std::size_t i = header_size; i < m.size(); ++i) {
        const std::uint8_t orig = m[i];
        for (int v = 0; v < 256; ++v) {
            m[i] = static_cast<std::uint8_t>(v);
            check_frame(m, t);
        }
        m[i] = orig;
    }
    return t;
}

bytes sample_submit_sm() {
    submit_sm s;
    s.service_type = "CMT";
    s.source_addr_ton = 1;
    s.source_addr = "447700900123";
    s.destination_addr = "447700900456";
    s.validity_period = "000001000000000R";
    s.short_message = "Hello";
    s.tlvs.push_back(tlv::u16(tag::user_message_reference, 0x1234));
    s.tlvs.push_back(tlv{0x1401, std::string_view{"AB"}});
    s.tlvs.push_back(tlv::u8(tag::sar_total_segments, 2));
    pdu p;
    p.sequence_number = 9;
    p.body = s;
    return encode_ok(p);
}

} // namespace

BOOST_AUTO_TEST_SUITE(brute_force)

BOOST_AUTO_TEST_CASE(submit_sm_with_tlvs) {
    const bytes valid = sample_submit_sm();
    const tally t = mutate_all(valid);
    BOOST_TEST_MESSAGE("submit_sm " << valid.size() << " bytes: " << t.ok << " decoded, " << t.failed << " rejected");
    BOOST_TEST(t.ok > 0u);
    BOOST_TEST(t.failed > 0u);
}

BOOST_AUTO_TEST_CASE(submit_multi_and_resp_lists) {
    submit_multi m;
    m.source_addr = "12345";
    m.dests.push_back({dest_address::sme_address, 1, 1, "4477"});
    m.dests.push_back({dest_address::distribution_list, 0, 0, "dl"});
    m.short_message = "x";
    m.tlvs.push_back(tlv::u8(tag::more_messages_to_send, 1));
    submit_multi_resp r;
    r.message_id = "m1";
    r.unsuccess.push_back({1, 1, "4477", status::invdstadr});
    r.unsuccess.push_back({0, 0, "9", 0x400});
    for (const body& b : {body{m}, body{r}}) {
        pdu p;
        p.sequence_number = 1;
        p.body = b;
        const bytes valid = encode_ok(p);
        const tally t = mutate_all(valid);
        BOOST_TEST_MESSAGE(to_string(p.id()) << ": " << t.ok << " decoded, " << t.failed << " rejected");
        BOOST_TEST(t.failed > 0u);
    }
}

BOOST_AUTO_TEST_CASE(every_command_id_on_a_submit_body) {
    // The same body bytes read as every command (known or not) must also
    // fail cleanly or round-trip: this exercises each body layout on
    // unexpected input.
    bytes m = sample_submit_sm();
    tally t;
    for (std::uint32_t id : {0x80000000u, 0x1u, 0x80000001u, 0x2u, 0x80000002u, 0x3u, 0x80000003u, 0x4u,
                             0x80000004u, 0x5u, 0x80000005u, 0x6u, 0x80000006u, 0x7u, 0x80000007u, 0x8u,
                             0x80000008u, 0x9u, 0x80000009u, 0xBu, 0x15u, 0x80000015u, 0x21u, 0x80000021u,
                             0x102u, 0x103u, 0x80000103u, 0xAu, 0xFFFFFFFFu}) {
        for (int i = 0; i < 4; ++i) m[4 + i] = static_cast<std::uint8_t>(id >> (24 - 8 * i));
        check_frame(m, t);
        for (std::size_t n = header_size; n < m.size(); ++n) {
            bytes cut(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(n));
            fix_length(cut);
            check_frame(cut, t);
        }
    }
    BOOST_TEST(t.ok > 0u);
}

BOOST_AUTO_TEST_SUITE_END()
