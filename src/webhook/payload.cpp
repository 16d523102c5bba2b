#include "webhook/payload.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "route/receipt_text.hpp"
#include "smpp/codec/owned.hpp"
#include "smpp/codec/tlv.hpp"
#include "sms/sms_decode.hpp"
#include "sms/utf.hpp"
#include "util/utc_time.hpp"

namespace twinsms::webhook {
namespace json = boost::json;
namespace {

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0xF];
    }
    return out;
}

std::string iso_time(store::epoch_ms ms) { return format_utc_ms(ms); }

// Addresses, ids and receipt texts come from the carrier as bytes, in no
// promised encoding; JSON strings must be UTF-8 (RFC 8259 8.1), and a
// receiver's strict parser would refuse the whole POST (and with it the
// receipt) over one stray Latin-1 byte. Ill-formed bytes become U+FFFD.
std::string json_text(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t at = 0; at < bytes.size();) {
        if (const auto d = sms::utf::decode_utf8(bytes, at)) {
            out.append(bytes.substr(at, d->length));
            at += d->length;
        } else {
            sms::utf::append_utf8(out, U'\uFFFD');
            ++at;
        }
    }
    return out;
}

std::string_view coding_name(std::uint8_t dc) {
    switch (dc) {
    case 0x00: return "gsm7";
    case 0x01: return "ascii";
    case 0x03: return "latin1";
    case 0x08: return "ucs2";
    default: return "binary";
    }
}

// The user data: short_message, or message_payload when that is empty.
void put_content(json::object& o, const smpp::deliver_sm& sm) {
    std::string_view data = sm.short_message;
    if (data.empty())
        if (auto p = smpp::message_payload(sm.tlvs)) data = *p;
    o["coding"] = coding_name(sm.data_coding);
    o["data_coding"] = sm.data_coding;
    if (auto t = sms::decode_text(data, sm.data_coding, (sm.esm_class & 0x40) != 0)) {
        o["text"] = t->text;
        if (!t->udh.empty()) o["udh"] = hex(t->udh);
    } else {
        o["binary"] = hex(data);
    }
}
} // namespace

std::optional<payload> payload_of(const store::delivery& d) {
    smpp::owned_pdu p{std::span<const std::uint8_t>{d.pdu}};
    if (p.failure()) return std::nullopt;
    const auto* sm = p->as<smpp::deliver_sm>();
    if (!sm) return std::nullopt;
    payload out;
    json::object o;
    o["delivery_id"] = std::to_string(d.id.value);
    o["from"] = json_text(sm->source_addr);
    o["to"] = json_text(sm->destination_addr);
    o["created_at"] = iso_time(d.created_at);
    o["attempt"] = d.attempts + 1;
    if (auto r = route::read_receipt(*sm)) {
        out.type = payload::kind::receipt;
        o["type"] = "receipt";
        o["message_id"] = d.message.value ? d.message.to_string() : json_text(r->message_id);
        // Always a state: one the receipt does not say readably (an unknown
        // stat word, no message_state TLV) is SMPP's own UNKNOWN.
        o["state"] = r->state ? route::stat_text(*r->state) : std::string_view{"UNKNOWN"};
        if (r->err) o["error"] = *r->err;
        if (r->text) {
            o["submit_date"] = json_text(r->text->submit_date);
            o["done_date"] = json_text(r->text->done_date);
        }
        o["receipt_text"] = json_text(sm->short_message);
    } else {
        o["type"] = "mo";
        put_content(o, *sm);
    }
    out.body = json::serialize(o);
    return out;
}

std::string signature(std::string_view secret, std::string_view timestamp, std::string_view body) {
    std::string signed_text;
    signed_text.reserve(timestamp.size() + 1 + body.size());
    signed_text.append(timestamp).append(".").append(body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac, &len);
    return "sha256=" + hex({reinterpret_cast<const char*>(mac), len});
}

std::vector<std::string> headers(std::string_view secret, std::int64_t unix_seconds, std::string_view body,
                                 const store::delivery& d) {
    const auto ts = std::to_string(unix_seconds);
    return {
        "Content-Type: application/json",
        "User-Agent: twinsms",
        "X-Twinsms-Delivery: " + std::to_string(d.id.value),
        "X-Twinsms-Timestamp: " + ts,
        "X-Twinsms-Signature: " + signature(secret, ts, body),
    };
}

} // namespace twinsms::webhook
