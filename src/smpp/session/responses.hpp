#pragma once
// Builds the response PDU that answers a request with a given status.
#include "smpp/codec/pdu.hpp"

namespace twinsms::smpp {

// The request's own response type (body omitted when `st` is an error, as
// SMPP 3.4 prescribes), or generic_nack for requests without a response
// type (outbind, alert_notification) and for responses.
pdu make_response(const pdu& req, command_status st);
// The same from a request's header alone: for a request whose body did not
// decode, which must still be answered with its own response type.
pdu make_response(command_id req, std::uint32_t sequence_number, command_status st);

} // namespace twinsms::smpp
