// The HTTP front door on arbitrary input: Beast's request parser with the
// server's limits and our conversion of what it parsed (wire.hpp), then the
// send API's own parsers: the JSON body of POST /api/v1/messages, Kannel's
// sendsms form, the message search query, form decoding and RFC 3339 times.
// The first byte picks which. Properties beyond "no crash":
// - a job the API accepts respects its limits (1..1000 destinations of
//   3..15 digits, parts x destinations within one transaction, every part
//   within one SMS);
// - a time that parses formats to a string that parses to the same instant.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "fuzz_support.hpp"
#include "http/send_api.hpp"
#include "http/wire.hpp"

using namespace twinsms;
using namespace twinsms::http;

namespace {

void check_job(const send_job& j) {
    FUZZ_CHECK(!j.to.empty() && j.to.size() <= max_destinations, "1..max destinations");
    FUZZ_CHECK(j.parts.count() >= 1, "at least one part");
    FUZZ_CHECK(j.parts.count() * j.to.size() <= max_sms_per_request, "parts x destinations within a transaction");
    for (const auto& t : j.to)
        FUZZ_CHECK(t.digits.size() >= min_number_digits && t.digits.size() <= max_number_digits, "destination digits");
    // 140 octets, or 160 septets for GSM 03.38 sent unpacked (one per octet).
    const std::size_t room = j.parts.c == sms::coding::gsm7 ? 160 : 140;
    for (const auto& p : j.parts.short_messages) FUZZ_CHECK(p.size() <= room, "a part fits one SMS");
}

void parse_http(std::string_view raw) {
    namespace bhttp = boost::beast::http;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(8 * 1024);
    parser.body_limit(64 * 1024);
    parser.eager(true);
    boost::system::error_code ec;
    std::size_t used = 0;
    while (used < raw.size() && !parser.is_done()) {
        const auto n = parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
        if (ec == bhttp::error::need_more) break;
        if (ec) {
            if (is_protocol_error(ec)) {
                const auto r = protocol_error(ec);
                FUZZ_CHECK(r.status >= 400 && r.status < 500, "a malformed request is the client's error");
            }
            return;
        }
        if (n == 0) break;
        used += n;
    }
    if (!parser.is_done()) return;
    const auto req = to_request(parser.release(), "127.0.0.1:1", boost::asio::ip::make_address("127.0.0.1"));
    FUZZ_CHECK(req.path.find('?') == std::string::npos, "the path stops at the query");
    (void)response_head(response{}, 11, true);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::input in{{data, size}};
    const auto text = in.rest().text();
    switch (in.selector() % 6) {
    case 0: parse_http(text); break;
    case 1: {
        const auto r = parse_send_request(text, 7);
        if (const auto* j = std::get_if<send_job>(&r)) check_job(*j);
        break;
    }
    case 2: {
        const auto f = parse_sendsms_form(text, 9);
        if (!f.error) check_job(f.job);
        break;
    }
    case 3: (void)parse_search_query(text); break;
    case 4: (void)parse_form(text); break;
    case 5:
        if (const auto t = parse_rfc3339(text)) {
            const auto again = parse_rfc3339(format_rfc3339(*t));
            FUZZ_CHECK(again && *again == *t, "an instant formats and parses back");
        }
        break;
    }
    return 0;
}
