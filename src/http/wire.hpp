#pragma once
// The pieces of the HTTP server's framing that need no stream (server.cpp
// has the connections): a parsed request as the router takes it, the
// response head we write by hand and the answer to a request Beast's parser
// refused.
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include "http/server.hpp"

namespace twinsms::http {

// The status line and headers of `res` for an HTTP/1.`version` client.
std::string response_head(const response& res, unsigned version, bool keep_alive);
// Whether a read error is the client's malformed HTTP, to be answered.
bool is_protocol_error(const boost::system::error_code& ec) noexcept;
// A parsed request as the router takes it (header names lower-cased).
request to_request(boost::beast::http::request<boost::beast::http::string_body>&& m, const std::string& remote,
                   const boost::asio::ip::address& remote_address);
// The answer to such an error: 400, 413 or 431 with a JSON body.
response protocol_error(const boost::system::error_code& ec);

} // namespace twinsms::http
