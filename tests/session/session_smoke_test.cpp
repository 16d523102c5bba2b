#define BOOST_TEST_MODULE session_smoke
#include <boost/test/unit_test.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "session/loopback.hpp"

using namespace twinsms;
using namespace twinsms::smpp;

namespace {
struct smsc_handler : session_handler {
    int submits = 0;
    command_status on_bind(session&, bind_type, const bind_params& p) override {
        return p.password == "secret" ? status::ok : status::invpaswd;
    }
    void on_request(session& s, const pdu& req) override {
        ++submits;
        pdu r = make_response_ok(req);
        s.respond(r);
    }
    static pdu make_response_ok(const pdu& req) {
        pdu r{status::ok, req.sequence_number, submit_sm_resp{}};
        r.as<submit_sm_resp>()->message_id = "abc";
        return r;
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(bind_submit_unbind) {
    boost::asio::io_context io;
    auto [c, s] = test::socket_pair(io);
    smsc_handler h;
    auto server = session::create(std::move(s), role::smsc, {});
    server->set_handler(&h);
    server->start();
    auto client = session::create(std::move(c), role::esme, {});
    client->start();
    bool done = false;
    std::string got_id;
    command_status bind_status = 0xFFFF;
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
        auto r = co_await client->bind(bind_type::transceiver, {"user", "secret"});
        bind_status = r.status;
        pdu p{0, 0, submit_sm{}};
        p.as<submit_sm>()->destination_addr = "123";
        auto [ec, resp] = co_await client->async_request(p, boost::asio::as_tuple(boost::asio::use_awaitable));
        if (!ec) got_id = std::string{resp->as<submit_sm_resp>()->message_id};
        co_await client->unbind();
        done = true;
    }, boost::asio::detached);
    BOOST_REQUIRE(test::run_until(io, [&] { return done && server->closed(); }));
    BOOST_TEST(bind_status == status::ok);
    BOOST_TEST(got_id == "abc");
    BOOST_TEST(h.submits == 1);
    BOOST_TEST(client->closed());
}
