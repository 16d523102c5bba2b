// Loopback session throughput: one ESME with a window of 100 submitting
// submit_sm as fast as the window allows to our client_listener, which
// answers each with submit_sm_resp. Server and client run on separate
// threads (one io_context each), as two processes would.
//
//   session_bench [seconds=3] [window=100]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smpp/server/listener.hpp"
#include "util/log.hpp"

namespace asio = boost::asio;
using namespace twinsms;
using namespace twinsms::smpp;
using clock_type = std::chrono::steady_clock;

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
    const std::size_t window = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100;
    log::set_level(log::level::warn);

    // Server thread.
    asio::io_context server_io;
    std::uint64_t next_id = 0;
    client_account acc;
    acc.system_id = "bench";
    acc.password = "bench";
    listener_config lc;
    lc.endpoint = {asio::ip::make_address("127.0.0.1"), 0};
    lc.session.max_incoming_pending = window * 2;
    auto listener = std::make_shared<client_listener>(
        server_io.get_executor(), lc, std::make_shared<account_table>(std::vector{acc}),
        [&next_id](session& s, const client_account&, const pdu& req) {
            char id[24];
            const int n = std::snprintf(id, sizeof id, "%llx", static_cast<unsigned long long>(++next_id));
            pdu r{status::ok, req.sequence_number, submit_sm_resp{}};
            r.as<submit_sm_resp>()->message_id = std::string_view{id, static_cast<std::size_t>(n)};
            s.respond(r);
        });
    listener->start();
    const auto port = listener->local_endpoint().port();
    auto server_work = asio::make_work_guard(server_io);
    std::thread server_thread{[&] { server_io.run(); }};

    // Client thread.
    asio::io_context client_io;
    std::uint64_t answered = 0, failed = 0, sent = 0;
    bool sending = true;
    clock_type::time_point end{};
    double elapsed = 0;
    std::size_t writes = 0;
    asio::co_spawn(
        client_io,
        [&]() -> asio::awaitable<void> {
            asio::ip::tcp::socket sock{client_io};
            co_await sock.async_connect({asio::ip::make_address("127.0.0.1"), port}, asio::use_awaitable);
            session_config sc;
            sc.window = window;
            auto s = session::create(std::move(sock), role::esme, sc);
            s->start();
            auto b = co_await s->bind(bind_type::transmitter, {"bench", "bench", "", 0x34, 0, 0, ""});
            if (b.status != status::ok) {
                std::fprintf(stderr, "bind failed: %s\n", status_name(b.status).c_str());
                co_return;
            }
            const std::string text(160, 'x');
            pdu p{status::ok, 0, submit_sm{}};
            auto& sm = *p.as<submit_sm>();
            sm.source_addr = "12345";
            sm.destination_addr = "447700900123";
            sm.registered_delivery = 1;
            sm.short_message = text;
            const auto start = clock_type::now();
            const auto stop_at = start + std::chrono::duration<double>(seconds);
            while (clock_type::now() < stop_at) {
                if (s->window_full()) co_await s->wait_for_window();
                if (s->closed()) break;
                ++sent;
                s->send_request(p, [&](const error_code& ec, const pdu* r) {
                    if (!ec && r->status == status::ok) ++answered;
                    else ++failed;
                    if (!sending && answered + failed == sent) end = clock_type::now();
                });
            }
            sending = false;
            if (answered + failed == sent) end = clock_type::now();
            // unbind() first waits for every outstanding response.
            co_await s->unbind();
            elapsed = std::chrono::duration<double>(end - start).count();
            writes = s->stats().writes;
        },
        asio::detached);
    client_io.run();

    asio::post(server_io, [&] { asio::co_spawn(server_io, listener->stop(), asio::detached); });
    server_work.reset();
    server_thread.join();

    const double rate = elapsed > 0 ? static_cast<double>(answered) / elapsed : 0;
    std::printf("submits answered: %llu, failed: %llu, in %.2f s, client writes: %zu (%.1f PDUs per write)\n",
                static_cast<unsigned long long>(answered), static_cast<unsigned long long>(failed), elapsed, writes,
                writes ? static_cast<double>(answered) / static_cast<double>(writes) : 0.0);
    std::printf("session_window: %zu pdus\n", window);
    std::printf("session_submit_throughput: %.0f pdus/s\n", rate);
    return answered > 0 && failed == 0 ? 0 : 1;
}
