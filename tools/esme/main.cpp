// twinsms-esme: a small SMPP client (ESME) for demos and manual checks.
// Binds, submits messages, prints the answers, receipts and MO it gets.
//
//   twinsms-esme --port 2775 --system-id demo --password demo123
//                --count 5 --to 447700900001 --text "hello" --wait 10
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smpp/session/session.hpp"
#include "util/log.hpp"

namespace asio = boost::asio;
using namespace twinsms;
using namespace twinsms::smpp;

namespace {

struct options {
    std::string host = "127.0.0.1";
    std::string port = "2775";
    std::string system_id = "demo";
    std::string password = "demo123";
    std::string from = "TWINSMS";
    std::string to = "447700900001";
    std::string text = "Hello from twinsms";
    int count = 1;
    int want_mo = 0;         // keep waiting until this many MO arrived
    int receipts_wait_s = 0; // wait this long for receipts/MO after submitting
    bool receipt = true;
};

void usage() {
    std::puts("usage: twinsms-esme [--host H] [--port P] [--system-id ID] [--password PW] [--from A] [--to B]\n"
              "                    [--text T] [--count N] [--no-receipt] [--wait SECONDS] [--mo N]\n"
              "  --wait: wait up to SECONDS for receipts of accepted messages and for N MO (--mo)");
}

bool parse(int argc, char** argv, options& o) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) return false;
            out = argv[++i];
            return true;
        };
        std::string n;
        if (a == "--host" && value(o.host)) continue;
        if (a == "--port" && value(o.port)) continue;
        if (a == "--system-id" && value(o.system_id)) continue;
        if (a == "--password" && value(o.password)) continue;
        if (a == "--from" && value(o.from)) continue;
        if (a == "--to" && value(o.to)) continue;
        if (a == "--text" && value(o.text)) continue;
        if (a == "--count" && value(n)) { o.count = std::atoi(n.c_str()); continue; }
        if (a == "--wait" && value(n)) { o.receipts_wait_s = std::atoi(n.c_str()); continue; }
        if (a == "--mo" && value(n)) { o.want_mo = std::atoi(n.c_str()); continue; }
        if (a == "--no-receipt") { o.receipt = false; continue; }
        return false;
    }
    return o.count >= 0;
}

class printer final : public session_handler {
public:
    int receipts = 0, mo = 0;
    void on_request(session& s, const pdu& req) override {
        if (const auto* d = req.as<deliver_sm>()) {
            if (d->esm_class & 0x04) {
                ++receipts;
                std::printf("receipt  from=%.*s text=\"%.*s\"\n", int(d->source_addr.size()), d->source_addr.data(),
                            int(d->short_message.size()), d->short_message.data());
            } else {
                ++mo;
                std::printf("mo       from=%.*s to=%.*s text=\"%.*s\"\n", int(d->source_addr.size()),
                            d->source_addr.data(), int(d->destination_addr.size()), d->destination_addr.data(),
                            int(d->short_message.size()), d->short_message.data());
            }
            std::fflush(stdout);
        }
        s.respond_status(req, status::ok);
    }
};

} // namespace

int main(int argc, char** argv) {
    options o;
    if (!parse(argc, argv, o)) {
        usage();
        return 2;
    }
    log::set_level(log::level::warn);
    asio::io_context io;
    printer h;
    int accepted = 0, rejected = 0, rc = 1;
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
        constexpr auto tuple = asio::as_tuple(asio::use_awaitable);
        asio::ip::tcp::resolver resolver{io};
        auto [rec, eps] = co_await resolver.async_resolve(o.host, o.port, tuple);
        asio::ip::tcp::socket sock{io};
        auto [cec, ep] = co_await asio::async_connect(sock, eps, tuple);
        if (rec || cec) {
            std::fprintf(stderr, "twinsms-esme: cannot connect to %s:%s: %s\n", o.host.c_str(), o.port.c_str(),
                         (rec ? rec : cec).message().c_str());
            co_return;
        }
        session_config cfg;
        cfg.name = o.system_id;
        auto s = session::create(std::move(sock), role::esme, cfg);
        s->set_handler(&h);
        s->start();
        auto b = co_await s->bind(bind_type::transceiver, {o.system_id, o.password, "", 0x34, 0, 0, ""});
        if (b.ec || b.status != status::ok) {
            std::fprintf(stderr, "twinsms-esme: bind refused: %s\n",
                         b.ec ? b.ec.message().c_str() : status_name(b.status).c_str());
            s->close();
            co_return;
        }
        std::printf("bound    system_id=%s smsc=%s\n", o.system_id.c_str(), b.system_id.c_str());
        for (int i = 1; i <= o.count; ++i) {
            const std::string text = o.count > 1 ? o.text + " #" + std::to_string(i) : o.text;
            pdu p{status::ok, 0, submit_sm{}};
            auto& sm = *p.as<submit_sm>();
            sm.source_addr_ton = 5;
            sm.source_addr = o.from;
            sm.dest_addr_ton = 1;
            sm.dest_addr_npi = 1;
            sm.destination_addr = o.to;
            sm.registered_delivery = o.receipt ? 1 : 0;
            sm.short_message = text;
            auto [ec, r] = co_await s->async_request(p, tuple);
            if (ec) {
                std::printf("submit   #%d failed: %s\n", i, ec.message().c_str());
                ++rejected;
                continue;
            }
            const auto* resp = r->as<submit_sm_resp>();
            if (r->status == status::ok && resp) {
                ++accepted;
                std::printf("submit   #%d accepted id=%.*s\n", i, int(resp->message_id.size()), resp->message_id.data());
            } else {
                ++rejected;
                std::printf("submit   #%d rejected status=%s\n", i, status_name(r->status).c_str());
            }
            std::fflush(stdout);
        }
        // Receipts and MO arrive on this transceiver bind while we wait.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(o.receipts_wait_s);
        asio::steady_timer t{io};
        while (std::chrono::steady_clock::now() < until && !s->closed() &&
               !((!o.receipt || h.receipts >= accepted) && h.mo >= o.want_mo)) {
            t.expires_after(std::chrono::milliseconds(100));
            co_await t.async_wait(tuple);
        }
        co_await s->unbind();
        std::printf("done     accepted=%d rejected=%d receipts=%d mo=%d\n", accepted, rejected, h.receipts, h.mo);
        rc = rejected == 0 ? 0 : 1;
    }, asio::detached);
    io.run();
    return rc;
}
