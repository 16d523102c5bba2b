#pragma once
// Pair tests: an SMPP client that keeps submitting and reconnects.
#include "pair/pair_site.hpp"

namespace twinsms::test {

// A client that keeps submitting (window `window`, one new submit every
// `gap`), counting every submit_sm_resp; when its session ends or a bind is
// refused it reconnects, trying its ports in turn.
struct load_client {
    asio::io_context& io;
    std::vector<std::uint16_t> ports;
    std::vector<std::string> hosts; // the address of each port (empty: all on 127.0.0.1)
    std::string system_id, password, prefix, destination;
    std::size_t window = 4;
    ms gap{10};
    std::uint8_t registered_delivery = 0;

    bool running = false, bound = false, done = false;
    std::uint16_t bound_port = 0;
    std::vector<std::uint16_t> binds; // port of each successful bind, in order
    std::size_t sent = 0, ok = 0, error_status = 0, transport_lost = 0, outstanding = 0;
    // Refused by our own session before they went out (it is unbinding:
    // the node's unbind crossed them): never sent, so nothing to lose.
    std::size_t not_sent = 0;
    std::map<command_status, std::size_t> statuses;
    std::map<std::string, std::string> accepted;             // text -> message id
    std::map<std::uint16_t, std::size_t> accepted_per_port;   // port -> OK answers
    std::map<std::string, std::size_t> receipts;             // message id -> receipts got, over every session
    std::unique_ptr<esme> e;
    std::size_t harvested = 0; // of e->delivered

    std::multiset<std::string> mo; // texts of MO deliver_sm got, over every session
    // Counts the receipts (and MO) the current session got since the last call.
    void harvest() {
        for (; e && harvested < e->delivered.size(); ++harvested)
            if (const auto* d = e->delivered[harvested]->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04)
                ++receipts[std::string{smpp::receipted_message_id(d->tlvs).value_or("")}];
            else if (d)
                mo.insert(std::string{d->short_message});
    }

    load_client(asio::io_context& io_, std::vector<std::uint16_t> p, std::string sys, std::string pw, std::string pre,
                std::string dst = "4670111")
        : io{io_}, ports{std::move(p)}, system_id{std::move(sys)}, password{std::move(pw)}, prefix{std::move(pre)},
          destination{std::move(dst)} {}

    void start() {
        running = true;
        asio::co_spawn(io, run(), [this](std::exception_ptr) { done = true; });
    }
    void stop() { running = false; }
    std::size_t answered() const { return ok + error_status; }

    asio::awaitable<void> pause(ms d) {
        asio::steady_timer t{io};
        t.expires_after(d);
        co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    int n = 0; // texts are prefix-n, unique over every start() of this client
    asio::awaitable<void> run() {
        std::size_t next_port = 0;
        while (running) {
            const auto port = ports[next_port % ports.size()];
            harvest();
            harvested = 0;
            e = std::make_unique<esme>();
            tcp::socket sock{io};
            boost::system::error_code ec;
            const auto host = hosts.empty() ? std::string{"127.0.0.1"} : hosts[next_port % hosts.size()];
            sock.connect({asio::ip::make_address(host), port}, ec);
            if (ec) {
                ++next_port;
                co_await pause(50ms);
                continue;
            }
            smpp::session_config cfg;
            cfg.window = window + 2;
            e->s = session::create(std::move(sock), role::esme, cfg);
            e->s->set_handler(e.get());
            e->s->start();
            bind_params bp;
            bp.system_id = system_id;
            bp.password = password;
            auto r = co_await e->s->bind(bind_type::transceiver, bp);
            if (r.ec || r.status != status::ok) {
                e.reset();
                ++next_port;
                co_await pause(50ms);
                continue;
            }
            bound = true;
            bound_port = port;
            binds.push_back(port);
            while (running && !e->closed) {
                if (outstanding < window) {
                    const auto text = prefix + "-" + std::to_string(n++);
                    ++sent;
                    ++outstanding;
                    e->s->send_request(make_submit(destination + std::to_string(n % 1000), text, registered_delivery),
                                       [this, text, port](const error_code& ec, const pdu* resp) {
                                           --outstanding;
                                           if (ec == make_error_code(smpp::session_error::not_bound)) {
                                               ++not_sent;
                                               return;
                                           }
                                           if (ec || !resp) {
                                               ++transport_lost;
                                               return;
                                           }
                                           ++statuses[resp->status];
                                           if (resp->status != status::ok) {
                                               ++error_status;
                                               return;
                                           }
                                           ++ok;
                                           ++accepted_per_port[port];
                                           if (const auto* b = resp->as<submit_sm_resp>())
                                               accepted[text] = std::string{b->message_id};
                                       });
                }
                co_await pause(gap);
            }
            bound = false;
            if (running) ++next_port; // unbound by the node: try the other site
            else {
                // Stop: wait for what is in flight, then unbind.
                for (int i = 0; i < 500 && outstanding > 0 && !e->closed; ++i) co_await pause(10ms);
                if (!e->closed) co_await e->s->unbind();
            }
        }
    }
};

} // namespace twinsms::test
