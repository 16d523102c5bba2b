// Malformed input: every decode failure names its code, field and byte
// offset, because the session answers with a status derived from them and
// operators read them in logs.
#define BOOST_TEST_MODULE codec_malformed
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {

codec_failure expect_failure(const bytes& wire, codec_error code, std::string_view field, std::uint32_t offset,
                             const codec_options& opt = {}) {
    const codec_failure f = decode_fail(wire, opt);
    BOOST_TEST(f.code == code);
    BOOST_TEST(std::string_view{f.field} == field);
    BOOST_TEST(f.offset == offset);
    return f;
}

// A minimal submit_sm up to and including sm_length 0: all strings empty.
// service_type(1) ton npi(2) source(1) ton npi(2) dest(1) esm pid prio(3)
// schedule(1) validity(1) reg replace dc default(4) sm_length(1) = 17 bytes,
// so sm_length sits at offset 32 and anything after it starts at 33.
constexpr const char* empty_submit_body = "00 0000 00 0000 00 000000 00 00 00000000 00";

bytes submit_with(std::string_view tail_hex) {
    bytes b = from_hex(std::string{"00000000 00000004 00000000 00000001"} + empty_submit_body + std::string{tail_hex});
    fix_length(b);
    return b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(header_errors)

BOOST_AUTO_TEST_CASE(command_length_below_header) {
    auto f = expect_failure(from_hex("0000000F 00000015 00000000 00000001"), codec_error::command_length_too_small,
                            "command_length", 0);
    BOOST_TEST(f.command == command_id::enquire_link);
    expect_failure(from_hex("00000000 00000015 00000000 00000001"), codec_error::command_length_too_small,
                   "command_length", 0);
    // Fewer than 16 bytes in the frame: the header itself is unreadable.
    expect_failure(from_hex("00000010 00000015"), codec_error::command_length_too_small, "command_length", 0);
    expect_failure(bytes{}, codec_error::command_length_too_small, "command_length", 0);
}

BOOST_AUTO_TEST_CASE(command_length_above_default_maximum) {
    // Checked before the frame size, so a 16-byte frame is enough to see it.
    expect_failure(from_hex("00010001 00000004 00000000 00000001"), codec_error::command_length_too_large,
                   "command_length", 0);
    expect_failure(from_hex("FFFFFFFF 00000004 00000000 00000001"), codec_error::command_length_too_large,
                   "command_length", 0);
    // Exactly 64 KiB is still acceptable.
    pdu p;
    submit_sm s;
    const std::string payload(default_max_pdu_size - 33 - 4, 'p');
    s.tlvs.push_back(tlv{tag::message_payload, payload});
    p.body = s;
    const bytes wire = encode_ok(p);
    BOOST_REQUIRE(wire.size() == default_max_pdu_size);
    expect_reencodes(decode_ok(wire), wire);
}

BOOST_AUTO_TEST_CASE(command_length_above_custom_maximum) {
    const codec_options small{.max_pdu_size = 20};
    const bytes ok = from_hex("00000014 80000004 00000000 00000001 61626300"); // 20 bytes
    decode_ok(ok, small);
    const bytes big = from_hex("00000015 80000004 00000000 00000001 6162636400");
    expect_failure(big, codec_error::command_length_too_large, "command_length", 0, small);
    decode_ok(big); // fine under the default maximum
}

BOOST_AUTO_TEST_CASE(frame_size_differs_from_command_length) {
    expect_failure(from_hex("00000010 00000015 00000000 00000001 00"), codec_error::length_mismatch,
                   "command_length", 0);
    expect_failure(from_hex("00000014 00000015 00000000 00000001"), codec_error::length_mismatch,
                   "command_length", 0);
}

BOOST_AUTO_TEST_CASE(unknown_command_ids) {
    for (const char* hex : {"00000010 00000099 00000000 00000001", "00000010 8000000A 00000000 00000001",
                            "00000010 00000111 00000000 00000001" /* SMPP 5.0 broadcast_sm */}) {
        const bytes wire = from_hex(hex);
        auto f = expect_failure(wire, codec_error::unknown_command_id, "command_id", 4);
        BOOST_TEST(static_cast<std::uint32_t>(f.command) == read_header(wire).command_id);
        BOOST_TEST(suggested_status(f) == status::invcmdid);
        BOOST_TEST(is_recoverable(f)); // well framed: answer with generic_nack
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(body_errors)

BOOST_AUTO_TEST_CASE(system_id_without_nul_within_its_maximum) {
    // 16 non-NUL bytes where system_id allows 15 plus NUL, with more data
    // after it: unterminated, not truncated.
    const bytes wire = from_hex("00000027 00000002 00000000 00000001"
                                "41414141414141414141414141414141" // 16 x 'A'
                                "00 00 00 34 00 00 00");
    auto f = expect_failure(wire, codec_error::cstring_unterminated, "system_id", 16);
    BOOST_TEST(f.command == command_id::bind_transmitter);
    BOOST_TEST(suggested_status(f) == status::invsysid);
    BOOST_TEST(is_recoverable(f));
    BOOST_TEST(f.describe() ==
               "bind_transmitter: system_id at offset 16: C-octet string has no NUL within its maximum length");
}

BOOST_AUTO_TEST_CASE(password_without_nul_within_its_maximum) {
    const bytes wire = from_hex("00000021 00000009 00000000 00000001"
                                "6100"                   // system_id "a"
                                "707070707070707070"     // 9 x 'p', password allows 8
                                "00 00 34 00 00 00");
    auto f = expect_failure(wire, codec_error::cstring_unterminated, "password", 18);
    BOOST_TEST(suggested_status(f) == status::invpaswd);
}

BOOST_AUTO_TEST_CASE(cstring_running_off_the_end) {
    auto f = expect_failure(from_hex("00000013 00000002 00000000 00000001 616263"), codec_error::field_truncated,
                            "system_id", 16);
    BOOST_TEST(suggested_status(f) == status::invcmdlen);
    // Exactly the field's maximum with no NUL is reported as unterminated.
    expect_failure(from_hex("00000020 00000002 00000000 00000001 41414141414141414141414141414141"),
                   codec_error::cstring_unterminated, "system_id", 16);
}

BOOST_AUTO_TEST_CASE(short_message_overruns_the_pdu) {
    bytes wire = submit_with("");
    wire.back() = 0x0A; // sm_length 10 with nothing after it
    wire.insert(wire.end(), {'a', 'b', 'c'});
    fix_length(wire);
    auto f = expect_failure(wire, codec_error::field_truncated, "short_message", 33);
    BOOST_TEST(suggested_status(f) == status::invcmdlen);
    // Cut just before sm_length: the length byte itself is missing.
    wire.resize(32);
    fix_length(wire);
    expect_failure(wire, codec_error::field_truncated, "sm_length", 32);
}

BOOST_AUTO_TEST_CASE(tlv_header_truncated) {
    auto f = expect_failure(submit_with("0204 00"), codec_error::tlv_truncated, "tlv", 33);
    BOOST_TEST(suggested_status(f) == status::invoptparstream);
    BOOST_TEST(is_recoverable(f));
    // After a good TLV the offset points at the broken one.
    expect_failure(submit_with("0204 0002 1234 0427"), codec_error::tlv_truncated, "tlv", 39);
}

BOOST_AUTO_TEST_CASE(tlv_length_overruns_the_pdu) {
    auto f = expect_failure(submit_with("0204 0005 1234"), codec_error::tlv_length_overrun, "tlv", 33);
    BOOST_TEST(suggested_status(f) == status::invoptparstream);
    expect_failure(submit_with("0427 0001 02 0424 FFFF 00"), codec_error::tlv_length_overrun, "tlv", 38);
}

BOOST_AUTO_TEST_CASE(trailing_bytes_after_fixed_body) {
    auto f = expect_failure(from_hex("00000011 00000015 00000000 00000001 00"), codec_error::trailing_bytes, "body",
                            16);
    BOOST_TEST(suggested_status(f) == status::invcmdlen);
    // query_sm has no TLV part, so a TLV-looking tail is trailing garbage.
    expect_failure(from_hex("00000019 00000003 00000000 00000001 6100 00 00 00 0204 0000"),
                   codec_error::trailing_bytes, "body", 21);
}

BOOST_AUTO_TEST_CASE(submit_multi_bad_dest_flag) {
    // service_type(16) ton npi(17,18) source(19) number_of_dests(20) dest_flag(21)
    for (const char* flag : {"03", "00", "FF"}) {
        bytes wire = from_hex(std::string{"00000000 00000021 00000000 00000001 00 0000 00 01"} + flag +
                              "01 01 3100 000000 00 00 00000000 00");
        fix_length(wire);
        auto f = expect_failure(wire, codec_error::invalid_dest_flag, "dest_flag", 21);
        BOOST_TEST(suggested_status(f) == status::invdestflag);
    }
}

BOOST_AUTO_TEST_CASE(number_of_dests_beyond_the_data) {
    // Five destinations announced, one present, then the PDU ends: the
    // second dest_flag is read at the end of the frame.
    bytes wire = from_hex("00000000 00000021 00000000 00000001 00 0000 00 05 01 01 01 3100");
    fix_length(wire);
    expect_failure(wire, codec_error::field_truncated, "dest_flag", static_cast<std::uint32_t>(wire.size()));
    // A dl_name running off the end inside the list.
    wire = from_hex("00000000 00000021 00000000 00000001 00 0000 00 02 02 616263");
    fix_length(wire);
    expect_failure(wire, codec_error::field_truncated, "dl_name", 22);
}

BOOST_AUTO_TEST_CASE(no_unsuccess_beyond_the_data) {
    bytes wire = from_hex("00000000 80000021 00000000 00000001 6100 03 01 01 3100 0000000B");
    fix_length(wire);
    expect_failure(wire, codec_error::field_truncated, "dest_addr_ton", static_cast<std::uint32_t>(wire.size()));
    wire = from_hex("00000000 80000021 00000000 00000001 6100 01 01 01 3100 0000");
    fix_length(wire);
    expect_failure(wire, codec_error::field_truncated, "error_status_code", 23);
}

BOOST_AUTO_TEST_SUITE_END()
