// The send API without a node: number and sender rules, every refusal of
// the JSON request and of the search query (by its stable code), RFC 3339
// times, the Kannel sendsms form and answers, and the endpoints' order of
// checks (credentials, role, media type, body, backend) against a fake
// backend through the router.
#define BOOST_TEST_MODULE http_send_api
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include "http/send_api.hpp"

using namespace twinsms;
using namespace twinsms::http;
namespace json = boost::json;

namespace {

api_error refusal(std::string_view body) {
    auto r = parse_send_request(body, 1);
    BOOST_TEST_REQUIRE(std::holds_alternative<api_error>(r), "accepted: " << body);
    return std::get<api_error>(r);
}
std::string code_of(std::string_view body) { return refusal(body).code; }

send_job accepted(std::string_view body, std::uint8_t ref = 1) {
    auto r = parse_send_request(body, ref);
    if (auto* e = std::get_if<api_error>(&r)) BOOST_TEST_FAIL(body << " refused: " << e->code << ": " << e->message);
    return std::get<send_job>(std::move(r));
}

sendsms_form form(std::string_view f) { return parse_sendsms_form(f, 9); }

std::string many(std::size_t n) {
    std::string s = "[";
    for (std::size_t i = 0; i < n; ++i) s += (i ? ",\"" : "\"") + std::to_string(447700000000 + i) + "\"";
    return s + "]";
}

// A backend that answers from tables and records what it was asked.
struct fake_backend final : send_backend {
    std::vector<std::pair<std::string, api_caller>> tokens{
        {"send-token-0123456789", {"acme", true, false, false}},
        {"read-token-0123456789", {"acme", false, true, false}},
        {"admin-token-0123456789", {"acme", true, true, true}}};
    std::optional<api_error> fail;
    std::vector<std::pair<api_caller, send_job>> submits;
    std::vector<std::string> looked_up;
    std::vector<search_query> searches;

