#pragma once
// Decides a client bind: failed-bind throttle, account, password, profile
// state, bind type, source address, simultaneous binds. Pure: the caller
// supplies the time and the current bind count.
#include <functional>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "smpp/codec/command.hpp"
#include "smpp/server/account.hpp"
#include "smpp/server/bind_guard.hpp"

namespace twinsms::smpp {

struct bind_attempt {
    bind_type type = bind_type::transceiver;
    std::string_view system_id;
    std::string_view password;
    boost::asio::ip::address remote;
};

struct bind_decision {
    command_status status = status::bindfail;
    const client_account* account = nullptr; // set when status is ESME_ROK
    const char* reason = "";                 // for the log line
};

class authenticator {
public:
    using time_point = bind_guard::time_point;
    explicit authenticator(bind_guard_config cfg = {}) : guard_{cfg} {}

    bind_decision decide(const account_table& accounts, const bind_attempt& a,
                         const std::function<unsigned(const client_account&)>& current_binds, time_point now);

private:
    bind_guard guard_;
};

} // namespace twinsms::smpp
