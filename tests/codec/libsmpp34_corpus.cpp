#include "libsmpp34_corpus.hpp"

namespace twinsms::smpp::test {
namespace {

template <class Body>
corpus_entry entry(std::string name, const Body& b, std::uint32_t seq, command_status st = status::ok,
                   std::string rejects = {}) {
    pdu p;
    p.status = st;
    p.sequence_number = seq;
    p.body = b;
    return {std::move(name), owned_pdu{p}, std::move(rejects)};
}

template <class Bind>
Bind bind(std::string_view id, std::string_view pw, std::string_view type, std::uint8_t ton, std::uint8_t npi,
          std::string_view range, std::uint8_t version = 0x34) {
    Bind b;
    b.system_id = id;
    b.password = pw;
    b.system_type = type;
    b.interface_version = version;
    b.addr_ton = ton;
    b.addr_npi = npi;
    b.address_range = range;
    return b;
}

template <class Resp> Resp resp(std::string_view id, std::initializer_list<tlv> tlvs = {}) {
    Resp r;
    r.message_id = id;
    r.tlvs.assign(tlvs.begin(), tlvs.end());
    return r;
}

template <class Sm> Sm sm(std::string_view src, std::string_view dst, std::string_view text) {
    Sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    s.source_addr = src;
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    s.destination_addr = dst;
    s.short_message = text;
    return s;
}

const std::string text160(160, 'A');
const std::string binary_udh = [] {
    std::string s = {'\x05', '\x00', '\x03', '\x2a', '\x02', '\x01'}; // concatenation UDH
    for (int i = 0; i < 134; ++i) s += static_cast<char>(i * 37 % 256); // NULs and high bytes
    return s;
}();
const std::string payload300(300, 'p');
// tlv::cstring views its argument's storage (NUL included), so it needs
// strings that outlive the PDU, never temporaries.
const std::string receipt_id = "5f3a9c2e";
const std::string busy_text = "busy";

} // namespace

std::vector<corpus_entry> accepted_corpus() {
    std::vector<corpus_entry> c;
    c.push_back(entry("generic_nack", generic_nack{}, 1, status::invcmdid));
    c.push_back(entry("bind_transmitter", bind<bind_transmitter>("SMPP3TEST", "secret08", "SUBMIT1", 1, 1, ""), 2));
    c.push_back(entry("bind_receiver at maximum lengths",
                      bind<bind_receiver>("abcdefghijklmno", "12345678", "systemtype12", 6, 18,
                                          "0123456789012345678901234567890123456789"),
                      3));
    c.push_back(entry("bind_transceiver empty strings", bind<bind_transceiver>("", "", "", 0, 0, ""), 4));
    c.push_back(entry("bind_transmitter_resp",
                      resp<bind_transmitter_resp>("SMSC", {tlv::u8(tag::sc_interface_version, 0x34)}), 2));
    c.push_back(entry("bind_receiver_resp", resp<bind_receiver_resp>("SMSC"), 3));
    c.push_back(entry("bind_transceiver_resp with vendor tlv",
                      resp<bind_transceiver_resp>(
                          "SMSC", {tlv::u8(tag::sc_interface_version, 0x34), tlv{0x1401, std::string_view{"ABC"}}}),
                      4));
    outbind ob;
    ob.system_id = "SMSC01";
    ob.password = "pw";
    c.push_back(entry("outbind", ob, 5));
    c.push_back(entry("unbind", unbind{}, 6));
    c.push_back(entry("unbind_resp", unbind_resp{}, 6));
    c.push_back(entry("enquire_link max seq", enquire_link{}, 0x7FFFFFFF));
    c.push_back(entry("enquire_link_resp seq 0xFFFFFFFF", enquire_link_resp{}, 0xFFFFFFFF));

    auto s1 = sm<submit_sm>("447700900123", "447700900456", text160);
    s1.service_type = "CMT";
    s1.registered_delivery = 1;
    s1.validity_period = "240101120000000+";
    s1.tlvs = {tlv::u16(tag::user_message_reference, 0x1234), tlv::u16(tag::sar_msg_ref_num, 0x42),
               tlv::u8(tag::sar_total_segments, 2), tlv::u8(tag::sar_segment_seqnum, 1),
               tlv{0x1401, std::string_view{"XYZ"}}};
    c.push_back(entry("submit_sm 160 chars with sar and vendor tlvs", s1, 10));
    auto s2 = sm<submit_sm>("ALPHA", "12345678901234567890", binary_udh);
    s2.source_addr_ton = 5;
    s2.source_addr_npi = 0;
    s2.esm_class = 0x40;
    s2.data_coding = 0x04;
    s2.protocol_id = 0x7F;
    s2.priority_flag = 3;
    s2.schedule_delivery_time = "000000010000000R";
    c.push_back(entry("submit_sm binary with udh", s2, 11));
    auto s3 = sm<submit_sm>("1234", "5678", "");
    s3.dest_addr_npi = 9;
    s3.tlvs = {tlv{tag::message_payload, payload300}, tlv::u16(tag::source_port, 8080),
               tlv::u16(tag::destination_port, 2948), tlv{tag::alert_on_message_delivery, std::string_view{}},
               tlv{tag::callback_num, std::string_view{"\x00\x01\x01" "4477", 7}},
               tlv::u16(tag::its_session_info, 0x0102)};
    c.push_back(entry("submit_sm message_payload and mixed tlvs", s3, 12));
    c.push_back(entry("submit_sm_resp 64-char id", resp<submit_sm_resp>(std::string(64, '9')), 10));
    submit_sm_resp bare;
    bare.body_omitted = true;
    c.push_back(entry("submit_sm_resp error bare header", bare, 11, status::throttled));

    auto d1 = sm<deliver_sm>("447700900456", "447700900123", "id:5f3a9c2e stat:DELIVRD err:000");
    d1.esm_class = 0x04;
    d1.tlvs = {tlv::cstring(tag::receipted_message_id, receipt_id), tlv::u8(tag::message_state, 2),
               tlv{tag::network_error_code, std::string_view{"\x03\x00\x22", 3}}};
    c.push_back(entry("deliver_sm receipt", d1, 20));
    auto d2 = sm<deliver_sm>("447700900456", "80080", "STOP");
    d2.dest_addr_ton = 3;
    d2.tlvs = {tlv::u16(tag::user_message_reference, 9), tlv::u16(tag::destination_port, 80)};
    c.push_back(entry("deliver_sm mo", d2, 21));
    c.push_back(entry("deliver_sm_resp", resp<deliver_sm_resp>(""), 20));

    submit_multi m;
    m.source_addr = "447700900123";
    m.dests = {{dest_address::sme_address, 1, 1, "447700900001"},
               {dest_address::distribution_list, 0, 0, "friends"},
               {dest_address::sme_address, 2, 8, "12345678901234567890"}};
    m.short_message = "hi all";
    m.tlvs = {tlv::u16(tag::user_message_reference, 7)};
    c.push_back(entry("submit_multi sme and dl", m, 30));
    submit_multi_resp mr;
    mr.message_id = "m-77";
    mr.unsuccess = {{1, 1, "447700900001", status::invdstadr}, {0, 0, "123", status::throttled}};
    c.push_back(entry("submit_multi_resp with unsuccess", mr, 30));
    c.push_back(entry("submit_multi_resp all ok", resp<submit_multi_resp>("m-78"), 31));

    data_sm ds;
    ds.source_addr_ton = 2;
    ds.source_addr_npi = 8;
    ds.source_addr = "1234";
    ds.destination_addr = "447700900123";
    ds.data_coding = 8;
    ds.tlvs = {tlv{tag::message_payload, std::string_view{"\x00h\x00i", 4}}, tlv::u16(tag::destination_port, 2948),
               tlv::u32(tag::qos_time_to_live, 3600), tlv{0x1401, std::string_view{"ABC"}}};
    c.push_back(entry("data_sm", ds, 40));
    c.push_back(entry("data_sm_resp", resp<data_sm_resp>("abc123"), 40, status::deliveryfailure));

    query_sm q;
    q.message_id = "5f3a9c2e";
    q.source_addr_ton = 1;
    q.source_addr_npi = 1;
    q.source_addr = "447700900123";
    c.push_back(entry("query_sm", q, 50));
    query_sm_resp qr;
    qr.message_id = "5f3a9c2e";
    qr.final_date = "240101120100000+";
    qr.message_state = 2;
    qr.error_code = 7;
    c.push_back(entry("query_sm_resp", qr, 50));
    cancel_sm cs;
    cs.service_type = "CMT";
    cs.message_id = "5f3a9c2e";
    cs.source_addr = "447700900123";
    cs.dest_addr_ton = 1;
    cs.destination_addr = "447700900456";
    c.push_back(entry("cancel_sm", cs, 51));
    c.push_back(entry("cancel_sm_resp", cancel_sm_resp{}, 51));
    replace_sm rs;
    rs.message_id = "5f3a9c2e";
    rs.source_addr = "447700900123";
    rs.validity_period = "000001000000000R";
    rs.registered_delivery = 1;
    rs.short_message = "New text";
    c.push_back(entry("replace_sm", rs, 52));
    c.push_back(entry("replace_sm_resp", replace_sm_resp{}, 52));
    alert_notification an;
    an.source_addr_ton = 1;
    an.source_addr = "447700900456";
    an.esme_addr = "esme";
    an.tlvs = {tlv::u8(tag::ms_availability_status, 0)};
    c.push_back(entry("alert_notification", an, 53));
    return c;
}

std::vector<corpus_entry> real_peer_corpus() {
    std::vector<corpus_entry> c;
    c.push_back(entry("submit_sm_resp with vendor status", resp<submit_sm_resp>("5f3a9c2e"), 1, 0x00000400,
                      "command_status 0x400 is in the SMSC vendor range"));
    c.push_back(entry("generic_nack with vendor status", generic_nack{}, 1, 0x000004FF,
                      "command_status 0x4FF is in the SMSC vendor range"));
    submit_sm_resp bare_submit;
    bare_submit.body_omitted = true;
    c.push_back(entry("submit_sm_resp success as bare header", bare_submit, 2, status::ok,
                      "16-byte success response without message_id"));
    deliver_sm_resp bare_deliver;
    bare_deliver.body_omitted = true;
    c.push_back(entry("deliver_sm_resp as bare header", bare_deliver, 3, status::ok,
                      "16-byte deliver_sm_resp without the NUL message_id"));
    bind_transceiver_resp bare_bind;
    bare_bind.body_omitted = true;
    c.push_back(entry("bind_transceiver_resp error as bare header", bare_bind, 4, status::invpaswd,
                      "error bind response without system_id"));
    c.push_back(entry("submit_sm_resp error with empty message_id", resp<submit_sm_resp>(""), 5, status::throttled,
                      "error response that still carries a NUL message_id (17 bytes)"));
    c.push_back(entry("bind_transceiver interface_version 0x50",
                      bind<bind_transceiver>("node", "pw", "", 0, 0, "", 0x50), 6, status::ok,
                      "SMPP 5.0 clients (node-smpp's default) bind with 0x50"));
    c.push_back(entry("bind_transmitter interface_version 0x33",
                      bind<bind_transmitter>("old", "pw", "", 0, 0, "", 0x33), 7, status::ok,
                      "SMPP 3.3 clients bind with 0x33"));
    c.push_back(entry("enquire_link sequence_number 0", enquire_link{}, 0, status::ok,
                      "sequence_number 0 is reserved but sent by some clients"));
    data_sm ds;
    ds.source_addr = "sip-gateway-user-0123456789"; // 27 chars: data_sm allows 64
    ds.destination_addr = "447700900123";
    c.push_back(entry("data_sm with 27-char source_addr", ds, 8, status::ok,
                      "libsmpp34 caps data_sm source_addr at 21 bytes, SMPP 3.4 at 65"));
    c.push_back(entry("data_sm_resp with failure tlvs",
                      resp<data_sm_resp>("abc123", {tlv::u8(tag::delivery_failure_reason, 1),
                                                    tlv{tag::network_error_code, std::string_view{"\x03\x00\x01", 3}},
                                                    tlv::cstring(tag::additional_status_info_text, busy_text)}),
                      9, status::deliveryfailure,
                      "SMPP 3.4 section 4.7.2 defines these TLVs; libsmpp34's data_sm_resp frame has no TLV part"));
    return c;
}

} // namespace twinsms::smpp::test
