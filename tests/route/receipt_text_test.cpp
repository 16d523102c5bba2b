// Receipt text: strict format, lenient parse of real-world variants, stat
// mapping, receipts read from deliver_sm / data_sm.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include <boost/test/unit_test.hpp>

#include "route/receipt_text.hpp"

using namespace twinsms;
using namespace twinsms::route;

BOOST_AUTO_TEST_SUITE(receipt_text)

BOOST_AUTO_TEST_CASE(stat_mapping_both_ways) {
    const std::pair<std::string_view, int> table[] = {{"ENROUTE", 1}, {"DELIVRD", 2}, {"EXPIRED", 3},
                                                      {"DELETED", 4}, {"UNDELIV", 5}, {"ACCEPTD", 6},
                                                      {"UNKNOWN", 7}, {"REJECTD", 8}};
    for (const auto& [text, value] : table) {
        const auto st = parse_stat(text);
        BOOST_REQUIRE(st.has_value());
        BOOST_TEST(static_cast<int>(*st) == value);
        BOOST_TEST(stat_text(*st) == text);
        BOOST_TEST((state_from_tlv(static_cast<std::uint8_t>(value)) == st));
    }
    BOOST_TEST((parse_stat("delivrd") == message_state::delivered));
    BOOST_TEST((parse_stat("Delivered") == message_state::delivered));
    BOOST_TEST((parse_stat("undeliverable") == message_state::undeliverable));
    BOOST_TEST(!parse_stat("GONE"));
    BOOST_TEST(!parse_stat(""));
    BOOST_TEST(!state_from_tlv(0));
    BOOST_TEST(!state_from_tlv(9));
    BOOST_TEST(!is_final(message_state::enroute));
    BOOST_TEST(is_final(message_state::accepted));
    BOOST_TEST(is_final(message_state::rejected));
}

BOOST_AUTO_TEST_CASE(format_and_parse_round_trip) {
    receipt_fields f;
    f.id = "1a2b";
    f.submit_date = "2611220501";
    f.done_date = "2611220502";
    f.stat = "UNDELIV";
    f.err = 5;
    f.dlvrd = 0;
    f.text = "stat:fake id:nope";
    const auto s = format_receipt(f);
    BOOST_TEST(s == "id:1a2b sub:001 dlvrd:000 submit date:2611220501 done date:2611220502 stat:UNDELIV err:005 "
                    "text:stat:fake id:nope");
    const auto p = parse_receipt(s);
    BOOST_REQUIRE(p.has_value());
    BOOST_TEST(p->id == "1a2b");
    BOOST_TEST(p->sub == 1u);
    BOOST_TEST(p->dlvrd == 0u);
    BOOST_TEST(p->submit_date == "2611220501");
    BOOST_TEST(p->done_date == "2611220502");
    BOOST_TEST(p->stat == "UNDELIV");
    BOOST_TEST((p->state == message_state::undeliverable));
    BOOST_TEST(p->err == 5u);
    BOOST_TEST(p->has_err);
    BOOST_TEST(p->text == "stat:fake id:nope"); // text content does not shadow real fields
}

BOOST_AUTO_TEST_CASE(real_world_variants) {
    // Capitalised Text: (Kannel-style SMSCs), hex id.
    auto p = parse_receipt("id:0A1B2C3D sub:001 dlvrd:001 submit date:1701011200 done date:1701011201 stat:DELIVRD "
                           "err:000 Text:Hello world");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->id == "0A1B2C3D");
    BOOST_TEST(p->text == "Hello world");
    BOOST_TEST((p->state == message_state::delivered));
    // All upper case.
    p = parse_receipt("ID:123 SUB:001 DLVRD:000 SUBMIT DATE:2611220501 DONE DATE:2611220502 STAT:UNDELIV ERR:001 "
                      "TEXT:abc");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->id == "123");
    BOOST_TEST(p->done_date == "2611220502");
    BOOST_TEST(p->err == 1u);
    BOOST_TEST((p->state == message_state::undeliverable));
    BOOST_TEST(p->text == "abc");
    // Missing fields.
    p = parse_receipt("id:abc stat:EXPIRED");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->id == "abc");
    BOOST_TEST((p->state == message_state::expired));
    BOOST_TEST(!p->has_err);
    BOOST_TEST(p->submit_date == "");
    BOOST_TEST(p->text == "");
    // Extra spaces everywhere, an empty text.
    p = parse_receipt("  id: 12345  sub: 001 dlvrd:001  submit date: 2611220501 done date :2611220502 stat: DELIVRD "
                      "err: 000 text:  ");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->id == "12345");
    BOOST_TEST(p->sub == 1u);
    BOOST_TEST(p->submit_date == "2611220501");
    BOOST_TEST(p->done_date == "2611220502");
    BOOST_TEST(p->stat == "DELIVRD");
    BOOST_TEST(p->has_err);
    BOOST_TEST(p->text == "");
    // Underscored date keys, hex err, vendor fields.
    p = parse_receipt("id:77 submit_date:2611220501 done_date:261122050259 stat:REJECTD err:0B mcc:234 mnc:15 "
                      "text:x y");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->done_date == "261122050259");
    BOOST_TEST(p->err == 11u);
    BOOST_TEST((p->state == message_state::rejected));
    BOOST_TEST(p->text == "x y");
    // Any order; text first ends at the next key while the id/stat are missing.
    p = parse_receipt("text:hi there stat:DELIVRD err:000 id:7 dlvrd:1");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->text == "hi there");
    BOOST_TEST(p->id == "7");
    BOOST_TEST(p->dlvrd == 1u);
    BOOST_TEST((p->state == message_state::delivered));
    // An empty value is empty, not the next field.
    p = parse_receipt("id:1 err: stat:DELIVRD");
    BOOST_REQUIRE(p);
    BOOST_TEST(!p->has_err);
    BOOST_TEST(p->stat == "DELIVRD");
    // A stat the mapping does not know stays readable.
    p = parse_receipt("id:1 stat:FAILED");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->stat == "FAILED");
    BOOST_TEST(!p->state);
    // status: / error: spellings.
    p = parse_receipt("id:9 status:DELIVRD error:0");
    BOOST_REQUIRE(p);
    BOOST_TEST((p->state == message_state::delivered));
    BOOST_TEST(p->has_err);
    // "subject" and "identity" are not sub: and id:.
    p = parse_receipt("identity:5 subject:2 stat:DELIVRD");
    BOOST_REQUIRE(p);
    BOOST_TEST(p->id == "");
    BOOST_TEST(p->sub == 0u);
}

