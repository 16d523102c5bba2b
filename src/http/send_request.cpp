// POST /api/v1/messages and GET /api/v1/messages?...: what we accept, and
// the stable codes of what we refuse (all 400):
//
//   bad_json              not JSON (or not UTF-8)            not_an_object   the body is not a JSON object
//   unknown_field         a key we do not know               missing_field   no "to", or neither text nor binary
//   duplicate_field       a key given twice
//   invalid_field         a value of the wrong type/range    conflicting_fields  text and binary, or an
//   invalid_number        a destination or search number                         encoding that does not fit
//   invalid_sender        "from"                             invalid_hex     "binary" is not hex octets
//   duplicate_destination the same number twice              too_many_destinations  over max_destinations
//   not_gsm               encoding gsm, a character is not   too_long        more than 255 parts
//                         in the alphabet                    invalid_time    "schedule", since, until
//   too_many_sms          parts x destinations over max_sms_per_request
//   unknown_parameter     a query parameter we do not know   invalid_parameter  a bad limit or before
#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/pct_string_view.hpp>

#include "http/send_api.hpp"

namespace twinsms::http {
namespace {

namespace json = boost::json;

api_error bad(std::string code, std::string message) { return {400, std::move(code), std::move(message)}; }

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> from_hex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    std::string out;
    out.reserve(s.size() / 2);
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>(hi * 16 + lo);
    }
    return out;
}

std::string quoted(std::string_view s) {
    std::string q{s.substr(0, 40)};
    for (auto& c : q)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    return "'" + q + (s.size() > 40 ? "...'" : "'");
}

std::optional<api_error> read_destinations(const json::value& v, send_job& job) {
    std::vector<const json::value*> items;
    if (v.is_string()) items.push_back(&v);
    else if (v.is_array()) for (const auto& x : v.as_array()) items.push_back(&x);
    else return bad("invalid_field", "to: expected a number as a string, or an array of them");
    if (items.empty()) return bad("missing_field", "to: at least one destination");
    if (items.size() > max_destinations)
        return bad("too_many_destinations", "to: at most " + std::to_string(max_destinations) + " destinations");
    for (const auto* x : items) {
        if (!x->is_string()) return bad("invalid_field", "to: every destination is a string");
        const std::string_view s = x->as_string();
        auto a = parse_number(s);
        if (!a)
            return bad("invalid_number", "to: " + quoted(s) + " is not a number (optional '+', " +
                                             std::to_string(min_number_digits) + " to " +
                                             std::to_string(max_number_digits) + " digits)");
        for (const auto& o : job.to)
            if (o.digits == a->digits && o.ton == a->ton)
                return bad("duplicate_destination", "to: " + quoted(s) + " is listed twice");
        job.to.push_back(std::move(*a));
    }
    return std::nullopt;
}

// The top-level keys of a text that parsed as a JSON object, as written
// (escapes kept). Boost.JSON keeps the last of repeated keys silently; a
// request naming "to" twice is ambiguous, so the caller refuses it.
std::vector<std::string_view> top_level_keys(std::string_view s) {
    std::vector<std::string_view> keys;
    int depth = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') --depth;
        else if (c == '"') {
            const auto begin = i + 1;
            for (++i; i < s.size() && s[i] != '"'; ++i)
                if (s[i] == '\\') ++i;
            auto j = i + 1;
            while (j < s.size() && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
            if (depth == 1 && j < s.size() && s[j] == ':') keys.push_back(s.substr(begin, i - begin));
        }
    }
    return keys;
}

} // namespace

response to_response(const api_error& e) {
    auto r = json_error(e.status, e.code, e.message);
    if (e.retry_after) r.headers.emplace_back("Retry-After", std::to_string(e.retry_after));
    return r;
}

std::optional<sms_address> parse_number(std::string_view s) {
    sms_address a;
    a.given = std::string{s};
    const bool plus = !s.empty() && s.front() == '+';
    if (plus) s.remove_prefix(1);
    if (!all_digits(s) || s.size() < min_number_digits || s.size() > max_number_digits) return std::nullopt;
    a.digits = std::string{s};
    a.ton = plus ? 1 : 0; // international, or unknown (national or short code, as the carrier reads it)
    a.npi = 1;            // ISDN/E.164
    return a;
}

