#include <string>

#include "smpp/session/error.hpp"

namespace twinsms::smpp {
namespace {

class category final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "smpp.session"; }
    std::string message(int ev) const override {
        switch (static_cast<session_error>(ev)) {
        case session_error::closed: return "session closed";
        case session_error::peer_closed: return "peer closed the connection";
        case session_error::response_timeout: return "no response within the response timeout";
        case session_error::peer_dead: return "peer stopped answering enquire_link";
        case session_error::inactivity_timeout: return "no traffic within the inactivity timeout";
        case session_error::bind_timeout: return "connection not bound within the bind timeout";
        case session_error::bad_framing: return "invalid command_length, stream cannot be framed";
        case session_error::unbound: return "session unbound";
        case session_error::not_bound: return "request not allowed in the current bind state";
        case session_error::io_error: return "socket error";
        }
        return "unknown session error";
    }
};

} // namespace

const boost::system::error_category& session_category() noexcept {
    static const category c;
    return c;
}

} // namespace twinsms::smpp