    std::optional<api_caller> by_token(std::string_view t) override {
        for (const auto& [k, c] : tokens)
            if (k == t) return c;
        return std::nullopt;
    }
    std::optional<api_caller> by_login(std::string_view u, std::string_view p) override {
        if (u == "acme" && p == "secret") return api_caller{"acme", true, false, false};
        return std::nullopt;
    }
    // Set: the one address the accounts accept requests from.
    std::optional<boost::asio::ip::address> only_from;
    bool source_allowed(const api_caller&, const boost::asio::ip::address& remote) override {
        return !only_from || *only_from == remote;
    }
    void submit(const api_caller& who, send_job job, std::function<void(submit_result)> done) override {
        submits.emplace_back(who, job);
        submit_result r;
        r.error = fail;
        if (!fail)
            for (std::size_t d = 0; d < job.to.size(); ++d) {
                r.ids.emplace_back();
                for (std::size_t p = 0; p < job.parts.count(); ++p) r.ids.back().push_back("id" + std::to_string(d) + "." + std::to_string(p));
            }
        done(std::move(r));
    }
    std::variant<json::object, api_error> message(const api_caller&, std::string_view id) override {
        looked_up.emplace_back(id);
        if (id == "missing") return api_error{404, "not_found", "no such message"};
        return json::object{{"id", id}};
    }
    std::variant<json::object, api_error> search(const api_caller&, const search_query& q) override {
        searches.push_back(q);
        return json::object{{"messages", json::array{}}};
    }
};

struct routes_fixture {
    fake_backend backend;
    router r;
    routes_fixture() { add_send_routes(r, backend); }
    response call(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {},
                  std::string body = {}) {
        request q;
        q.method = std::move(method);
        q.target = target;
        const auto qm = target.find('?');
        q.path = target.substr(0, qm);
        if (qm != std::string::npos) q.query = target.substr(qm + 1);
        q.headers = std::move(headers);
        q.body = std::move(body);
        q.remote = "127.0.0.1:1";
        q.remote_address = boost::asio::ip::make_address("127.0.0.1");
        return r.dispatch(q);
    }
    response post(std::string token, std::string body, std::string type = "application/json") {
        return call("POST", "/api/v1/messages", {{"authorization", "Bearer " + token}, {"content-type", type}}, std::move(body));
    }
    static std::string code(const response& res) {
        auto v = json::parse(res.body);
        return std::string{v.at("error").at("code").as_string()};
    }
};

std::string header(const response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

} // namespace

BOOST_AUTO_TEST_CASE(numbers_and_senders) {
    const auto intl = parse_number("+447700900123");
    BOOST_TEST_REQUIRE(intl.has_value());
    BOOST_TEST(intl->digits == "447700900123");
    BOOST_TEST(intl->ton == 1);
    BOOST_TEST(intl->npi == 1);
    BOOST_TEST(intl->given == "+447700900123");
    BOOST_TEST(parse_number("07700900123")->ton == 0);
    BOOST_TEST(parse_number("123").has_value());
    BOOST_TEST(parse_number("123456789012345").has_value());
    for (const char* bad : {"", "+", "12", "+12", "1234567890123456", "44 7700", "+-447", "0x1234", "４４７７００", "447700900123\n"})
        BOOST_TEST(!parse_number(bad).has_value(), bad);

    BOOST_TEST(parse_sender("+4477")->ton == 1);
    BOOST_TEST(parse_sender("12345")->ton == 0);
    BOOST_TEST(parse_sender("1")->digits == "1");
    const auto alpha = parse_sender("My Shop 1");
    BOOST_TEST_REQUIRE(alpha.has_value());
    BOOST_TEST(alpha->ton == 5);
    BOOST_TEST(alpha->npi == 0);
    for (const char* bad : {"", "TooLongSender", "Shop\n", " Shop", "1234567890123456", "Shöp", "!!!"})
        BOOST_TEST(!parse_sender(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(a_valid_request) {
    auto j = accepted(R"({"from":"Shop","to":["+447700900001","447700900002"],"text":"Hello €","receipt":true,
                          "validity":3600,"schedule":"2030-01-02T03:04:05+01:00","encoding":"auto"})", 77);
    BOOST_TEST(j.from->digits == "Shop");
    BOOST_TEST(j.to.size() == 2u);
    BOOST_TEST((j.parts.c == sms::coding::gsm7));
    BOOST_TEST(j.parts.count() == 1u);
    BOOST_TEST(j.parts.short_messages[0] == std::string("Hello \x1B\x65"));
    BOOST_TEST(j.registered_delivery == 1);
    BOOST_TEST(*j.validity_s == 3600);
    BOOST_TEST(*j.schedule_ms == *parse_rfc3339("2030-01-02T02:04:05Z"));
    // One number as a string; a long UCS-2 text gets the reference we gave.
    auto l = accepted(R"({"to":"447700900001","text":")" + std::string(71, 'x') + "ж" + R"("})", 77);
    BOOST_TEST((l.parts.c == sms::coding::ucs2));
    BOOST_TEST(l.parts.count() == 2u);
    BOOST_TEST(l.parts.short_messages[0][3] == '\x4D'); // 77
    BOOST_TEST(l.registered_delivery == 0);
    BOOST_TEST(!l.from.has_value());
    // Binary, as hex.
    auto b = accepted(R"({"to":"447700900001","binary":"00ff1B"})");
    BOOST_TEST((b.parts.c == sms::coding::binary));
    BOOST_TEST(b.parts.short_messages[0] == std::string("\x00\xff\x1b", 3));
    BOOST_TEST((accepted(R"({"to":"447700900001","binary":"00","encoding":"binary"})").parts.c == sms::coding::binary));
    BOOST_TEST((accepted(R"({"to":"447700900001","text":"abc","encoding":"ucs2"})").parts.c == sms::coding::ucs2));
    BOOST_TEST(accepted(R"({"to":"447700900001","text":""})").parts.count() == 1u);
}

BOOST_AUTO_TEST_CASE(every_refusal_has_its_code) {
    const std::string to = R"("to":"447700900001")";
    BOOST_TEST(code_of("") == "bad_json");
    BOOST_TEST(code_of("{") == "bad_json");
    BOOST_TEST(code_of(R"({"to":"447700900001","text":"a",})") == "bad_json");
    BOOST_TEST(code_of("{\"to\":\"447700900001\",\"text\":\"\xff\"}") == "bad_json"); // not UTF-8
    BOOST_TEST(code_of(R"({"to":"447700900001","text":"\ud800"})") == "bad_json");  // a lone surrogate
    BOOST_TEST(code_of("[]") == "not_an_object");
    BOOST_TEST(code_of(R"("text")") == "not_an_object");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","priority":1})") == "unknown_field");
    BOOST_TEST(refusal("{" + to + R"(,"text":"a","Text":"b"})").message.find("'Text'") != std::string::npos);
    // A key given twice is refused (Boost.JSON would keep the last one), also spelled with an escape.
    BOOST_TEST(code_of(R"({"to":"447700900001","text":"a","to":"447700900002"})") == "duplicate_field");
    BOOST_TEST(refusal(R"({"to":"447700900001","text":"a","to":"447700900002"})").message.find("'to'") != std::string::npos);
    BOOST_TEST(code_of(R"({"to":"447700900001","text":"a","t\u006f":"447700900002"})") == "duplicate_field");
    BOOST_TEST(accepted(R"({"to":"447700900001","text":"to: \"x\":","from":"A"})").to.size() == 1u); // keys only
    BOOST_TEST(code_of(R"({"text":"a"})") == "missing_field");
    BOOST_TEST(code_of(R"({"to":[],"text":"a"})") == "missing_field");
    BOOST_TEST(code_of("{" + to + "}") == "missing_field");
    BOOST_TEST(code_of(R"({"to":447700900001,"text":"a"})") == "invalid_field");
    BOOST_TEST(code_of(R"({"to":["447700900001",2],"text":"a"})") == "invalid_field");
    BOOST_TEST(code_of(R"({"to":"44770090000x","text":"a"})") == "invalid_number");
    BOOST_TEST(code_of(R"({"to":["447700900001","12"],"text":"a"})") == "invalid_number");
    BOOST_TEST(code_of(R"({"to":"1234567890123456","text":"a"})") == "invalid_number");
    BOOST_TEST(code_of(R"({"to":["447700900001","447700900001"],"text":"a"})") == "duplicate_destination");
    BOOST_TEST(code_of(R"({"to":)" + many(max_destinations + 1) + R"(,"text":"a"})") == "too_many_destinations");
    BOOST_TEST(accepted(R"({"to":)" + many(max_destinations) + R"(,"text":"a"})").to.size() == max_destinations);
    BOOST_TEST(code_of("{" + to + R"(,"from":"WayTooLongSender","text":"a"})") == "invalid_sender");
    BOOST_TEST(code_of("{" + to + R"(,"from":5,"text":"a"})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"text":1})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","binary":"00"})") == "conflicting_fields");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","encoding":"binary"})") == "conflicting_fields");
    BOOST_TEST(code_of("{" + to + R"(,"binary":"00","encoding":"gsm"})") == "conflicting_fields");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","encoding":"latin1"})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","encoding":2})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"binary":"abc"})") == "invalid_hex");
    BOOST_TEST(code_of("{" + to + R"(,"binary":"zz"})") == "invalid_hex");
    BOOST_TEST(code_of("{" + to + R"(,"binary":1})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"text":"日本","encoding":"gsm"})") == "not_gsm");
    BOOST_TEST(code_of("{" + to + R"(,"text":")" + std::string(255 * 153 + 1, 'a') + R"("})") == "too_long");
    BOOST_TEST(code_of("{" + to + R"(,"binary":")" + std::string((255 * 134 + 1) * 2, 'a') + R"("})") == "too_long");
    // 10 000 SMS per request: 10 parts to 1000 destinations pass, 11 do not.
    BOOST_TEST(accepted(R"({"to":)" + many(1000) + R"(,"text":")" + std::string(10 * 153, 'a') + R"("})").parts.count() == 10u);
    BOOST_TEST(code_of(R"({"to":)" + many(1000) + R"(,"text":")" + std::string(10 * 153 + 1, 'a') + R"("})") == "too_many_sms");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","receipt":"yes"})") == "invalid_field");
    BOOST_TEST(code_of("{" + to + R"(,"text":"a","receipt":1})") == "invalid_field");
    // SMPP's registered_delivery by name: a receipt always, on failure only, never.
    BOOST_TEST(accepted("{" + to + R"(,"text":"a","receipt":"always"})").registered_delivery == 1);
    BOOST_TEST(accepted("{" + to + R"(,"text":"a","receipt":"failure"})").registered_delivery == 2);
    BOOST_TEST(accepted("{" + to + R"(,"text":"a","receipt":"none"})").registered_delivery == 0);
    BOOST_TEST(accepted("{" + to + R"(,"text":"a","receipt":false})").registered_delivery == 0);
    for (const char* v : {"0", "-1", "1.5", "\"60\"", "31536001", "1e3", "true", "18446744073709551615"})
        BOOST_TEST(code_of("{" + to + R"(,"text":"a","validity":)" + v + "}") == "invalid_field", v);
    for (const char* t : {"\"tomorrow\"", "\"2026-02-30T00:00:00Z\"", "\"2026-01-01T00:00:00\"", "1700000000", "\"2026-01-01T24:00:00Z\""})
        BOOST_TEST(code_of("{" + to + R"(,"text":"a","schedule":)" + t + "}") == "invalid_time", t);
    // Every refusal is a 400 with a message.
    BOOST_TEST(refusal("{").status == 400u);
    BOOST_TEST(!refusal("{").message.empty());
}

