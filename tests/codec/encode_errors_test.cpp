// Encode-side validation, and the failure -> command_status / recoverability
// mapping the session relies on when it answers malformed requests.
#include "test_util.hpp"

using namespace twinsms::smpp;
using namespace twinsms::smpp::test;

namespace {

codec_failure encode_fail(const pdu& p, const codec_options& opt = {}) {
    bytes out{0xAA, 0xBB}; // pre-existing content must survive a failure
    const codec_failure f = encode(p, out, opt);
    BOOST_TEST(bool(f));
    BOOST_TEST(to_hex(out) == "aabb");
    return f;
}

void expect(const codec_failure& f, codec_error code, std::string_view field, std::uint32_t offset) {
    BOOST_TEST(f.code == code);
    BOOST_TEST(std::string_view{f.field} == field);
    BOOST_TEST(f.offset == offset);
}

template <class Body> pdu wrap(const Body& b) {
    pdu p;
    p.body = b;
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(encode_errors)

BOOST_AUTO_TEST_CASE(string_longer_than_its_field) {
    bind_transmitter b;
    b.system_id = "1234567890123456"; // 16 chars: no room for the NUL
    auto f = encode_fail(wrap(b));
    expect(f, codec_error::field_too_long, "system_id", 16);
    BOOST_TEST(f.command == command_id::bind_transmitter);
    b.system_id = "123456789012345";
    encode_ok(wrap(b));

    submit_sm s;
    s.destination_addr = "123456789012345678901"; // 21 > 20
    // service_type(16) ton npi source(19) ton npi -> destination_addr at 22
    expect(encode_fail(wrap(s)), codec_error::field_too_long, "destination_addr", 22);
}

BOOST_AUTO_TEST_CASE(cstring_with_embedded_nul) {
    submit_sm s;
    s.source_addr = std::string_view{"12\0" "34", 5};
    expect(encode_fail(wrap(s)), codec_error::embedded_nul, "source_addr", 19);
}

BOOST_AUTO_TEST_CASE(values_that_do_not_fit_their_length_fields) {
    submit_sm s;
    const std::string long_text(256, 'x');
    s.short_message = long_text;
    expect(encode_fail(wrap(s)), codec_error::value_too_large, "short_message", 32);

    submit_sm t;
    const std::string huge(0x10000, 'y');
    t.tlvs.push_back(tlv{tag::message_payload, huge});
    expect(encode_fail(wrap(t)), codec_error::value_too_large, "tlv", 33);

    submit_multi m;
    for (int i = 0; i < 256; ++i) m.dests.push_back({dest_address::sme_address, 0, 0, "1"});
    expect(encode_fail(wrap(m)), codec_error::value_too_large, "number_of_dests", 20);

    submit_multi_resp r;
    for (int i = 0; i < 256; ++i) r.unsuccess.push_back({0, 0, "1", 0});
    expect(encode_fail(wrap(r)), codec_error::value_too_large, "no_unsuccess", 17);
}

BOOST_AUTO_TEST_CASE(invalid_dest_flag_on_encode) {
    submit_multi m;
    m.dests.push_back({3, 0, 0, "1"});
    expect(encode_fail(wrap(m)), codec_error::invalid_dest_flag, "dest_flag", 21);
}

BOOST_AUTO_TEST_CASE(pdu_larger_than_the_maximum) {
    submit_sm s;
    s.short_message = "0123456789";
    const pdu p = wrap(s);
    std::size_t size = 0;
    BOOST_TEST(!encoded_size(p, size));
    BOOST_TEST(size == 43u);
    expect(encode_fail(p, {.max_pdu_size = 42}), codec_error::pdu_too_large, "command_length", 0);
    BOOST_TEST(encode_ok(p, {.max_pdu_size = 43}).size() == 43u);

    // The default 64 KiB limit, reached through one large TLV.
    submit_sm big;
    const std::string payload(0xFFFF, 'z');
    big.tlvs.push_back(tlv{tag::message_payload, payload});
    expect(encode_fail(wrap(big)), codec_error::pdu_too_large, "command_length", 0);
}

BOOST_AUTO_TEST_CASE(encode_into_caller_storage) {
    pdu p;
    p.sequence_number = 3;
    p.body = enquire_link{};
    std::array<std::uint8_t, 16> exact{};
    std::size_t written = 0;
    BOOST_TEST(!encode(p, exact, written));
    BOOST_TEST(written == 16u);
    BOOST_TEST(to_hex(exact) == "00000010000000150000000000000003");
    std::array<std::uint8_t, 15> small{};
    written = 99;
    expect(encode(p, small, written), codec_error::pdu_too_large, "buffer", 0);
    BOOST_TEST(written == 99u); // untouched on failure
}

BOOST_AUTO_TEST_CASE(vector_encode_appends) {
    pdu p;
    p.body = enquire_link_resp{};
    bytes out{0x01};
    BOOST_TEST(!encode(p, out));
    BOOST_TEST(!encode(p, out));
    BOOST_TEST(out.size() == 33u);
    BOOST_TEST(to_hex(std::span{out}.subspan(1, 16)) == "00000010800000150000000000000000");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failure_mapping)

BOOST_AUTO_TEST_CASE(unterminated_fields_map_to_their_own_status) {
    const std::pair<const char*, command_status> table[] = {
        {"source_addr", status::invsrcadr},         {"destination_addr", status::invdstadr},
        {"message_id", status::invmsgid},           {"system_id", status::invsysid},
        {"password", status::invpaswd},             {"service_type", status::invsertyp},
        {"system_type", status::invsystyp},         {"schedule_delivery_time", status::invsched},
        {"validity_period", status::invexpiry},     {"dl_name", status::invdlname},
        {"address_range", status::invcmdlen},       {"esme_addr", status::invcmdlen},
    };
    for (const auto& [field, expected] : table) {
        const codec_failure f{codec_error::cstring_unterminated, field, 20};
        BOOST_TEST(suggested_status(f) == expected, field);
        BOOST_TEST(is_recoverable(f));
    }
}

BOOST_AUTO_TEST_CASE(status_and_recoverability_per_code) {
    struct row {
        codec_error code;
        command_status st;
        bool recoverable;
    };
    const row rows[] = {
        {codec_error::ok, status::ok, true},
        {codec_error::command_length_too_small, status::invcmdlen, false},
        {codec_error::command_length_too_large, status::invcmdlen, false},
        {codec_error::length_mismatch, status::invcmdlen, false},
        {codec_error::unknown_command_id, status::invcmdid, true},
        {codec_error::field_truncated, status::invcmdlen, true},
        {codec_error::tlv_truncated, status::invoptparstream, true},
        {codec_error::tlv_length_overrun, status::invoptparstream, true},
        {codec_error::trailing_bytes, status::invcmdlen, true},
        {codec_error::invalid_dest_flag, status::invdestflag, true},
        {codec_error::field_too_long, status::syserr, true},
        {codec_error::embedded_nul, status::syserr, true},
        {codec_error::value_too_large, status::syserr, true},
        {codec_error::pdu_too_large, status::syserr, true},
    };
    for (const auto& r : rows) {
        const codec_failure f{r.code, "x", 0};
        BOOST_TEST(suggested_status(f) == r.st, make_error_code(r.code).message());
        BOOST_TEST(is_recoverable(f) == r.recoverable, make_error_code(r.code).message());
    }
}

BOOST_AUTO_TEST_CASE(error_code_integration) {
    const boost::system::error_code ec = codec_error::tlv_length_overrun;
    BOOST_TEST(std::string{ec.category().name()} == "smpp.codec");
    BOOST_TEST(ec.message() == "TLV length runs past the end of the PDU");
    BOOST_TEST(ec == make_error_code(codec_error::tlv_length_overrun));
    BOOST_TEST(!make_error_code(codec_error::ok).failed());
}

BOOST_AUTO_TEST_SUITE_END()
