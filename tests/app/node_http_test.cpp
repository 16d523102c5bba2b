// The HTTP send API on a whole node in-process: requests over a real socket
// to the admin listener, messages through the intake and the dispatcher to
// a carrier simulator. Checks what the carrier receives (parts with their
// header, data_coding, addresses), the ids answered, the state, history and
// receipt read back, the message log search, the node's refusals
// (unroutable, passive account, throughput, another account's message,
// body limit), the Kannel sendsms form, allowed_sources on HTTP and the
// admin role of account tokens.
#define BOOST_TEST_MODULE node_http
#include "app/http_node.hpp"
#include "app/exposition.hpp"
#include "app/metrics/node_metrics.hpp"

#include <set>

#include "sms/sms_text.hpp"

using namespace twinsms;
using namespace twinsms::test;
namespace json = boost::json;

BOOST_FIXTURE_TEST_CASE(a_long_gsm_text_reaches_the_carrier_in_parts_and_reads_back, http_node) {
    // 150 letters, then € across the first part boundary (septets 151-152
    // hold "xy", the pair would be 153-154), then more: 2 parts.
    const std::string text = std::string(150, 'a') + "xy€" + std::string(20, 'b');
    const auto r = post(send_token, json::serialize(json::value{{"from", "Shop"},
                                                                {"to", json::array{"+447700900001", "447700900002"}},
                                                                {"text", text},
                                                                {"receipt", true}}));
    BOOST_TEST_REQUIRE(r.status == 202u, r.body);
    const auto v = r.json();
    BOOST_TEST(v.at("parts").as_int64() == 2);
    BOOST_TEST(v.at("encoding").as_string() == "gsm");
    BOOST_TEST(v.at("messages").at(0).at("to").as_string() == "+447700900001");
    const auto first = ids_of(v, 0), second = ids_of(v, 1);
    BOOST_TEST_REQUIRE(first.size() == 2u);
    BOOST_TEST_REQUIRE(second.size() == 2u);
    // Answered after the commit: the store has every part already.
    for (const auto& id : {first[0], first[1], second[0], second[1]}) BOOST_TEST(stored(id).has_value(), id);

    wait_at_carrier(4);
    for (const auto* to : {"447700900001", "447700900002"}) {
        const auto got = at_carrier(to);
        BOOST_TEST_REQUIRE(got.size() == 2u);
        std::string septets;
        std::optional<std::uint16_t> ref;
        for (std::size_t i = 0; i < 2; ++i) {
            BOOST_TEST(got[i].data_coding == 0x00);
            BOOST_TEST(got[i].esm_class == 0x40);
            BOOST_TEST(got[i].source == "Shop");
            BOOST_TEST(got[i].source_ton == 5);
            const auto p = route::udh_part(got[i].short_message);
            BOOST_TEST_REQUIRE(p.has_value());
            BOOST_TEST(p->total == 2);
            BOOST_TEST(p->seq == i + 1);
            if (ref) BOOST_TEST(p->ref == *ref);
            ref = p->ref;
            septets += got[i].short_message.substr(6);
        }
        BOOST_TEST(got[0].short_message.size() == 6u + 152u); // the escape pair moved to part 2
        BOOST_TEST(got[1].short_message.substr(6, 2) == "\x1B\x65");
        BOOST_TEST(sms::to_utf8(sms::coding::gsm7, septets).value_or("") == text);
    }
    BOOST_TEST(at_carrier("447700900001")[0].dest_ton == 1); // "+": international
    BOOST_TEST(at_carrier("447700900002")[0].dest_ton == 0);

    // State, history and receipt once the carrier's receipt is committed
    // (the dispatcher's image, which GET shows, can be a commit ahead of
    // the history).
    store::message_id mid;
    BOOST_TEST_REQUIRE(store::message_id::parse(first[1], mid));
    run([&] {
        const auto m = node->message_store().get(mid);
        return m && m->state == store::msg_state::delivered;
    });
    const auto g = get(read_token, "/api/v1/messages/" + first[1]);
    BOOST_TEST_REQUIRE(g.status == 200u, g.body);
    const auto d = g.json();
    BOOST_TEST(d.at("id").as_string() == first[1]);
    BOOST_TEST(d.at("state").as_string() == "delivered");
    BOOST_TEST(d.at("final").as_bool());
    BOOST_TEST(d.at("to").as_string() == "447700900001");
    BOOST_TEST(d.at("encoding").as_string() == "gsm");
    BOOST_TEST(d.at("part").at("seq").as_int64() == 2);
    BOOST_TEST(d.at("part").at("total").as_int64() == 2);
    BOOST_TEST(d.at("receipt_requested").as_string() == "always");
    BOOST_TEST(d.at("carrier").as_string() == "sim");
    BOOST_TEST(d.at("receipt").at("state").as_string() == "delivered");
    BOOST_TEST(d.at("receipt").at("carrier").as_string() == "sim");
    const auto& h = d.at("history").as_array();
    BOOST_TEST_REQUIRE(h.size() >= 3u);
    BOOST_TEST(h.front().at("detail").as_string().find("http from acme") == 0u);
    BOOST_TEST(h.back().at("state").as_string() == "delivered");
    BOOST_TEST(http::parse_rfc3339(d.at("accepted_at").as_string()).has_value());
}

