// twinsms-demo-relay: the SMPP engine end to end, before the store and
// router exist. Client submits are passed straight to one carrier and
// answered with the carrier's own answer, so nothing is acknowledged that
// the carrier has not accepted; receipts and MO from the carrier are passed
// to the client's receiver bind and acknowledged to the carrier only after
// the client acknowledged them. twinsmsd (durable store, routing) replaces
// this once the router lands.
//
//   twinsms-demo-relay LISTEN_PORT CARRIER_PORT CLIENT_ID CLIENT_PW CARRIER_ID CARRIER_PW
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "smpp/carrier/carrier_client.hpp"
#include "smpp/server/listener.hpp"
#include "util/log.hpp"

namespace asio = boost::asio;
using namespace twinsms;
using namespace twinsms::smpp;

namespace {

class relay final : public carrier_handler {
public:
    client_listener* listener = nullptr;
    std::string mo_account;
    std::map<std::string, std::string> owner_of_id; // carrier message id -> client system_id

    void on_deliver(carrier_client&, const pdu& req, responder r) override {
        const auto* d = req.as<deliver_sm>();
        std::string owner = mo_account;
        if (d && (d->esm_class & 0x04)) {
            const auto id = receipted_message_id(d->tlvs);
            auto it = id ? owner_of_id.find(std::string{*id}) : owner_of_id.end();
            if (it == owner_of_id.end()) {
                r.respond(status::ok); // not ours to deliver: acknowledge so the carrier stops retrying
                return;
            }
            owner = it->second;
            owner_of_id.erase(it);
        }
        auto receivers = listener->receivers_of(owner);
        if (receivers.empty()) {
            // Temporary application error: the carrier keeps it and retries.
            r.respond(status::x_t_appn);
            return;
        }
        receivers.front()->send_request(req, [r](const error_code& ec, const pdu* resp) mutable {
            r.respond(ec ? status::x_t_appn : resp->status);
        });
    }
};

} // namespace

int main(int argc, char** argv) {
    if (argc != 7) {
        std::fputs("usage: twinsms-demo-relay LISTEN_PORT CARRIER_PORT CLIENT_ID CLIENT_PW CARRIER_ID CARRIER_PW\n",
                   stderr);
        return 2;
    }
    asio::io_context io;
    relay rl;
    rl.mo_account = argv[3];

    client_account acc;
    acc.system_id = argv[3];
    acc.password = argv[4];
    carrier_config cc;
    cc.name = "demo-carrier";
    cc.port = static_cast<std::uint16_t>(std::atoi(argv[2]));
    cc.system_id = argv[5];
    cc.password = argv[6];
    cc.session.window = 50;
    cc.session.keepalive.interval = std::chrono::seconds(5);
    auto carrier = std::make_shared<carrier_client>(io.get_executor(), cc, &rl);

    listener_config lc;
    lc.endpoint = {asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(std::atoi(argv[1]))};
    lc.session.name = "client";
    client_listener listener{io.get_executor(), lc, std::make_shared<account_table>(std::vector{acc}),
                             [&](session& s, const client_account& a, const pdu& req) {
                                 if (!req.as<submit_sm>()) {
                                     s.respond_status(req, status::invcmdid);
                                     return;
                                 }
                                 carrier->submit(owned_pdu{req}, [&rl, r = responder{s, req}, who = a.system_id](
                                                                     const submit_outcome& out) mutable {
                                     if (out.ec) {
                                         r.respond(status::syserr);
                                         return;
                                     }
                                     if (out.status == status::ok) rl.owner_of_id[out.message_id] = who;
                                     r.respond(out.status, [&](pdu& p) {
                                         if (auto* b = p.as<submit_sm_resp>()) b->message_id = out.message_id;
                                     });
                                 });
                             }};
    rl.listener = &listener;
    try {
        listener.start();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "twinsms-demo-relay: cannot listen on port %s: %s\n", argv[1], e.what());
        return 1;
    }
    carrier->start();

    asio::signal_set signals{io, SIGINT, SIGTERM};
    signals.async_wait([&](const error_code&, int) {
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await listener.stop();
            co_await carrier->stop();
            io.stop();
        }, asio::detached);
    });
    io.run();
    return 0;
}