BOOST_AUTO_TEST_CASE(rfc3339_times) {
    BOOST_TEST(*parse_rfc3339("1970-01-01T00:00:00Z") == 0);
    BOOST_TEST(*parse_rfc3339("2026-05-01T09:00:00Z") == 1777626000000);
    BOOST_TEST(*parse_rfc3339("2026-05-01T10:30:00+01:30") == 1777626000000);
    BOOST_TEST(*parse_rfc3339("2026-05-01t09:00:00.25z") == 1777626000250);
    BOOST_TEST(*parse_rfc3339("2026-05-01 09:00:00.123456-00:00") == 1777626000123);
    BOOST_TEST(*parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800000);
    BOOST_TEST(*parse_rfc3339("2016-12-31T23:59:60Z") == *parse_rfc3339("2016-12-31T23:59:59Z")); // leap second
    for (const char* bad : {"", "2026-05-01", "2026-05-01T09:00:00", "2026-05-01T09:00Z", "2026-13-01T00:00:00Z",
                            "2026-00-10T00:00:00Z", "2025-02-29T00:00:00Z", "2026-05-01T09:00:00.Z",
                            "2026-05-01T09:00:00+0100", "2026-05-01T09:00:00+24:00", "2026/05/01T09:00:00Z",
                            "2026-05-01T09:00:00Zx", "2026-05-01T09:60:00Z"})
        BOOST_TEST(!parse_rfc3339(bad).has_value(), bad);
    BOOST_TEST(format_rfc3339(1777626000250) == "2026-05-01T09:00:00.250Z");
    BOOST_TEST(format_rfc3339(0) == "1970-01-01T00:00:00.000Z");
    BOOST_TEST(format_rfc3339(-1) == "1969-12-31T23:59:59.999Z");
    for (std::int64_t t : {951782400000LL, 1709164800123LL, 4102444799999LL})
        BOOST_TEST(*parse_rfc3339(format_rfc3339(t)) == t);
}

