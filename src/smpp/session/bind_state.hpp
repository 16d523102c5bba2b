#pragma once
// Which PDUs a session may receive in which bind state (SMPP 3.4 section 2.3
// and table 4-1), as a pure function so the rules are tested without sockets.
#include <string_view>

#include "config/session.hpp"
#include "smpp/codec/command.hpp"

namespace twinsms::smpp {

enum class bind_state { open, bound_tx, bound_rx, bound_trx, unbound, closed };
// Which end of the link we are: esme binds, smsc accepts binds.
enum class role { esme, smsc };
using bind_type = config::bind_type; // as profiles name it (config/session.hpp)

std::string_view to_string(bind_state s) noexcept;
std::string_view to_string(bind_type t) noexcept;

constexpr bool is_bound(bind_state s) noexcept {
    return s == bind_state::bound_tx || s == bind_state::bound_rx || s == bind_state::bound_trx;
}
bind_state bound_state_for(bind_type t) noexcept;
command_id bind_command(bind_type t) noexcept;

// ESME_ROK if a request `id` arriving now is allowed; otherwise the status
// to answer it with: ESME_RALYBND (bind while bound), ESME_RINVBNDSTS (wrong
// state or wrong direction for our role), ESME_RINVCMDID (not a request).
command_status check_incoming(role local, bind_state s, command_id id) noexcept;

// Whether we may send request `id` in state `s`: a receiver-only session
// must not submit, a transmitter-only one receives no deliver_sm.
bool may_send(role local, bind_state s, command_id id) noexcept;

} // namespace twinsms::smpp