BOOST_AUTO_TEST_CASE(not_receipt_text) {
    BOOST_TEST(!parse_receipt(""));
    BOOST_TEST(!parse_receipt("hello"));
    BOOST_TEST(!parse_receipt("meet me at 5: text:nothing"));
    BOOST_TEST(!parse_receipt("id:"));
}

BOOST_AUTO_TEST_CASE(excerpts) {
    BOOST_TEST(receipt_excerpt(std::string("\x00H\x00i\x04\x10", 6), 0x08) == "Hi?");
    BOOST_TEST(receipt_excerpt("0123456789abcdefghijKLMN", 0) == "0123456789abcdefghij");
    BOOST_TEST(receipt_excerpt("a\nb", 0) == "a.b");
    BOOST_TEST(receipt_excerpt("\x01\x02", 0x04) == "");
    BOOST_TEST(receipt_excerpt(std::string("\x00H\x00", 3), 0x08) == "H"); // odd UCS-2 length
}

BOOST_AUTO_TEST_CASE(message_ids_in_either_base) {
    BOOST_TEST(message_ids_match("1A2B", "6699"));
    BOOST_TEST(message_ids_match("6699", "1a2b"));
    BOOST_TEST(message_ids_match("abc-1", "ABC-1"));
    BOOST_TEST(message_ids_match("000123", "123"));
    BOOST_TEST(!message_ids_match("1A2B", "6698"));
    BOOST_TEST(!message_ids_match("abc-1", "abc-2"));
    const auto forms = message_id_forms("1A2B");
    BOOST_TEST(forms.size() == 2u);
    BOOST_TEST(forms[0] == "1a2b");
    BOOST_TEST(forms[1] == "6699");
    BOOST_TEST(message_id_forms("00255").size() == 3u); // "00255", "255", "ff"
    BOOST_TEST(message_id_forms("x-1").size() == 1u);
    BOOST_TEST(message_id_forms("123456789012345678901234567890").size() == 1u); // too big for 64 bits
}

