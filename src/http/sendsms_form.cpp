// Kannel's /cgi-bin/sendsms form, for old clients: the parameters smsbox
// reads (username|user, password|pass, from, to, text, charset, coding,
// dlr-mask|dlrmask, validity, deferred, udh), its refusal texts ("...,
// rejected" with 400) and content type. Parameters Kannel has and we do not
// use (smsc, mclass, dlr-url, account, ...) are ignored, as Kannel ignores
// unknown ones. Differences: all destinations or none (Kannel may accept
// some), no udh, and coding 0 refuses characters outside GSM 03.38 instead
// of sending '?'.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "http/send_api.hpp"
#include "sms/utf.hpp"

namespace twinsms::http {
namespace {

api_error rejected(std::string text, unsigned status = 400) { return {status, "", std::move(text)}; }

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// An integer field like Kannel's (which sscanf()s "%d"); nullopt if absent.
struct int_field {
    bool present = false, ok = true;
    long value = 0;
};
int_field integer(const std::vector<std::pair<std::string, std::string>>& f, std::initializer_list<std::string_view> names) {
    for (auto name : names)
        for (const auto& [k, v] : f)
            if (k == name) {
                int_field r{true, false, 0};
                const auto* end = v.data() + v.size();
                auto [p, ec] = std::from_chars(v.data(), end, r.value);
                r.ok = ec == std::errc{} && p == end;
                return r;
            }
    return {};
}

const std::string* field(const std::vector<std::pair<std::string, std::string>>& f,
                         std::initializer_list<std::string_view> names) {
    for (auto name : names)
        for (const auto& [k, v] : f)
            if (k == name) return &v;
    return nullptr;
}

// `text` in `charset` to UTF-8; nullopt for an unknown charset or bytes
// that are not valid in it.
std::optional<std::string> to_utf8(const std::string& text, const std::string& charset) {
    const auto cs = lower(charset);
    if (cs == "utf-8" || cs == "utf8") return text;
    std::string out;
    if (cs == "iso-8859-1" || cs == "latin1" || cs == "iso8859-1") {
        for (unsigned char c : text) sms::utf::append_utf8(out, c);
        return out;
    }
    if (cs == "utf-16be" || cs == "ucs-2" || cs == "ucs-2be" || cs == "utf-16") {
        if (text.size() % 2) return std::nullopt;
        for (std::size_t i = 0; i < text.size(); i += 2) {
            char32_t u = static_cast<unsigned char>(text[i]) << 8 | static_cast<unsigned char>(text[i + 1]);
            if (u >= 0xDC00 && u <= 0xDFFF) return std::nullopt;
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 4 > text.size()) return std::nullopt;
                const char32_t t = static_cast<unsigned char>(text[i + 2]) << 8 | static_cast<unsigned char>(text[i + 3]);
                if (t < 0xDC00 || t > 0xDFFF) return std::nullopt;
                u = 0x10000 + ((u - 0xD800) << 10) + (t - 0xDC00);
                i += 2;
            }
            sms::utf::append_utf8(out, u);
        }
        return out;
    }
    return std::nullopt;
}

} // namespace

response kannel_response(unsigned status, std::string_view text) {
    response r;
    r.status = status;
    r.content_type = "text/html"; // what smsbox sends with its plain-text answers
    r.body = std::string{text};
    return r;
}

