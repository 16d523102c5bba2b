#pragma once
// The byte stream under an SMPP session: tls::transport (tls/transport.hpp),
// a TCP socket or TLS over one, shared with the replication channel.
#include "tls/transport.hpp"

namespace twinsms::smpp {

namespace asio = boost::asio;
using error_code = boost::system::error_code;

using tls::accept_tls;
using tls::connect_tls;
using tls::handshake_result;
using tls::transport;

} // namespace twinsms::smpp
