#pragma once
// Builds the response PDU that answers a request with a given status.
#include "smpp/codec/pdu.hpp"

namespace twinsms::smpp {

// The request's own response type (body omitted when `st` is an error, as
// SMPP 3.4 prescribes), or generic_nack for requests without a response
// type (outbind, alert_notification) and for responses.
pdu make_response(const pdu& req, command_status st);

} // namespace twinsms::smpp