namespace {

std::optional<api_error> read_job(const std::vector<std::pair<std::string, std::string>>& f, std::uint8_t ref,
                                  send_job& job) {

    const auto* to = field(f, {"to"});
    if (!to) return rejected("Missing receiver number, rejected");
    // Several receivers are separated by spaces ('+' in a URL decodes to one).
    for (std::size_t at = 0; at < to->size();) {
        const auto begin = to->find_first_not_of(" \t", at);
        if (begin == std::string::npos) break;
        const auto end = std::min(to->find_first_of(" \t", begin), to->size());
        const auto n = std::string_view{*to}.substr(begin, end - begin);
        auto a = parse_number(n);
        if (!a) return rejected("Receiver number '" + std::string{n.substr(0, 40)} + "' misformed, rejected");
        if (std::none_of(job.to.begin(), job.to.end(), [&](const sms_address& o) { return o.digits == a->digits && o.ton == a->ton; }))
            job.to.push_back(std::move(*a));
        at = end;
    }
    if (job.to.empty()) return rejected("Empty receiver number not allowed, rejected");
    if (job.to.size() > max_destinations) return rejected("Too many receivers, rejected");
    if (const auto* from = field(f, {"from"}); from && !from->empty()) {
        job.from = parse_sender(*from);
        if (!job.from) return rejected("Sender field misformed, rejected");
    }
    if (const auto* udh = field(f, {"udh"}); udh && !udh->empty())
        return rejected("UDH field is not supported here, rejected");

    const auto coding = integer(f, {"coding"});
    if (coding.present && (!coding.ok || coding.value < -1 || coding.value > 2))
        return rejected("Coding field misformed, rejected");
    const long c = coding.present ? coding.value : -1;
    const auto* text_field = field(f, {"text"});
    const std::string text = text_field ? *text_field : std::string{};
    sms::encoded enc;
    if (c == 1) {
        enc = sms::encode_binary(text); // 8-bit: the octets as given
    } else {
        const auto* charset = field(f, {"charset"});
        // Kannel's defaults: UTF-16BE for UCS-2, UTF-8 otherwise.
        const auto utf8 = to_utf8(text, charset && !charset->empty() ? *charset : c == 2 ? "UTF-16BE" : "UTF-8");
        if (!utf8) return rejected("Charset or body misformed, rejected");
        const auto choice = c == 0 ? sms::text_coding::gsm7 : c == 2 ? sms::text_coding::ucs2 : sms::text_coding::automatic;
        auto r = sms::encode_text(*utf8, choice);
        if (!r) {
            if (r.error.code == sms::text_errc::not_gsm)
                return rejected("Text not in the GSM 03.38 alphabet (coding=0): " + r.error.message + ", rejected");
            return rejected("Charset or body misformed, rejected");
        }
        enc = std::move(*r.value);
    }
    auto parts = sms::split(enc, ref);
    if (!parts) return rejected("Message too long (" + parts.error.message + "), rejected");
    job.parts = std::move(*parts.value);
    if (job.parts.count() * job.to.size() > max_sms_per_request) return rejected("Too many messages, rejected");

    const auto mask = integer(f, {"dlr-mask", "dlrmask"});
    if (mask.present && (!mask.ok || mask.value < -1 || mask.value > 63)) return rejected("DLR-Mask field misformed, rejected");
    // Kannel's 1 (delivered) and 2 (failed) are SMPP's receipt on success
    // and failure; 2 alone is a failure receipt. The others (buffered, SMSC
    // accept/reject) have no SMPP receipt of their own.
    if (mask.present && mask.value > 0) job.registered_delivery = (mask.value & 1) ? 1 : (mask.value & 2) ? 2 : 0;
    const auto validity = integer(f, {"validity"});
    if (validity.present && (!validity.ok || validity.value < -1 || validity.value > max_validity_s / 60))
        return rejected("Validity field misformed, rejected");
    if (validity.present && validity.value > 0) job.validity_s = validity.value * 60; // minutes
    const auto deferred = integer(f, {"deferred"});
    if (deferred.present && (!deferred.ok || deferred.value < -1 || deferred.value > max_validity_s / 60))
        return rejected("Deferred field misformed, rejected");
    if (deferred.present && deferred.value > 0) job.defer_s = deferred.value * 60;
    return std::nullopt;
}

} // namespace

sendsms_form parse_sendsms_form(std::string_view form, std::uint8_t ref) {
    sendsms_form out;
    const auto fields = parse_form(form);
    if (!fields) {
        out.error = rejected("Malformed %-escape in the request, rejected");
        return out;
    }
    if (const auto* u = field(*fields, {"username", "user"})) out.username = *u;
    if (const auto* p = field(*fields, {"password", "pass"})) out.password = *p;
    out.error = read_job(*fields, ref, out.job);
    return out;
}

} // namespace twinsms::http