BOOST_AUTO_TEST_CASE(search_query_and_its_refusals) {
    auto ok = parse_search_query("number=%2B447700900001&since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z&limit=5&before=00000000000000ff");
    BOOST_TEST_REQUIRE(std::holds_alternative<search_query>(ok));
    const auto& q = std::get<search_query>(ok);
    BOOST_TEST(q.number->digits == "447700900001");
    BOOST_TEST(*q.since_ms == *parse_rfc3339("2026-01-01T00:00:00Z"));
    BOOST_TEST(q.limit == 5u);
    BOOST_TEST(q.before == "00000000000000ff");
    BOOST_TEST(std::get<search_query>(parse_search_query("")).limit == 100u);
    const auto code = [](std::string_view s) {
        auto r = parse_search_query(s);
        return std::holds_alternative<api_error>(r) ? std::get<api_error>(r).code : std::string{"(accepted)"};
    };
    BOOST_TEST(code("number=12") == "invalid_number");
    BOOST_TEST(code("since=yesterday") == "invalid_time");
    BOOST_TEST(code("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z") == "invalid_time");
    BOOST_TEST(code("limit=0") == "invalid_parameter");
    BOOST_TEST(code("limit=1001") == "invalid_parameter");
    BOOST_TEST(code("limit=ten") == "invalid_parameter");
    BOOST_TEST(code("limit=99999999999999999999") == "invalid_parameter");
    BOOST_TEST(code("limit=5&limit=6") == "invalid_parameter");
    BOOST_TEST(code("before=") == "invalid_parameter");
    BOOST_TEST(code("number=%4") == "invalid_parameter");
    BOOST_TEST(code("page=2") == "unknown_parameter");
}

