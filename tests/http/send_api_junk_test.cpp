// The send API's parsers under random input: valid requests cut, spliced
// and sprinkled with random bytes, and JSON-looking fragments in random
// order. Each answer is an accepted request or a 400 with one of the stable
// codes and a message, never an exception; the Kannel form's refusals are
// Kannel's "..., rejected" texts. Fixed seeds: the same run every time.
#define BOOST_TEST_MODULE http_send_api_junk
#include <boost/test/unit_test.hpp>

#include <random>
#include <set>

#include "http/send_api.hpp"

using namespace twinsms::http;

namespace {

const std::set<std::string> request_codes{
    "bad_json",       "not_an_object",      "unknown_field",  "duplicate_field",       "missing_field",
    "invalid_field",  "conflicting_fields", "invalid_number", "invalid_sender",        "invalid_hex",
    "not_gsm",        "too_long",           "invalid_time",   "duplicate_destination", "too_many_destinations",
    "too_many_sms"};
const std::set<std::string> query_codes{"invalid_parameter", "unknown_parameter", "invalid_number", "invalid_time"};

// A valid input with some of its bytes changed, cut, repeated or added.
std::string mutate(std::mt19937& rng, std::string s, std::string_view alphabet) {
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
        const auto at = s.empty() ? 0 : rng() % (s.size() + 1);
        const auto c = rng() % 2 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
        switch (rng() % 5) {
        case 0: if (at < s.size()) s[at] = c; break;
        case 1: s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 2: s.erase(at, rng() % 8); break;
        case 3: s = s.substr(0, at); break;
        default: s.insert(at, s.substr(at, rng() % 16)); break;
        }
    }
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(random_json_bodies_are_accepted_or_400_with_a_stable_code) {
    std::mt19937 rng{20261203};
    const std::vector<std::string> valid{
        R"({"from":"Shop","to":["+447700900001","447700900002"],"text":"Hello €","receipt":true,"validity":3600,"schedule":"2030-01-02T03:04:05+01:00","encoding":"auto"})",
        R"({"to":"447700900001","binary":"0605040b8423f0","encoding":"binary"})",
        R"({"to":"447700900001","text":"日本語のテキスト","encoding":"ucs2","validity":1})",
        R"({"to":["447700900001"],"text":")" + std::string(400, 'a') + R"("})"};
    const std::vector<std::string> fragments{
        "{", "}", "[", "]", ",", ":", "\"to\"", "\"text\"", "\"binary\"", "\"from\"", "\"validity\"", "\"schedule\"",
        "\"encoding\"", "\"receipt\"", "\"x\"", "\"447700900001\"", "\"+4477\"", "\"gsm\"", "\"ucs2\"", "\"ab\"",
        "\"\\ud83d\\ude00\"", "\"\\u0000\"", "1", "-1", "1e308", "1e400", "18446744073709551616", "0.5", "true",
        "null", "\"2026-05-01T09:00:00Z\"", " ", "\"\xff\"", "\"€\""};
    std::size_t accepted = 0, refused = 0;
    std::set<std::string> seen;
    for (int round = 0; round < 20000; ++round) {
        std::string body;
        if (round % 2) body = mutate(rng, valid[rng() % valid.size()], "{}[],:\"\\0123456789+-eE.aftnrux ");
        else
            for (int n = 1 + static_cast<int>(rng() % 12); n > 0; --n) body += fragments[rng() % fragments.size()];
        std::variant<send_job, api_error> r;
        BOOST_REQUIRE_NO_THROW(r = parse_send_request(body, static_cast<std::uint8_t>(round)));
        if (const auto* e = std::get_if<api_error>(&r)) {
            ++refused;
            seen.insert(e->code);
            BOOST_REQUIRE_MESSAGE(e->status == 400u && request_codes.count(e->code) && !e->message.empty(),
                                  e->status << " " << e->code << " for " << body);
        } else {
            ++accepted;
            const auto& job = std::get<send_job>(r);
            BOOST_REQUIRE(!job.to.empty());
            BOOST_REQUIRE(job.parts.count() >= 1u);
            BOOST_REQUIRE(job.parts.count() * job.to.size() <= max_sms_per_request);
        }
    }
    BOOST_TEST(accepted > 100u); // some mutations keep the request valid
    BOOST_TEST(refused > 10000u);
    BOOST_TEST(seen.size() >= 8u, seen.size()); // and the refusals are not all one code
}

BOOST_AUTO_TEST_CASE(random_search_queries_are_accepted_or_400) {
    std::mt19937 rng{20261204};
    const std::string valid = "number=%2B447700900001&since=2026-01-01T00:00:00Z&until=2026-02-01T00:00:00Z&limit=5"
                              "&before=00000000000000ff";
    for (int round = 0; round < 20000; ++round) {
        const auto q = mutate(rng, valid, "&=%+0123456789abcdefT:Z-");
        std::variant<search_query, api_error> r;
        BOOST_REQUIRE_NO_THROW(r = parse_search_query(q));
        if (const auto* e = std::get_if<api_error>(&r))
            BOOST_REQUIRE_MESSAGE(e->status == 400u && query_codes.count(e->code) && !e->message.empty(),
                                  e->status << " " << e->code << " for " << q);
        else
            BOOST_REQUIRE(std::get<search_query>(r).limit >= 1u && std::get<search_query>(r).limit <= max_search_limit);
    }
}

BOOST_AUTO_TEST_CASE(random_sendsms_forms_are_accepted_or_rejected_like_kannel) {
    std::mt19937 rng{20261205};
    const std::string valid = "username=acme&password=secret&from=Shop&to=447700900001+%2B447700900002&text=Hi+%E2%82%AC"
                              "&charset=UTF-8&coding=0&dlr-mask=3&validity=10&deferred=5";
    std::size_t accepted = 0;
    for (int round = 0; round < 20000; ++round) {
        const auto f = mutate(rng, valid, "&=%+0123456789ABCDEF-");
        sendsms_form r;
        BOOST_REQUIRE_NO_THROW(r = parse_sendsms_form(f, static_cast<std::uint8_t>(round)));
        if (r.error) {
            BOOST_REQUIRE_MESSAGE(r.error->status == 400u && r.error->message.ends_with(", rejected"),
                                  r.error->status << " " << r.error->message << " for " << f);
        } else {
            ++accepted;
            BOOST_REQUIRE(!r.job.to.empty());
            BOOST_REQUIRE(r.job.parts.count() >= 1u);
        }
    }
    BOOST_TEST(accepted > 100u);
}
