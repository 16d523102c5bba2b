#pragma once
// Why a request failed or a session ended, as an error_code category so
// every pending request can be failed with one clear reason.
#include <boost/system/error_code.hpp>

namespace twinsms::smpp {

enum class session_error {
    closed = 1,          // closed locally (shutdown, owner's decision)
    peer_closed,         // the peer closed the TCP connection
    response_timeout,    // no response within the response timeout
    peer_dead,           // keepalive: peer silent for `misses` intervals
    inactivity_timeout,  // no traffic for the inactivity timeout
    bind_timeout,        // connected but never bound
    bad_framing,         // command_length out of range: stream unusable
    unbound,             // the session was unbound
    not_bound,           // request not allowed in the current bind state
    io_error,            // read or write failed
};

const boost::system::error_category& session_category() noexcept;

inline boost::system::error_code make_error_code(session_error e) noexcept {
    return {static_cast<int>(e), session_category()};
}

} // namespace twinsms::smpp

template <> struct boost::system::is_error_code_enum<twinsms::smpp::session_error> : std::true_type {};
