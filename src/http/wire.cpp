// HTTP framing without a stream (wire.hpp).
#include "http/wire.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

namespace twinsms::http {
namespace bhttp = boost::beast::http;

// A parse error we should answer (the client sent something that is not
// HTTP/1.1 within our limits), as opposed to EOF, a reset or a timeout,
// where nobody is listening for an answer.
bool is_protocol_error(const boost::system::error_code& ec) noexcept {
    return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
           ec != bhttp::error::end_of_stream;
}

response protocol_error(const boost::system::error_code& ec) {
    if (ec == bhttp::error::body_limit) return json_error(413, "payload_too_large", "request body over the limit");
    if (ec == bhttp::error::header_limit)
        return json_error(431, "header_too_large", "request line and headers over the limit");
    return json_error(400, "bad_request", "malformed HTTP request: " + ec.message());
}

// The status line and headers of a response, written by hand: Beast's
// serializer walks a chain of buffer views field by field, which was a
// measurable share of the send API's CPU for a few small fixed headers.
// Same framing as Beast's prepare_payload() and keep_alive(): a
// Content-Length (none for 1xx, 204, 304), "Connection: close" when an
// HTTP/1.1 connection ends, "Connection: keep-alive" when an HTTP/1.0 one stays.
std::string response_head(const response& res, unsigned version, bool keep_alive) {
    std::string h;
    h.reserve(160);
    h += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    h += std::to_string(res.status);
    h += ' ';
    h += bhttp::obsolete_reason(bhttp::int_to_status(res.status));
    h += "\r\nServer: twinsms\r\nContent-Type: ";
    h += res.content_type;
    const bool bodiless = res.status / 100 == 1 || res.status == 204 || res.status == 304;
    if (!bodiless) (h += "\r\nContent-Length: ") += std::to_string(res.body.size());
    if (version != 10 && !keep_alive) h += "\r\nConnection: close";
    if (version == 10 && keep_alive) h += "\r\nConnection: keep-alive";
    for (const auto& [k, v] : res.headers) {
        // Our own values, but a stray CR or LF must never split a header.
        h += "\r\n";
        for (char ch : k) h += ch == '\r' || ch == '\n' ? ' ' : ch;
        h += ": ";
        for (char ch : v) h += ch == '\r' || ch == '\n' ? ' ' : ch;
    }
    h += "\r\n\r\n";
    return h;
}

request to_request(bhttp::request<bhttp::string_body>&& m, const std::string& remote,
                   const asio::ip::address& remote_address) {
    request r;
    r.method = std::string{m.method_string()};
    r.target = std::string{m.target()};
    const auto q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) r.query = r.target.substr(q + 1);
    for (const auto& f : m) {
        std::string name{f.name_string()};
        for (auto& ch : name)
            if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
        r.headers.emplace_back(std::move(name), std::string{f.value()});
    }
    r.body = std::move(m.body());
    r.remote = remote;
    r.remote_address = remote_address;
    return r;
}

} // namespace twinsms::http