BOOST_AUTO_TEST_CASE(form_decoding) {
    auto f = parse_form("a=1+2&b=%2B44&c&&d=%e2%82%ac&e=");
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST(f->size() == 5u);
    BOOST_TEST((*f)[0].second == "1 2");
    BOOST_TEST((*f)[1].second == "+44");
    BOOST_TEST((*f)[2].first == "c");
    BOOST_TEST((*f)[3].second == "€");
    BOOST_TEST((*f)[4].second.empty());
    for (const char* bad : {"a=%", "a=%4", "a=%zz", "%=1"}) BOOST_TEST(!parse_form(bad).has_value(), bad);
}

// Characters a URL may not hold come through as written (a posted form from
// curl -d), repeated keys stay in order, and only '+' in a form is a space.
BOOST_AUTO_TEST_CASE(form_takes_raw_characters_and_repeated_keys) {
    auto f = parse_form("text=caf\xc3\xa9 au lait&to=1&to=2&=x");
    BOOST_TEST_REQUIRE(f.has_value());
    BOOST_TEST_REQUIRE(f->size() == 4u);
    BOOST_TEST((*f)[0].second == "caf\xc3\xa9 au lait");
    BOOST_TEST((*f)[1].second == "1");
    BOOST_TEST((*f)[2].second == "2");
    BOOST_TEST((*f)[3].first.empty());
    BOOST_TEST((*f)[3].second == "x");
}

BOOST_AUTO_TEST_CASE(kannel_form_fields) {
    auto f = form("username=acme&password=secret&from=Shop&to=447700900001+%2B447700900002&text=Hi+there&dlr-mask=3"
                  "&validity=10&deferred=5&smsc=ignored&dlr-url=http%3A%2F%2Fx");
    BOOST_TEST_REQUIRE(!f.error.has_value());
    BOOST_TEST(f.username == "acme");
    BOOST_TEST(f.password == "secret");
    BOOST_TEST(f.job.to.size() == 2u);
    BOOST_TEST(f.job.to[1].ton == 1);
    BOOST_TEST(f.job.parts.short_messages[0] == "Hi there");
    BOOST_TEST(f.job.registered_delivery == 1);
    BOOST_TEST(*f.job.validity_s == 600);
    BOOST_TEST(*f.job.defer_s == 300);
    BOOST_TEST(form("user=a&pass=b&to=447700900001").username == "a"); // Kannel's short names
    BOOST_TEST(form("to=447700900001&dlrmask=2").job.registered_delivery == 2);
    BOOST_TEST(form("to=447700900001&dlr-mask=24").job.registered_delivery == 0); // SMSC-level only
    // Codings and charsets: UTF-8 by default, UTF-16BE by default for coding 2.
    BOOST_TEST((form("to=447700900001&text=%E2%82%AC").job.parts.c == sms::coding::gsm7));
    BOOST_TEST((form("to=447700900001&text=%E6%97%A5").job.parts.c == sms::coding::ucs2));
    const auto ucs2 = form("to=447700900001&coding=2&text=%00A%20%AC");
    BOOST_TEST_REQUIRE(!ucs2.error.has_value());
    BOOST_TEST(ucs2.job.parts.short_messages[0] == std::string("\x00\x41\x20\xAC", 4));
    BOOST_TEST(form("to=447700900001&coding=2&charset=utf-8&text=%E2%82%AC").job.parts.short_messages[0] == "\x20\xAC");
    BOOST_TEST(form("to=447700900001&charset=ISO-8859-1&text=%E9").job.parts.short_messages[0] == "\x05"); // é in GSM
    const auto bin = form("to=447700900001&coding=1&text=%00%FF");
    BOOST_TEST((bin.job.parts.c == sms::coding::binary));
    BOOST_TEST(bin.job.parts.short_messages[0] == std::string("\x00\xFF", 2));
    // One receiver given twice is sent once.
    BOOST_TEST(form("to=447700900001+447700900001").job.to.size() == 1u);
}