// The store maps a submit's id under message_id_keys and a receipt looks
// under receipt_id_lookups: every pair of spellings of one number (in
// either base, any case, leading zeros) must meet, so mapping fewer keys
// loses no receipt. (message_ids_match also pairs "4d" with "119", since
// "77" is the decimal form of one and the hex form of the other: two
// numbers, no carrier's receipt.)
BOOST_AUTO_TEST_CASE(mapped_keys_and_lookups_meet_wherever_ids_match) {
    BOOST_TEST(message_id_keys("00255").size() == 2u); // "00255", "255"; not "ff"
    BOOST_TEST(message_id_keys("1A2B").size() == 1u);
    BOOST_TEST(receipt_id_lookups("123").back() == "291"); // the hex reading's decimal form
    const auto readings = [](const std::string& x) {
        std::vector<std::uint64_t> out;
        std::uint64_t v = 0;
        for (int base : {10, 16}) {
            const auto [p, ec] = std::from_chars(x.data(), x.data() + x.size(), v, base);
            if (ec == std::errc{} && p == x.data() + x.size()) out.push_back(v);
        }
        return out;
    };
    const auto same_number = [&](const std::string& a, const std::string& b) {
        if (message_ids_match(a, b) && a.size() == b.size() && message_id_forms(a)[0] == message_id_forms(b)[0]) return true;
        for (auto x : readings(a))
            for (auto y : readings(b))
                if (x == y) return true;
        return false;
    };
    std::vector<std::string> spellings;
    const auto spell = [&](std::uint64_t v) {
        char dec[24], hex[24];
        std::snprintf(dec, sizeof dec, "%llu", static_cast<unsigned long long>(v));
        std::snprintf(hex, sizeof hex, "%llx", static_cast<unsigned long long>(v));
        for (const std::string f : {std::string{dec}, std::string{hex}}) {
            spellings.push_back(f);
            spellings.push_back("00" + f);
            std::string up = f;
            for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            spellings.push_back(up);
        }
    };
    for (std::uint64_t v = 0; v < 700; v += 7) spell(v);
    for (std::uint64_t v : {0x123ull, 291ull, 0xffffffffffffffffull, 1'000'000'007ull}) spell(v);
    spellings.push_back("abc-1");
    std::size_t matching = 0;
    for (const auto& s : spellings)
        for (const auto& r : spellings) {
            if (!same_number(s, r)) continue;
            ++matching;
            const auto keys = message_id_keys(s);
            const auto looks = receipt_id_lookups(r);
            const bool meet = std::any_of(keys.begin(), keys.end(), [&](const std::string& k) {
                return std::find(looks.begin(), looks.end(), k) != looks.end();
            });
            BOOST_TEST_REQUIRE(meet, "submit " << s << ", receipt " << r);
        }
    BOOST_TEST(matching > spellings.size()); // more than each with itself
}

BOOST_AUTO_TEST_CASE(receipts_from_pdus) {
    const std::string text = "id:6699 sub:001 dlvrd:001 submit date:2611220501 done date:2611220502 stat:UNDELIV "
                             "err:034 text:Hello";
    smpp::deliver_sm d;
    d.esm_class = 0x04;
    d.short_message = text;
    BOOST_TEST(is_receipt(d));
    auto r = read_receipt(d);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->message_id == "6699");
    BOOST_TEST((r->state == message_state::undeliverable));
    BOOST_TEST(r->err.value() == 34u);
    BOOST_TEST(r->text->text == "Hello");

    // TLVs win over the text.
    const std::string tlv_id = "1A2B";
    d.tlvs.push_back(smpp::tlv::cstring(smpp::tag::receipted_message_id, tlv_id));
    d.tlvs.push_back(smpp::tlv::u8(smpp::tag::message_state, 2));
    r = read_receipt(d);
    BOOST_TEST(r->message_id == "1A2B");
    BOOST_TEST((r->state == message_state::delivered));
    BOOST_TEST(r->err.value() == 34u);

    // No receipt text at all, esm_class 0: the TLV alone makes it a receipt;
    // err from network_error_code, an id without its NUL still read.
    smpp::deliver_sm t;
    t.short_message = "whatever the carrier writes";
    t.tlvs.push_back(smpp::tlv{smpp::tag::receipted_message_id, "abc"});
    t.tlvs.push_back(smpp::tlv::u8(smpp::tag::message_state, 5));
    t.tlvs.push_back(smpp::tlv{smpp::tag::network_error_code, std::string_view{"\x03\x00\x22", 3}});
    BOOST_TEST(is_receipt(t));
    r = read_receipt(t);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->message_id == "abc");
    BOOST_TEST((r->state == message_state::undeliverable));
    BOOST_TEST(r->err.value() == 0x22u);
    BOOST_TEST(!r->text);

    // An out-of-range message_state TLV falls back to the text.
    smpp::deliver_sm u;
    u.esm_class = 0x04 | 0x40 | 0x03; // other esm_class bits do not matter
    u.short_message = text;
    u.tlvs.push_back(smpp::tlv::u8(smpp::tag::message_state, 0));
    r = read_receipt(u);
    BOOST_REQUIRE(r);
    BOOST_TEST((r->state == message_state::undeliverable));

    // MO: not a receipt, even if the handset typed receipt-like text.
    smpp::deliver_sm mo;
    mo.short_message = text;
    BOOST_TEST(!is_receipt(mo));
    BOOST_TEST(!read_receipt(mo));
    mo.esm_class = 0x08; // SME delivery acknowledgement: not an SMSC receipt
    BOOST_TEST(!is_receipt(mo));
    mo.esm_class = 0x20; // intermediate notification: not 0x04 either
    BOOST_TEST(!is_receipt(mo));

    // data_sm: the text is in message_payload.
    smpp::data_sm ds;
    ds.esm_class = 0x04;
    ds.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, text});
    r = read_receipt(ds);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->message_id == "6699");
    BOOST_TEST(r->err.value() == 34u);
    // deliver_sm with an empty short_message and the text in message_payload.
    smpp::deliver_sm dp;
    dp.esm_class = 0x04;
    dp.tlvs.push_back(smpp::tlv{smpp::tag::message_payload, text});
    BOOST_TEST(read_receipt(dp)->message_id == "6699");
}

BOOST_AUTO_TEST_SUITE_END()
