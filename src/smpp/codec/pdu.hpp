#pragma once
// SMPP 3.4 PDU bodies (spec chapter 4) as plain structs of views.
//
// Strings and octet strings are std::string_view into the decoded frame (or
// into the caller's storage when encoding), so decoding never allocates for
// them. Use owned_pdu (owned.hpp) to keep a decoded PDU past its frame.
//
// Each body lists its wire layout once, in visit(); the decoder, encoder and
// size computation are all field visitors over that single description.
//
// The bodies are in pdu_session.hpp, pdu_message.hpp and pdu_query.hpp; this
// file joins them into the body variant and the pdu.
#include <array>
#include <cstdint>
#include <utility>
#include <variant>

#include "smpp/codec/pdu_message.hpp"
#include "smpp/codec/pdu_query.hpp"

namespace twinsms::smpp {

using body = std::variant<generic_nack, bind_receiver, bind_receiver_resp, bind_transmitter,
                          bind_transmitter_resp, query_sm, query_sm_resp, submit_sm, submit_sm_resp,
                          deliver_sm, deliver_sm_resp, unbind, unbind_resp, replace_sm, replace_sm_resp,
                          cancel_sm, cancel_sm_resp, bind_transceiver, bind_transceiver_resp, outbind,
                          enquire_link, enquire_link_resp, submit_multi, submit_multi_resp,
                          alert_notification, data_sm, data_sm_resp, peer_status, peer_status_resp,
                          peer_forward, peer_forward_resp>;

struct pdu {
    command_status status = status::ok;
    std::uint32_t sequence_number = 0;
    smpp::body body;

    command_id id() const noexcept {
        // A table indexed by the alternative, not std::visit: the encoder
        // asks for the id on every PDU and a visit is an indirect call.
        static constexpr auto ids = []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<command_id, sizeof...(I)>{std::variant_alternative_t<I, smpp::body>::id...};
        }(std::make_index_sequence<std::variant_size_v<smpp::body>>{});
        const std::size_t i = body.index();
        return i < ids.size() ? ids[i] : command_id::generic_nack; // generic_nack if valueless
    }
    template <class T> T* as() noexcept { return std::get_if<T>(&body); }
    template <class T> const T* as() const noexcept { return std::get_if<T>(&body); }
};

inline constexpr std::size_t header_size = 16;

struct header {
    std::uint32_t command_length = 0;
    std::uint32_t command_id = 0; // raw, may be unknown
    smpp::command_status command_status = 0;
    std::uint32_t sequence_number = 0;
};

} // namespace twinsms::smpp