BOOST_AUTO_TEST_CASE(kannel_form_refusals) {
    const auto text = [](std::string_view f) {
        auto r = form(f);
        return r.error ? std::to_string(r.error->status) + " " + r.error->message : std::string{"(accepted)"};
    };
    BOOST_TEST(text("username=a") == "400 Missing receiver number, rejected");
    BOOST_TEST(text("to=") == "400 Empty receiver number not allowed, rejected");
    BOOST_TEST(text("to=+++") == "400 Empty receiver number not allowed, rejected");
    BOOST_TEST(text("to=4477x") == "400 Receiver number '4477x' misformed, rejected");
    BOOST_TEST(text("to=447700900001&from=WayTooLongSender") == "400 Sender field misformed, rejected");
    BOOST_TEST(text("to=447700900001&udh=%06%05%04") == "400 UDH field is not supported here, rejected");
    BOOST_TEST(text("to=447700900001&coding=3") == "400 Coding field misformed, rejected");
    BOOST_TEST(text("to=447700900001&coding=x") == "400 Coding field misformed, rejected");
    BOOST_TEST(text("to=447700900001&charset=koi8-r&text=a") == "400 Charset or body misformed, rejected");
    BOOST_TEST(text("to=447700900001&coding=2&text=%00") == "400 Charset or body misformed, rejected"); // odd UTF-16
    BOOST_TEST(text("to=447700900001&text=%FF") == "400 Charset or body misformed, rejected");         // not UTF-8
    BOOST_TEST(text("to=447700900001&coding=0&text=%E6%97%A5").find("400 Text not in the GSM 03.38 alphabet") == 0);
    BOOST_TEST(text("to=447700900001&dlr-mask=64") == "400 DLR-Mask field misformed, rejected");
    BOOST_TEST(text("to=447700900001&dlr-mask=1x") == "400 DLR-Mask field misformed, rejected");
    BOOST_TEST(text("to=447700900001&validity=-2") == "400 Validity field misformed, rejected");
    BOOST_TEST(text("to=447700900001&deferred=x") == "400 Deferred field misformed, rejected");
    BOOST_TEST(text("to=447700900001&coding=1&text=" + std::string(255 * 134 + 1, 'a')).find("400 Message too long") == 0);
    BOOST_TEST(text("to=%4") == "400 Malformed %-escape in the request, rejected");
    std::string many_to = "to=";
    for (int i = 0; i < 40; ++i) many_to += std::to_string(447700900100 + i) + "+";
    BOOST_TEST(text(many_to + "&text=" + std::string(255 * 153, 'a')) == "400 Too many messages, rejected");
}