std::optional<sms_address> parse_sender(std::string_view s) {
    const bool plus = !s.empty() && s.front() == '+';
    if (all_digits(plus ? s.substr(1) : s)) {
        if (s.size() - plus > max_number_digits) return std::nullopt;
        sms_address a{std::string{plus ? s.substr(1) : s}, static_cast<std::uint8_t>(plus ? 1 : 0), 1, std::string{s}};
        return a;
    }
    const bool printable = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7F; });
    const bool letter = std::any_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
    if (s.empty() || s.size() > 11 || !printable || !letter || s.front() == ' ') return std::nullopt;
    return sms_address{std::string{s}, 5, 0, std::string{s}}; // alphanumeric
}

std::variant<send_job, api_error> parse_send_request(std::string_view body, std::uint8_t ref) {
    boost::system::error_code ec;
    const json::value doc = json::parse(body, ec);
    if (ec) return bad("bad_json", "the body is not valid JSON: " + ec.message());
    if (!doc.is_object()) return bad("not_an_object", "the body is a JSON object: {\"to\": ..., \"text\": ...}");
    const auto& o = doc.as_object();
    if (const auto keys = top_level_keys(body); keys.size() != o.size()) {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (std::find(keys.begin() + static_cast<std::ptrdiff_t>(i) + 1, keys.end(), keys[i]) != keys.end())
                return bad("duplicate_field", "field " + quoted(keys[i]) + " is given twice");
        return bad("duplicate_field", "a field is given twice (once with escapes)");
    }
    static constexpr std::string_view known[] = {"from", "to", "text", "binary", "encoding", "receipt", "validity", "schedule"};
    for (const auto& kv : o)
        if (std::find(std::begin(known), std::end(known), kv.key()) == std::end(known))
            return bad("unknown_field", "unknown field " + quoted(kv.key()) +
                                            "; known: from, to, text, binary, encoding, receipt, validity, schedule");
    send_job job;
    if (const auto* f = o.if_contains("from")) {
        if (!f->is_string()) return bad("invalid_field", "from: expected a string");
        job.from = parse_sender(f->as_string());
        if (!job.from)
            return bad("invalid_sender", "from: " + quoted(f->as_string()) +
                                             " is neither a number (optional '+', up to 15 digits) nor an "
                                             "alphanumeric sender of up to 11 characters");
    }
    const auto* to = o.if_contains("to");
    if (!to) return bad("missing_field", "to: the destination number or numbers");
    if (auto e = read_destinations(*to, job)) return *e;

    const auto* text = o.if_contains("text");
    const auto* binary = o.if_contains("binary");
    if (text && binary) return bad("conflicting_fields", "give either text or binary, not both");
    if (!text && !binary) return bad("missing_field", "text (UTF-8) or binary (hex octets) is required");
    std::string encoding = "auto";
    if (const auto* e = o.if_contains("encoding")) {
        if (!e->is_string()) return bad("invalid_field", "encoding: expected auto, gsm, ucs2 or binary");
        encoding = e->as_string();
        if (encoding != "auto" && encoding != "gsm" && encoding != "ucs2" && encoding != "binary")
            return bad("invalid_field", "encoding: expected auto, gsm, ucs2 or binary, got " + quoted(encoding));
    }
    sms::encoded enc;
    if (binary) {
        if (!binary->is_string()) return bad("invalid_field", "binary: expected a string of hex digits");
        if (encoding == "gsm" || encoding == "ucs2")
            return bad("conflicting_fields", "encoding " + encoding + " is for text; binary is sent as binary");
        auto octets = from_hex(binary->as_string());
        if (!octets) return bad("invalid_hex", "binary: expected hex digits, two per octet");
        enc = sms::encode_binary(std::move(*octets));
    } else {
        if (!text->is_string()) return bad("invalid_field", "text: expected a string");
        if (encoding == "binary") return bad("conflicting_fields", "encoding binary needs binary (hex), not text");
        const auto choice = encoding == "gsm"    ? sms::text_coding::gsm7
                            : encoding == "ucs2" ? sms::text_coding::ucs2
                                                 : sms::text_coding::automatic;
        const std::string_view t = text->as_string();
        auto r = sms::encode_text(t, choice);
        if (!r) return bad(r.error.code == sms::text_errc::not_gsm ? "not_gsm" : "invalid_field", "text: " + r.error.message);
        enc = std::move(*r.value);
    }
    auto parts = sms::split(enc, ref);
    if (!parts) return bad("too_long", (binary ? "binary: " : "text: ") + parts.error.message);
    job.parts = std::move(*parts.value);
    if (job.parts.count() * job.to.size() > max_sms_per_request)
        return bad("too_many_sms", std::to_string(job.parts.count()) + " parts to " + std::to_string(job.to.size()) +
                                       " destinations is over " + std::to_string(max_sms_per_request) + " SMS per request");

    // true/false, or SMPP's three choices by name: "failure" asks the
    // carrier for a receipt only when the message fails (registered_delivery 2).
    if (const auto* r = o.if_contains("receipt")) {
        const auto* s = r->if_string();
        if (r->is_bool()) job.registered_delivery = r->as_bool() ? 1 : 0;
        else if (s && *s == "always") job.registered_delivery = 1;
        else if (s && *s == "failure") job.registered_delivery = 2;
        else if (s && *s == "none") job.registered_delivery = 0;
        else return bad("invalid_field", R"(receipt: expected true, false, "always", "failure" or "none")");
    }
    if (const auto* v = o.if_contains("validity")) {
        const bool whole = v->is_int64() || v->is_uint64();
        const auto n = v->is_int64() ? v->as_int64() : v->is_uint64() ? static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX)) : 0;
        if (!whole || n < 1 || n > max_validity_s)
            return bad("invalid_field", "validity: whole seconds from 1 to " + std::to_string(max_validity_s));
        job.validity_s = n;
    }
    if (const auto* s = o.if_contains("schedule")) {
        if (!s->is_string()) return bad("invalid_time", "schedule: expected an RFC 3339 time such as 2026-05-01T09:00:00Z");
        job.schedule_ms = parse_rfc3339(s->as_string());
        if (!job.schedule_ms)
            return bad("invalid_time", "schedule: " + quoted(s->as_string()) +
                                           " is not an RFC 3339 time such as 2026-05-01T09:00:00Z");
    }
    return job;
}

