// The webhook's payload of a stored delivery on arbitrary input: the
// deliver_sm a carrier sent (stored as it came: an MO or a receipt, its text
// in any data_coding) turned into the JSON POSTed to a client's URL, and the
// signature headers. Properties: a payload is valid JSON with the fields its
// type promises, whatever bytes, codings and receipt texts were in the PDU.
#include <boost/json/parse.hpp>

#include "fuzz_support.hpp"
#include "webhook/payload.hpp"

using namespace twinsms;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    store::delivery d;
    d.id.value = 7;
    d.account = "alpha";
    d.created_at = 1'780'000'000'000;
    d.expires_at = d.created_at + 60'000;
    d.message.value = size % 2 ? 42 : 0; // a receipt for our message 42, or an MO
    d.pdu.assign(data, data + size);
    const auto p = webhook::payload_of(d);
    if (!p) return 0; // does not decode: the caller logs it and drops the delivery
    boost::system::error_code ec;
    const auto v = boost::json::parse(p->body, ec);
    if (ec) std::fprintf(stderr, "not JSON (%s): %s\n", ec.message().c_str(), p->body.c_str());
    FUZZ_CHECK(!ec && v.is_object(), "a payload is a JSON object");
    const auto& o = v.as_object();
    FUZZ_CHECK(o.contains("type") && o.contains("delivery_id"), "type and delivery_id always");
    if (p->type == webhook::payload::kind::receipt) FUZZ_CHECK(o.contains("message_id") && o.contains("state"), "a receipt names its message and state");
    const auto h = webhook::headers("secret", 1'780'000'000, p->body, d);
    FUZZ_CHECK(!h.empty(), "signed");
    for (const auto& line : h) FUZZ_CHECK(line.find_first_of("\r\n") == std::string::npos, "no header injection");
    return 0;
}