BOOST_FIXTURE_TEST_CASE(credentials_and_roles_come_first, routes_fixture) {
    const std::string body = R"({"to":"447700900001","text":"hi"})";
    auto none = call("POST", "/api/v1/messages", {{"content-type", "application/json"}}, body);
    BOOST_TEST(none.status == 401u);
    BOOST_TEST(code(none) == "unauthorized");
    BOOST_TEST(header(none, "WWW-Authenticate") == R"(Bearer realm="twinsms")");
    auto basic = call("POST", "/api/v1/messages", {{"authorization", "Basic YTpi"}}, body);
    BOOST_TEST(basic.status == 401u);
    auto unknown = post("no-such-token-0123456789", body);
    BOOST_TEST(unknown.status == 401u);
    BOOST_TEST(code(unknown) == "invalid_token");
    BOOST_TEST(header(unknown, "WWW-Authenticate").find("invalid_token") != std::string::npos);
    auto reader = post("read-token-0123456789", body);
    BOOST_TEST(reader.status == 403u);
    BOOST_TEST(code(reader) == "forbidden");
    // Refused before the body is looked at: even a bad body gets 401/403.
    BOOST_TEST(post("read-token-0123456789", "{").status == 403u);
    BOOST_TEST(call("POST", "/api/v1/messages", {}, "{").status == 401u);
    BOOST_TEST(backend.submits.empty());
    // The read endpoints want the read role; admin has both.
    BOOST_TEST(call("GET", "/api/v1/messages/x", {{"authorization", "Bearer send-token-0123456789"}}).status == 403u);
    BOOST_TEST(call("GET", "/api/v1/messages", {{"authorization", "Bearer send-token-0123456789"}}).status == 403u);
    BOOST_TEST(call("GET", "/api/v1/messages/x", {{"authorization", "bearer  admin-token-0123456789 "}}).status == 200u);
    BOOST_TEST(post("admin-token-0123456789", body).status == 202u);
}

BOOST_FIXTURE_TEST_CASE(send_answers_after_the_backend, routes_fixture) {
    auto wrong_type = post("send-token-0123456789", R"({"to":"447700900001","text":"hi"})", "text/plain");
    BOOST_TEST(wrong_type.status == 415u);
    BOOST_TEST(code(wrong_type) == "unsupported_media_type");
    BOOST_TEST(code(post("send-token-0123456789", "{}")) == "missing_field");
    BOOST_TEST(backend.submits.empty());

    auto ok = post("send-token-0123456789", R"({"to":["+447700900001","447700900002"],"text":")" + std::string(200, 'a') + R"("})",
                   "Application/JSON; charset=utf-8");
    BOOST_TEST(ok.status == 202u);
    const auto v = json::parse(ok.body);
    BOOST_TEST(v.at("parts").as_int64() == 2);
    BOOST_TEST(v.at("encoding").as_string() == "gsm");
    BOOST_TEST(v.at("messages").as_array().size() == 2u);
    BOOST_TEST(v.at("messages").at(0).at("to").as_string() == "+447700900001");
    BOOST_TEST(v.at("messages").at(1).at("message_ids").at(1).as_string() == "id1.1");
    BOOST_TEST_REQUIRE(backend.submits.size() == 1u);
    BOOST_TEST(backend.submits[0].first.system_id == "acme");
    BOOST_TEST(backend.submits[0].second.parts.count() == 2u);
    // Consecutive long messages get different references.
    post("send-token-0123456789", R"({"to":"447700900001","text":")" + std::string(200, 'a') + R"("})");
    BOOST_TEST(backend.submits[1].second.parts.short_messages[0][3] != backend.submits[0].second.parts.short_messages[0][3]);

    backend.fail = api_error{422, "unroutable", "no route"};
    auto unroutable = post("send-token-0123456789", R"({"to":"447700900001","text":"hi"})");
    BOOST_TEST(unroutable.status == 422u);
    BOOST_TEST(code(unroutable) == "unroutable");
}