std::variant<search_query, api_error> parse_search_query(std::string_view query) {
    search_query q;
    const auto form = parse_form(query);
    if (!form) return bad("invalid_parameter", "the query string has a malformed %-escape");
    std::vector<std::string> seen;
    for (const auto& [k, v] : *form) {
        if (std::find(seen.begin(), seen.end(), k) != seen.end())
            return bad("invalid_parameter", quoted(k) + " is given twice");
        seen.push_back(k);
        if (k == "number") {
            q.number = parse_number(v);
            if (!q.number) return bad("invalid_number", "number: " + quoted(v) + " is not a number");
        } else if (k == "since" || k == "until") {
            auto t = parse_rfc3339(v);
            if (!t) return bad("invalid_time", k + ": " + quoted(v) + " is not an RFC 3339 time");
            (k == "since" ? q.since_ms : q.until_ms) = t;
        } else if (k == "limit") {
            if (!all_digits(v) || v.size() > 6 || std::stoul(v) < 1 || std::stoul(v) > max_search_limit)
                return bad("invalid_parameter", "limit: from 1 to " + std::to_string(max_search_limit));
            q.limit = std::stoul(v);
        } else if (k == "before") {
            if (v.empty()) return bad("invalid_parameter", "before: a message id (the previous page's next)");
            q.before = v;
        } else {
            return bad("unknown_parameter", "unknown parameter " + quoted(k) + "; known: number, since, until, limit, before");
        }
    }
    if (q.since_ms && q.until_ms && *q.until_ms <= *q.since_ms)
        return bad("invalid_time", "until must be after since");
    return q;
}

std::optional<std::vector<std::pair<std::string, std::string>>> parse_form(std::string_view s) {
    std::vector<std::pair<std::string, std::string>> out;
    // Each name and value is checked and decoded by Boost.URL, '+' as a
    // space (HTML forms). Not parse_query: it refuses characters a URL may
    // not hold (a raw space or UTF-8 in a posted form), which we take as
    // they come, as before.
    const auto decode = [](std::string_view in, std::string& o) {
        const auto pct = boost::urls::make_pct_string_view(in);
        if (!pct) return false;
        o = pct->decode(boost::urls::encoding_opts{true});
        return true;
    };
    while (!s.empty()) {
        const auto amp = s.find('&');
        const auto item = s.substr(0, amp);
        s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        std::string k, v;
        if (!decode(item.substr(0, eq), k)) return std::nullopt;
        if (eq != std::string_view::npos && !decode(item.substr(eq + 1), v)) return std::nullopt;
        out.emplace_back(std::move(k), std::move(v));
    }
    return out;
}

} // namespace twinsms::http
