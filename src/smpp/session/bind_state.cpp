#include "smpp/session/bind_state.hpp"

namespace twinsms::smpp {

std::string_view to_string(bind_state s) noexcept {
    switch (s) {
    case bind_state::open: return "open";
    case bind_state::bound_tx: return "bound_tx";
    case bind_state::bound_rx: return "bound_rx";
    case bind_state::bound_trx: return "bound_trx";
    case bind_state::unbound: return "unbound";
    case bind_state::closed: return "closed";
    }
    return "?";
}

std::string_view to_string(bind_type t) noexcept {
    switch (t) {
    case bind_type::transmitter: return "transmitter";
    case bind_type::receiver: return "receiver";
    case bind_type::transceiver: return "transceiver";
    }
    return "?";
}

bind_state bound_state_for(bind_type t) noexcept {
    switch (t) {
    case bind_type::transmitter: return bind_state::bound_tx;
    case bind_type::receiver: return bind_state::bound_rx;
    case bind_type::transceiver: return bind_state::bound_trx;
    }
    return bind_state::open;
}

command_id bind_command(bind_type t) noexcept {
    switch (t) {
    case bind_type::transmitter: return command_id::bind_transmitter;
    case bind_type::receiver: return command_id::bind_receiver;
    case bind_type::transceiver: return command_id::bind_transceiver;
    }
    return command_id::bind_transceiver;
}

namespace {

// Requests an ESME sends to the SMSC over a transmitting bind.
bool is_esme_submit(command_id id) noexcept {
    switch (id) {
    case command_id::submit_sm:
    case command_id::submit_multi:
    case command_id::data_sm:
    case command_id::query_sm:
    case command_id::cancel_sm:
    case command_id::replace_sm: return true;
    default: return false;
    }
}

// Requests an SMSC sends to the ESME over a receiving bind.
bool is_smsc_deliver(command_id id) noexcept {
    return id == command_id::deliver_sm || id == command_id::data_sm || id == command_id::alert_notification;
}

bool can_transmit(bind_state s) noexcept { return s == bind_state::bound_tx || s == bind_state::bound_trx; }
bool can_receive(bind_state s) noexcept { return s == bind_state::bound_rx || s == bind_state::bound_trx; }

bool is_bind(command_id id) noexcept {
    return id == command_id::bind_transmitter || id == command_id::bind_receiver ||
           id == command_id::bind_transceiver;
}

} // namespace

command_status check_incoming(role local, bind_state s, command_id id) noexcept {
    if (is_response(id)) return status::invcmdid;
    if (s == bind_state::closed) return status::invbndsts;
    // Keepalive is answered in every state: peers probe right after connect
    // and during unbind, and refusing costs us the link.
    if (id == command_id::enquire_link) return status::ok;
    // Peer-link state travels both ways once bound; whether the bound
    // account is a peer is the application's check.
    if (is_peer_vendor(id)) return is_bound(s) ? status::ok : status::invbndsts;
    if (local == role::smsc) {
        if (is_bind(id)) return s == bind_state::open ? status::ok : status::alybnd;
        if (id == command_id::unbind) return is_bound(s) ? status::ok : status::invbndsts;
        if (is_esme_submit(id)) return can_transmit(s) ? status::ok : status::invbndsts;
        return status::invbndsts; // deliver_sm, outbind, alert_notification: wrong direction
    }
    // local == esme
    if (id == command_id::outbind) return s == bind_state::open ? status::ok : status::alybnd;
    if (id == command_id::unbind) return is_bound(s) ? status::ok : status::invbndsts;
    if (is_smsc_deliver(id)) return can_receive(s) ? status::ok : status::invbndsts;
    if (is_bind(id)) return status::invbndsts; // an SMSC does not bind to us
    return status::invbndsts;                  // submit_sm and friends: wrong direction
}

bool may_send(role local, bind_state s, command_id id) noexcept {
    if (s == bind_state::closed) return false;
    if (is_response(id) || id == command_id::enquire_link) return true;
    if (id == command_id::unbind || is_peer_vendor(id)) return is_bound(s);
    if (local == role::esme) {
        if (is_bind(id)) return s == bind_state::open;
        return is_esme_submit(id) && can_transmit(s);
    }
    if (id == command_id::outbind) return s == bind_state::open;
    return is_smsc_deliver(id) && can_receive(s);
}

} // namespace twinsms::smpp