BOOST_FIXTURE_TEST_CASE(reads_pass_through, routes_fixture) {
    const std::vector<std::pair<std::string, std::string>> auth{{"authorization", "Bearer read-token-0123456789"}};
    BOOST_TEST(call("GET", "/api/v1/messages/00000000000000a1", auth).body == R"({"id":"00000000000000a1"})");
    auto missing = call("GET", "/api/v1/messages/missing", auth);
    BOOST_TEST(missing.status == 404u);
    BOOST_TEST(code(missing) == "not_found");
    BOOST_TEST(call("GET", "/api/v1/messages?number=447700900001&limit=3", auth).status == 200u);
    BOOST_TEST_REQUIRE(backend.searches.size() == 1u);
    BOOST_TEST(backend.searches[0].limit == 3u);
    auto bad = call("GET", "/api/v1/messages?limit=0", auth);
    BOOST_TEST(bad.status == 400u);
    BOOST_TEST(code(bad) == "invalid_parameter");
    BOOST_TEST(backend.searches.size() == 1u);
    BOOST_TEST(call("DELETE", "/api/v1/messages/1", auth).status == 405u);
}

BOOST_FIXTURE_TEST_CASE(sendsms_like_kannel, routes_fixture) {
    auto ok = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900001+447700900002&text=hi");
    BOOST_TEST(ok.status == 202u);
    BOOST_TEST(ok.body == "0: Accepted for delivery");
    BOOST_TEST(ok.content_type == "text/html");
    BOOST_TEST(header(ok, "X-Twinsms-Message-Ids") == "id0.0 id1.0");
    // Kannel checks the login before the fields.
    auto denied = call("GET", "/cgi-bin/sendsms?username=acme&password=wrong&text=hi");
    BOOST_TEST(denied.status == 403u);
    BOOST_TEST(denied.body == "Authorization failed for sendsms");
    auto missing = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&text=hi");
    BOOST_TEST(missing.status == 400u);
    BOOST_TEST(missing.body == "Missing receiver number, rejected");
    // POST: form body, query parameters too.
    auto post_ok = call("POST", "/cgi-bin/sendsms?username=acme", {{"content-type", "application/x-www-form-urlencoded"}},
                        "password=secret&to=447700900001&text=hello");
    BOOST_TEST(post_ok.status == 202u);
    BOOST_TEST(backend.submits.back().second.parts.short_messages[0] == "hello");
    BOOST_TEST(call("POST", "/cgi-bin/sendsms", {{"content-type", "text/xml"}}, "<x/>").status == 415u);
    // The backend's refusals in Kannel's words.
    backend.fail = api_error{422, "unroutable", "no route"};
    auto unroutable = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900001&text=hi");
    BOOST_TEST(unroutable.status == 403u);
    BOOST_TEST(unroutable.body == "Not routable. Do not try again.");
    for (unsigned st : {429u, 503u, 507u}) {
        backend.fail = api_error{st, "x", "y"};
        auto busy = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900001&text=hi");
        BOOST_TEST(busy.status == 503u);
        BOOST_TEST(busy.body == "Temporal failure, try again later.");
    }
    BOOST_TEST(call("PUT", "/cgi-bin/sendsms").status == 405u);
}

BOOST_FIXTURE_TEST_CASE(allowed_sources_apply_to_tokens_and_logins, routes_fixture) {
    backend.only_from = boost::asio::ip::make_address("127.0.0.1");
    const std::string body = R"({"from":"Shop","to":"447700900001","text":"hi"})";
    BOOST_TEST(post("send-token-0123456789", body).status == 202u);
    BOOST_TEST(call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900001&text=hi").status == 202u);
    BOOST_TEST(backend.submits.size() == 2u);

    backend.only_from = boost::asio::ip::make_address("10.1.2.3");
    const auto json_refused = post("send-token-0123456789", body);
    BOOST_TEST(json_refused.status == 403u);
    BOOST_TEST(code(json_refused) == "source_not_allowed");
    BOOST_TEST(call("GET", "/api/v1/messages/m1", {{"authorization", "Bearer read-token-0123456789"}}).status == 403u);
    const auto form_refused = call("GET", "/cgi-bin/sendsms?username=acme&password=secret&to=447700900001&text=hi");
    BOOST_TEST(form_refused.status == 403u);
    BOOST_TEST(form_refused.body == "Authorization failed for sendsms");
    // A wrong token is still 401: the source is judged only for known credentials.
    BOOST_TEST(post("no-such-token-0000000000", body).status == 401u);
    BOOST_TEST(backend.submits.size() == 2u);
    BOOST_TEST(backend.looked_up.empty());
}
