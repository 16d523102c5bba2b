#pragma once
// Decides a client bind: the node's credential guard, account, password,
// profile state, bind type, source address, simultaneous binds. Pure: the
// caller supplies the time and the current bind count. An unknown system_id
// and a wrong password get the same answer (ESME_RINVPASWD), so a guesser
// cannot learn which system_ids exist; the log line tells them apart.
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/ip/address.hpp>

#include "smpp/codec/command.hpp"
#include "smpp/server/account.hpp"
#include "guard/credential_guard.hpp"

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
    // What this attempt started in the guard (allow: nothing), for a log line.
    guard::verdict started = guard::verdict::allow;
};

class authenticator {
public:
    using time_point = guard::time_point;
    // The node's guard, shared with its other listeners and doors.
    explicit authenticator(std::shared_ptr<guard::credential_guard> g) : guard_{std::move(g)} {}
    explicit authenticator(guard::credential_guard_config cfg = {})
        : guard_{std::make_shared<guard::credential_guard>(cfg)} {}

    bind_decision decide(const account_table& accounts, const bind_attempt& a,
                         const std::function<unsigned(const client_account&)>& current_binds, time_point now);

    guard::credential_guard& guard() noexcept { return *guard_; }

private:
    std::shared_ptr<guard::credential_guard> guard_;
};

} // namespace twinsms::smpp
