// Kannel 1.4 (bearerbox + smsbox, Debian package kannel) as an ESME of the
// gateway: it binds as an SMPP 3.4 transceiver, takes an SMS on smsbox's
// HTTP sendsms with a dlr-url, and we check that the message reached the
// carrier simulator as sent, that the carrier's receipt came back through
// the gateway to Kannel and that Kannel called the dlr-url with the right
// type: 8 (SMSC accepted) then 1 (delivered), or 2 for an undeliverable
// destination. And MO from the carrier reaches smsbox's sms-service.
// See kannel_fixture.hpp for the wiring; gateway_under_test.hpp says
// which gateway runs.
#define BOOST_TEST_MODULE interop_kannel_esme
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

#include "interop/kannel_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;
using std::chrono::seconds;

namespace {

// One dlr-url call, decoded. Kannel substitutes %d (type), %p (receiver),
// %P (sender), %F (the SMSC's message id: the one twinsmsd answered the
// submit_sm with, its own, not the carrier's) and %A (the SMSC's answer:
// "ACK/" for type 8, the receipt text for 1 and 2).
struct dlr_call {
    std::string tag;
    int type = -1;
    std::string to, from, id, answer;
};

std::vector<dlr_call> dlr_calls(const kannel_fixture& k, std::string_view tag) {
    std::vector<dlr_call> out;
    for (const auto& t : k.web_calls("/dlr")) {
        if (query_param(t, "tag").value_or("") != tag) continue;
        dlr_call c;
        c.tag = std::string{tag};
        c.type = std::atoi(query_param(t, "type").value_or("-1").c_str());
        c.to = query_param(t, "to").value_or("");
        c.from = query_param(t, "from").value_or("");
        c.id = query_param(t, "id").value_or("");
        c.answer = query_param(t, "answer").value_or("");
        out.push_back(std::move(c));
    }
    return out;
}

// twinsmsd's message ids: 16 hex digits.
bool is_node_id(std::string_view id) {
    return id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool has_type(const std::vector<dlr_call>& calls, int type) {
    return std::any_of(calls.begin(), calls.end(), [&](const dlr_call& c) { return c.type == type; });
}

std::string dlr_url(const kannel_fixture& k, std::string_view tag) {
    return k.web->base_url() + "/dlr?tag=" + std::string{tag} + "&type=%d&to=%p&from=%P&id=%F&answer=%A";
}

const sim::received_message* reached_carrier(const kannel_fixture& k, std::string_view destination) {
    for (const auto& m : k.carrier->messages())
        if (m.destination == destination) return &m;
    return nullptr;
}

// 1 delivered | 2 failed | 4 buffered | 8 SMSC accepted | 16 SMSC rejected
constexpr int all_dlr_types = 31;

} // namespace

BOOST_FIXTURE_TEST_CASE(sendsms_reaches_carrier_and_receipts_reach_dlr_url, kannel_fixture) {
    BOOST_REQUIRE_MESSAGE(wait_smsc_online(), "Kannel did not bind to the gateway; status page:\n" << admin_status());
    // Destinations under 4479990 get an UNDELIV receipt from the carrier.
    carrier->set_receipt_rule("4479990", {sim::final_state::undeliverable, 1});

    const std::string ok_to = "447700900123", ok_text = "Hello from Kannel via twinsms";
    const std::string bad_to = "447999000111", bad_text = "This one is undeliverable";
    auto r1 = sendsms("KANNEL", ok_to, ok_text, all_dlr_types, dlr_url(*this, "m1"));
    BOOST_REQUIRE_MESSAGE(r1.ok, r1.error);
    BOOST_TEST(r1.status == 202);
    BOOST_TEST(r1.body.starts_with("0: Accepted"), "sendsms answered: " << r1.body);
    auto r2 = sendsms("KANNEL", bad_to, bad_text, all_dlr_types, dlr_url(*this, "m2"));
    BOOST_REQUIRE_MESSAGE(r2.ok, r2.error);
    BOOST_TEST(r2.body.starts_with("0: Accepted"), "sendsms answered: " << r2.body);

    const bool final_dlrs = wait_for([&] {
        return has_type(dlr_calls(*this, "m1"), 1) && has_type(dlr_calls(*this, "m2"), 2);
    }, seconds(20));
    for (const auto& t : web_calls("/dlr")) BOOST_TEST_MESSAGE("dlr-url called: " << t);
    BOOST_TEST(final_dlrs, "no final DLRs within 20 s; status page:\n" << admin_status());

    // What reached the carrier, through Kannel and the gateway.
    BOOST_TEST(carrier->messages().size() == 2u);
    const auto* m1 = reached_carrier(*this, ok_to);
    const auto* m2 = reached_carrier(*this, bad_to);
    BOOST_REQUIRE(m1 != nullptr);
    BOOST_REQUIRE(m2 != nullptr);
    BOOST_TEST(m1->account == carrier_id);
    BOOST_TEST((m1->command == smpp::command_id::submit_sm));
    BOOST_TEST(m1->source == "KANNEL");
    BOOST_TEST(m1->source_ton == 5); // alphanumeric, as Kannel detects it
    BOOST_TEST(m1->dest_ton == 1);
    BOOST_TEST(m1->dest_npi == 1);
    BOOST_TEST(m1->text == ok_text);
    BOOST_TEST(m1->data_coding == 0);
    BOOST_TEST((m1->registered_delivery & 0x01) == 1); // Kannel asks for a receipt
    BOOST_TEST(m1->status == smpp::status::ok);
    BOOST_TEST(!m1->message_id.empty());
    BOOST_TEST(m2->text == bad_text);
    BOOST_TEST(carrier->counters().receipts_sent == 2u); // both taken by twinsmsd, which stores and forwards them

    // twinsmsd answers submit_sm with its own message id and sends Kannel
    // receipts naming that id (the carrier's stays inside the node). Kannel
    // reports the submit_sm_resp id with type 8 and the receipt's with 1
    // or 2, and only calls the dlr-url of a receipt it matched to its
    // submit: so one id per message, ours, and never the carrier's.
    const auto d1 = dlr_calls(*this, "m1");
    BOOST_REQUIRE(!d1.empty());
    BOOST_TEST(has_type(d1, 8)); // submit_sm_resp OK
    const std::string id1 = d1.front().id;
    BOOST_TEST(is_node_id(id1), "m1's id: " << id1);
    BOOST_TEST(id1 != m1->message_id);
    for (const auto& c : d1) {
        BOOST_TEST(c.to == ok_to);
        BOOST_TEST(c.from == "KANNEL");
        BOOST_TEST(c.id == id1);
        if (c.type == 1) BOOST_TEST(c.answer.find("stat:DELIVRD") != std::string::npos, c.answer);
    }
    BOOST_TEST(!has_type(d1, 2));
    BOOST_TEST(!has_type(d1, 16));
    const auto d2 = dlr_calls(*this, "m2");
    BOOST_REQUIRE(!d2.empty());
    BOOST_TEST(has_type(d2, 8));
    BOOST_TEST(!has_type(d2, 1));
    const std::string id2 = d2.front().id;
    BOOST_TEST(is_node_id(id2), "m2's id: " << id2);
    BOOST_TEST(id2 != id1);
    BOOST_TEST(id2 != m2->message_id);
    for (const auto& c : d2) {
        BOOST_TEST(c.id == id2);
        if (c.type == 2) BOOST_TEST(c.answer.find("stat:UNDELIV") != std::string::npos, c.answer);
    }
}

BOOST_FIXTURE_TEST_CASE(mo_from_carrier_reaches_sms_service, kannel_fixture) {
    BOOST_REQUIRE_MESSAGE(wait_smsc_online(), "Kannel did not bind to the gateway; status page:\n" << admin_status());
    carrier->send_mo(std::string{carrier_id}, "447700900555", "80080", "Hello Kannel from a handset");
    BOOST_TEST(wait_for([&] { return !web_calls("/mo").empty(); }, seconds(20)),
               "sms-service get-url not called; status page:\n" << admin_status());
    const auto calls = web_calls("/mo");
    BOOST_REQUIRE(calls.size() == 1u);
    BOOST_TEST_MESSAGE("get-url called: " << calls[0]);
    // The carrier sent the originator as international (TON 1): Kannel writes it with a '+'.
    BOOST_TEST(query_param(calls[0], "from").value_or("") == "+447700900555");
    BOOST_TEST(query_param(calls[0], "to").value_or("") == "80080");
    BOOST_TEST(query_param(calls[0], "text").value_or("") == "Hello Kannel from a handset");
    // The carrier had its deliver_sm_resp OK (twinsmsd answers once the MO is stored).
    BOOST_TEST(wait_for([&] { return carrier->counters().mo_sent == 1u; }, seconds(5)));
    BOOST_TEST(carrier->messages().empty()); // max-messages = 0: no reply SMS
}

namespace {
// The operator rules on: Kannel may send as KANNEL only, its handsets' STOP
// is kept and enforced, and the carrier wants national numbers.
struct kannel_rules_fixture : kannel_fixture {
    kannel_rules_fixture()
        : kannel_fixture("  senders: {allowed: [KANNEL]}\n"
                         "  opt_out: {}\n",
                         "  numbering: {country: \"44\", trunk: \"0\", format: national}\n") {}
};
} // namespace

BOOST_FIXTURE_TEST_CASE(with_operator_rules_on, kannel_rules_fixture) {
    BOOST_REQUIRE_MESSAGE(wait_smsc_online(), "Kannel did not bind to the gateway; status page:\n" << admin_status());
    // A handset sends STOP: it reaches Kannel's sms-service and puts the
    // handset on Kannel's account's opt-out list.
    carrier->send_mo(std::string{carrier_id}, "447700900555", "80080", "STOP");
    BOOST_REQUIRE_MESSAGE(wait_for([&] { return !web_calls("/mo").empty(); }, seconds(20)),
                          "sms-service get-url not called; status page:\n" << admin_status());
    BOOST_TEST(query_param(web_calls("/mo")[0], "text").value_or("") == "STOP");

    auto ok = sendsms("KANNEL", "447700900123", "rules on", all_dlr_types, dlr_url(*this, "r1"));
    BOOST_REQUIRE_MESSAGE(ok.ok, ok.error);
    BOOST_TEST(ok.body.starts_with("0: Accepted"), "sendsms answered: " << ok.body);
    auto sender = sendsms("OTHER", "447700900124", "not our sender", all_dlr_types, dlr_url(*this, "r2"));
    BOOST_REQUIRE_MESSAGE(sender.ok, sender.error);
    auto stopped = sendsms("KANNEL", "447700900555", "after STOP", all_dlr_types, dlr_url(*this, "r3"));
    BOOST_REQUIRE_MESSAGE(stopped.ok, stopped.error);
    // Kannel hears the refusals as NACKs (type 16) and the accepted one's
    // receipt (type 1), under the number it sent to.
    const bool dlrs = wait_for([&] {
        return has_type(dlr_calls(*this, "r1"), 1) && has_type(dlr_calls(*this, "r2"), 16) &&
               has_type(dlr_calls(*this, "r3"), 16);
    }, seconds(20));
    for (const auto& t : web_calls("/dlr")) BOOST_TEST_MESSAGE("dlr-url called: " << t);
    BOOST_TEST(dlrs, "not every DLR within 20 s; status page:\n" << admin_status());
    for (const auto& c : dlr_calls(*this, "r1")) BOOST_TEST(c.to == "447700900123");
    // Only the allowed one reached the carrier, in the carrier's numbering.
    BOOST_REQUIRE(carrier->messages().size() == 1u);
    const auto& m = carrier->messages().front();
    BOOST_TEST(m.destination == "07700900123");
    BOOST_TEST(m.dest_ton == 2); // national
    BOOST_TEST(m.source == "KANNEL");
}
