#pragma once
// Answers a request later (after a store commit, say) without keeping the
// request's views alive: remembers only the session, the sequence number and
// the request type. If the session is gone by then, the answer is dropped
// and the peer, which never got a response, will retry.
#include <memory>

#include "smpp/session/responses.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::smpp {

class responder {
public:
    responder() = default;
    responder(session& s, const pdu& req) : session_{s.weak_from_this()}, skeleton_{make_response(req, status::ok)} {}

    // Sends the response with `st`; `fill` may set body fields (message_id).
    template <class Fill> bool respond(command_status st, Fill&& fill) {
        auto s = session_.lock();
        if (!s || s->closed()) return false;
        pdu r = skeleton_;
        r.status = st;
        std::visit(
            [st](auto& b) {
                if constexpr (requires { b.body_omitted; }) b.body_omitted = st != status::ok;
            },
            r.body);
        fill(r);
        s->respond(r);
        return true;
    }
    bool respond(command_status st) {
        return respond(st, [](pdu&) {});
    }
    bool pending() const noexcept { return !session_.expired(); }

private:
    std::weak_ptr<session> session_;
    pdu skeleton_; // holds no views: responses made by make_response are empty
};

} // namespace twinsms::smpp
