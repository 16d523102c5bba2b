#include "smpp/session/responses.hpp"

namespace twinsms::smpp {
namespace {

template <std::size_t... I>
bool emplace_response(body& b, command_id want, std::index_sequence<I...>) {
    return ((std::variant_alternative_t<I, body>::id == want ? (b.template emplace<I>(), true) : false) || ...);
}

} // namespace

pdu make_response(const pdu& req, command_status st) { return make_response(req.id(), req.sequence_number, st); }

pdu make_response(command_id id, std::uint32_t sequence_number, command_status st) {
    pdu r{st, sequence_number, generic_nack{}};
    if (is_response(id) || id == command_id::outbind || id == command_id::alert_notification) return r;
    emplace_response(r.body, response_of(id), std::make_index_sequence<std::variant_size_v<body>>{});
    if (st != status::ok)
        std::visit(
            [](auto& b) {
                if constexpr (requires { b.body_omitted; }) b.body_omitted = true;
            },
            r.body);
    return r;
}

} // namespace twinsms::smpp