BOOST_FIXTURE_TEST_CASE(ucs2_and_binary_codings_at_the_carrier, http_node) {
    const auto u = post(send_token, R"({"to":"447700900010","text":"Привет 😀"})");
    BOOST_TEST_REQUIRE(u.status == 202u, u.body);
    BOOST_TEST(u.json().at("encoding").as_string() == "ucs2");
    const auto b = post(send_token, R"({"to":"447700900011","binary":"0605040b8423f0"})");
    BOOST_TEST_REQUIRE(b.status == 202u, b.body);
    const auto g = post(send_token, R"({"to":"447700900012","text":"plain","encoding":"ucs2","validity":600})");
    BOOST_TEST_REQUIRE(g.status == 202u, g.body);
    wait_at_carrier(3);
    const auto uc = at_carrier("447700900010").at(0);
    BOOST_TEST(uc.data_coding == 0x08);
    BOOST_TEST(uc.esm_class == 0x00);
    BOOST_TEST(sms::to_utf8(sms::coding::ucs2, uc.short_message).value_or("") == "Привет 😀");
    const auto bc = at_carrier("447700900011").at(0);
    BOOST_TEST(bc.data_coding == 0x04);
    BOOST_TEST(bc.short_message == std::string("\x06\x05\x04\x0b\x84\x23\xf0", 7));
    const auto gc = at_carrier("447700900012").at(0);
    BOOST_TEST(gc.data_coding == 0x08);
    // validity 600 s: the stored message expires about then.
    const auto m = stored(std::string{g.json().at("messages").at(0).at("message_ids").at(0).as_string()});
    BOOST_TEST_REQUIRE(m.has_value());
    BOOST_TEST(std::abs((m->expires_at - m->accepted_at) - 600'000) < 2'000);
}

BOOST_FIXTURE_TEST_CASE(refusals_from_the_node, http_node) {
    // No route for +33: nothing is stored or sent, also not for the routable one.
    const auto before = node->message_store().get_stats().messages;
    const auto u = post(send_token, R"({"to":["447700900020","33612345678"],"text":"x"})");
    BOOST_TEST(u.status == 422u);
    BOOST_TEST(u.error_code() == "unroutable");
    BOOST_TEST(node->message_store().get_stats().messages == before);
    // A passive account is not served here.
    const auto p = post(gamma_token, R"({"to":"447700900021","text":"x"})");
    BOOST_TEST(p.status == 503u);
    BOOST_TEST(p.error_code() == "account_inactive");
    // beta: 1 SMS/s, burst 2. Two parts pass, the next one does not.
    const auto b1 = post(beta_token, R"({"to":"447700900022","text":")" + std::string(200, 'z') + R"("})");
    BOOST_TEST(b1.status == 202u, b1.body);
    const auto b2 = post(beta_token, R"({"to":"447700900022","text":"again"})");
    BOOST_TEST(b2.status == 429u);
    BOOST_TEST(b2.error_code() == "throttled");
    // Messages are the account's own: beta (admin role) cannot read acme's.
    const auto a = post(send_token, R"({"to":"447700900023","text":"mine"})");
    BOOST_TEST_REQUIRE(a.status == 202u);
    const std::string id{a.json().at("messages").at(0).at("message_ids").at(0).as_string()};
    BOOST_TEST(get(beta_token, "/api/v1/messages/" + id).status == 404u);
    BOOST_TEST(get(read_token, "/api/v1/messages/" + id).status == 200u);
    BOOST_TEST(get(send_token, "/api/v1/messages/" + id).status == 403u); // no read role
    BOOST_TEST(get(read_token, "/api/v1/messages/not-an-id").error_code() == "invalid_id");
    BOOST_TEST(get(read_token, "/api/v1/messages/ffffffffffffff00").status == 404u);
    // The node admin token is not an account's.
    BOOST_TEST(post(profiles.node.admin.token, R"({"to":"447700900024","text":"x"})").status == 401u);
    // The body limit of the listener (64 KiB).
    const auto big = post(send_token, R"({"to":"447700900025","text":")" + std::string(70 * 1024, 'a') + R"("})");
    BOOST_TEST(big.status == 413u);
    BOOST_TEST(big.error_code() == "payload_too_large");
    // The admin API still answers beside it.
    BOOST_TEST(call("GET", "/api/v1/health").status == 200u);
}

BOOST_FIXTURE_TEST_CASE(message_log_search, http_node) {
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        const auto r = post(send_token, R"({"to":"447700900030","text":"n)" + std::to_string(i) + R"("})");
        BOOST_TEST_REQUIRE(r.status == 202u);
        ids.emplace_back(r.json().at("messages").at(0).at("message_ids").at(0).as_string());
    }
    BOOST_TEST_REQUIRE(post(send_token, R"({"to":"447700900031","text":"other"})").status == 202u);
    BOOST_TEST_REQUIRE(post(beta_token, R"({"to":"447700900030","text":"beta's"})").status == 202u);

    const auto all = get(read_token, "/api/v1/messages?number=%2B447700900030");
    BOOST_TEST_REQUIRE(all.status == 200u, all.body);
    const auto all_doc = all.json();
    const auto& ms = all_doc.at("messages").as_array();
    BOOST_TEST_REQUIRE(ms.size() == 3u); // acme's only, this number only
    BOOST_TEST(ms[0].at("id").as_string() == ids[2]); // newest first
    BOOST_TEST(ms[2].at("id").as_string() == ids[0]);
    BOOST_TEST(all.json().at("next").is_null());

    const auto page = get(read_token, "/api/v1/messages?number=447700900030&limit=2");
    BOOST_TEST(page.json().at("messages").as_array().size() == 2u);
    const std::string next{page.json().at("next").as_string()};
    const auto rest = get(read_token, "/api/v1/messages?number=447700900030&limit=2&before=" + next);
    BOOST_TEST_REQUIRE(rest.json().at("messages").as_array().size() == 1u);
    BOOST_TEST(rest.json().at("messages").at(0).at("id").as_string() == ids[0]);

    BOOST_TEST(get(read_token, "/api/v1/messages").json().at("messages").as_array().size() == 4u);
    const auto future = get(read_token, "/api/v1/messages?since=2999-01-01T00:00:00Z");
    BOOST_TEST(future.json().at("messages").as_array().empty());
    BOOST_TEST(future.json().at("next").is_null());
    BOOST_TEST(get(read_token, "/api/v1/messages?until=2000-01-01T00:00:00Z").json().at("messages").as_array().empty());
    BOOST_TEST(get(read_token, "/api/v1/messages?since=2000-01-01T00:00:00Z").json().at("messages").as_array().size() == 4u);
    // A window by acceptance time: since includes, until excludes (whatever
    // milliseconds the three got, the answers split them by them).
    std::vector<std::string> at;
    for (const auto& id : ids) at.emplace_back(get(read_token, "/api/v1/messages/" + id).json().at("accepted_at").as_string());
    const auto found = [&](const std::string& window) {
        std::set<std::string> out;
        const auto r = get(read_token, "/api/v1/messages?number=447700900030&" + window);
        BOOST_TEST_REQUIRE(r.status == 200u, r.body);
        const auto doc = r.json();
        for (const auto& m : doc.at("messages").as_array()) out.emplace(m.at("id").as_string());
        return out;
    };
    std::set<std::string> from_second, before_second;
    for (std::size_t i = 0; i < ids.size(); ++i) // one format: the strings compare as the times
        (at[i] >= at[1] ? from_second : before_second).insert(ids[i]);
    BOOST_TEST(from_second.count(ids[2]) == 1u);
    BOOST_TEST((found("since=" + at[1]) == from_second));
    BOOST_TEST((found("until=" + at[1]) == before_second));
    BOOST_TEST(get(read_token, "/api/v1/messages?limit=5000").error_code() == "invalid_parameter");
    BOOST_TEST(get(send_token, "/api/v1/messages").status == 403u);
}

BOOST_FIXTURE_TEST_CASE(kannel_sendsms_form, http_node) {
    const auto r = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&from=Shop&to=447700900040+447700900041"
                               "&text=Hello+%E2%82%AC&dlr-mask=1");
    BOOST_TEST_REQUIRE(r.status == 202u, r.body);
    BOOST_TEST(r.body == "0: Accepted for delivery");
    BOOST_TEST(r.header("content-type") == "text/html");
    const auto ids = r.header("x-twinsms-message-ids");
    BOOST_TEST(std::count(ids.begin(), ids.end(), ' ') == 1);
    wait_at_carrier(2);
    const auto got = at_carrier("447700900041").at(0);
    BOOST_TEST(got.short_message == "Hello \x1B\x65");
    BOOST_TEST(got.data_coding == 0x00);
    const auto m = stored(ids.substr(0, 16));
    BOOST_TEST_REQUIRE(m.has_value());

    // coding=2 with a UTF-8 charset, as a POST form.
    const auto p = call("POST", "/cgi-bin/sendsms", {"Content-Type: application/x-www-form-urlencoded"},
                        "username=acme&password=secret&to=447700900042&coding=2&charset=utf-8&text=%D0%96");
    BOOST_TEST_REQUIRE(p.status == 202u, p.body);
    wait_at_carrier(3);
    BOOST_TEST(at_carrier("447700900042").at(0).data_coding == 0x08);
    BOOST_TEST(at_carrier("447700900042").at(0).short_message == "\x04\x16");

    // Kannel's refusals.
    const auto wrong = call("GET", "/cgi-bin/sendsms?username=acme&password=nope&to=447700900043&text=x");
    BOOST_TEST(wrong.status == 403u);
    BOOST_TEST(wrong.body == "Authorization failed for sendsms");
    // beta has no sendsms: its SMPP password does not open the form.
    BOOST_TEST(call("GET", "/cgi-bin/sendsms?username=beta&password=pw2&to=447700900043&text=x").status == 403u);
    const auto unroutable = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=33612345678&text=x");
    BOOST_TEST(unroutable.status == 403u);
    BOOST_TEST(unroutable.body == "Not routable. Do not try again.");
    const auto missing = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&text=x");
    BOOST_TEST(missing.status == 400u);
    BOOST_TEST(missing.body == "Missing receiver number, rejected");
}

// acme may call from 10/8 only, beta from loopback: the accounts'
// allowed_sources hold for HTTP as for SMPP binds.
struct sources_node : http_node {
    sources_node() : http_node(false) {
        profiles.clients[0].account.allowed_sources = {*smpp::ip_range::parse("10.0.0.0/8")};
        profiles.clients[1].account.allowed_sources = {*smpp::ip_range::parse("127.0.0.0/8")};
        start_http();
    }
};

BOOST_FIXTURE_TEST_CASE(allowed_sources_hold_for_http, sources_node) {
    const auto before = node->message_store().get_stats().messages;
    const auto refused = post(send_token, R"({"to":"447700900050","text":"x"})");
    BOOST_TEST(refused.status == 403u);
    BOOST_TEST(refused.error_code() == "source_not_allowed");
    BOOST_TEST(get(read_token, "/api/v1/messages?to=447700900050").status == 403u);
    const auto form = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900050&text=x");
    BOOST_TEST(form.status == 403u);
    BOOST_TEST(form.body == "Authorization failed for sendsms");
    BOOST_TEST(node->message_store().get_stats().messages == before);
    const auto ok = post(beta_token, R"({"to":"447700900051","text":"x"})");
    BOOST_TEST(ok.status == 202u, ok.body);
    wait_at_carrier(1);
    BOOST_TEST(at_carrier("447700900051").size() == 1u);
}

// beta's token has the admin role: it runs the admin API like the node's
// admin token; acme's send and read tokens do not.
BOOST_FIXTURE_TEST_CASE(an_admin_role_token_runs_the_admin_api, http_node) {
    BOOST_TEST(get(beta_token, "/api/v1/status").status == 200u);
    BOOST_TEST(get(send_token, "/api/v1/status").status == 403u);
    BOOST_TEST(get(read_token, "/api/v1/status").status == 403u);
    const auto refused = call("POST", "/api/v1/profiles/gamma/activate", {"Authorization: Bearer " + read_token});
    BOOST_TEST(refused.status == 403u);
    BOOST_TEST(post(gamma_token, R"({"to":"447700900060","text":"x"})").error_code() == "account_inactive");
    const auto activated = call("POST", "/api/v1/profiles/gamma/activate", {"Authorization: Bearer " + beta_token});
    BOOST_TEST_REQUIRE(activated.status == 200u, activated.body);
    const auto sent = post(gamma_token, R"({"to":"447700900060","text":"x"})");
    BOOST_TEST(sent.status == 202u, sent.body);
    wait_at_carrier(1);
    BOOST_TEST(at_carrier("447700900060").size() == 1u);
}

// The same token from a source beta's account does not allow is refused.
struct admin_sources_node : http_node {
    admin_sources_node() : http_node(false) {
        profiles.clients[1].account.allowed_sources = {*smpp::ip_range::parse("10.0.0.0/8")};
        start_http();
    }
};

BOOST_FIXTURE_TEST_CASE(an_admin_role_token_from_a_refused_source, admin_sources_node) {
    BOOST_TEST(get(beta_token, "/api/v1/status").status == 403u);
    BOOST_TEST(get(profiles.node.admin.token, "/api/v1/status").status == 200u);
}

// The admin listener counts every response by HTTP code for /metrics, the
// refusals before an account is known among them.
BOOST_FIXTURE_TEST_CASE(responses_by_code_on_metrics, http_node) {
    BOOST_TEST(post(send_token, R"({"to":"447700900070","text":"x"})").status == 202u);
    BOOST_TEST(post(send_token, R"({"to":)").status == 400u);
    BOOST_TEST(post("not-a-known-token-000000", R"({"to":"447700900070","text":"x"})").status == 401u);
    BOOST_TEST(post("not-a-known-token-000000", R"({"to":"447700900070","text":"x"})").status == 401u);
    const auto e = parse(app::render_metrics(*node, nullptr, admin.get()));
    BOOST_TEST(e.errors.empty());
    BOOST_TEST(e.types.at("twinsms_admin_http_responses_total") == "counter");
    const auto count = [&](const char* code) {
        const auto* s = e.find("twinsms_admin_http_responses_total", {{"code", code}});
        return s ? s->value : -1.0;
    };
    BOOST_TEST(count("202") == 1.0);
    BOOST_TEST(count("400") == 1.0);
    BOOST_TEST(count("401") == 2.0);
    BOOST_TEST(count("500") == -1.0);
}
