// twinsms-smsc-sim: the carrier simulator as a process, driven by its
// command line and by line commands on stdin (see control.hpp).
//
// stdout carries machine-readable lines: "listening addr=H:P port=P" once
// bound, command replies, the per-second stats lines (--stats) and the final
// "name: value unit" block. Logs go to stderr.
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "cli.hpp"
#include "control.hpp"
#include "smsc_sim.hpp"
#include "util/log.hpp"

using namespace twinsms;
using namespace twinsms::sim;
namespace asio = boost::asio;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

void out_line(const std::string& s) {
    std::string l = s;
    l += '\n';
    std::fwrite(l.data(), 1, l.size(), stdout);
    std::fflush(stdout);
}

// Reads stdin lines on its own thread and posts each to the io_context.
// Polls so that it can be stopped; end of input just stops reading (the
// simulator keeps running when started with stdin closed or /dev/null).
class stdin_reader {
public:
    template <class OnLine> void start(asio::io_context& io, OnLine on_line) {
        thread_ = std::thread([this, &io, on_line] {
            std::string pending;
            char buf[4096];
            while (!stop_) {
                pollfd p{STDIN_FILENO, POLLIN, 0};
                const int r = ::poll(&p, 1, 100);
                if (r < 0 && errno != EINTR) return;
                if (r <= 0) continue;
                const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
                if (n <= 0) {
                    if (n < 0 && errno == EINTR) continue;
                    if (!pending.empty()) asio::post(io, [on_line, l = pending] { on_line(l); });
                    return;
                }
                pending.append(buf, static_cast<std::size_t>(n));
                for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n')) {
                    std::string line = pending.substr(0, nl);
                    if (!line.empty() && line.back() == '\r') line.pop_back();
                    pending.erase(0, nl + 1);
                    asio::post(io, [on_line, l = std::move(line)] { on_line(l); });
                }
            }
        });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    ~stdin_reader() { stop(); }

private:
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

} // namespace

int main(int argc, char** argv) {
    std::string err;
    auto parsed = parse_cli(argc, argv, err);
    if (!parsed) {
        std::fprintf(stderr, "twinsms-smsc-sim: %s\n%s", err.c_str(), cli_usage().c_str());
        return 2;
    }
    cli_options& opt = *parsed;
    if (opt.help) {
        std::fputs(cli_usage().c_str(), stdout);
        return 0;
    }
    log::level lvl{};
    if (!log::parse_level(opt.log_level, lvl)) {
        std::fprintf(stderr, "twinsms-smsc-sim: bad --log-level '%s'\n", opt.log_level.c_str());
        return 2;
    }
    log::set_level(lvl);
    std::signal(SIGPIPE, SIG_IGN);

    if (!opt.tls.certificate.empty()) {
        try {
            opt.sim.tls = tls::server_context(opt.tls);
        } catch (const tls::setup_error& e) {
            std::fprintf(stderr, "twinsms-smsc-sim: %s\n", e.what());
            return 2;
        }
    }
    asio::io_context io{1};
    smsc_simulator sim{io, opt.sim};
    try {
        sim.start();
    } catch (const boost::system::system_error& e) {
        log::error("sim", "listen_failed").kv("error", e.what());
        return 1;
    }
    if (opt.throttle_every) sim.throttle_every(opt.throttle_every);
    if (opt.fail_status) sim.fail_with(*opt.fail_status);
    if (opt.drop) sim.set_drop(true);
    if (opt.response_delay.count() > 0) sim.set_response_delay(opt.response_delay);

    const auto ep = sim.local_endpoint();
    out_line("listening addr=" + ep.address().to_string() + ":" + std::to_string(ep.port()) +
             " port=" + std::to_string(ep.port()));
    const auto began = std::chrono::steady_clock::now();

    asio::signal_set signals{io, SIGINT, SIGTERM};
    asio::steady_timer stats_timer{io}, mo_timer{io};
    stdin_reader reader;
    bool quitting = false;

    auto finish = [&](const char* why) {
        if (quitting) return;
        quitting = true;
        log::info("sim", "stopping").kv("why", why);
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await sim.shutdown();
            signals.cancel();
            stats_timer.cancel();
            mo_timer.cancel();
            io.stop();
        }, asio::detached);
    };

    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (!ec) finish(sig == SIGINT ? "SIGINT" : "SIGTERM");
    });

    if (opt.stats) {
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            sim_counters prev = sim.counters();
            auto last = std::chrono::steady_clock::now();
            auto next = last;
            while (!quitting) {
                next += std::chrono::seconds(1);
                stats_timer.expires_at(next);
                auto [ec] = co_await stats_timer.async_wait(use_tuple);
                if (ec || quitting) co_return;
                const auto now = std::chrono::steady_clock::now();
                const double secs = std::chrono::duration<double>(now - last).count();
                out_line(stats_logfmt(sim, &prev, secs));
                prev = sim.counters();
                last = now;
            }
        }, asio::detached);
    }

    if (opt.mo_every.count() > 0) {
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            while (!quitting) {
                mo_timer.expires_after(opt.mo_every);
                auto [ec] = co_await mo_timer.async_wait(use_tuple);
                if (ec || quitting) co_return;
                sim.send_mo(opt.mo_account, opt.mo_from, opt.mo_to, opt.mo_text);
            }
        }, asio::detached);
    }

    reader.start(io, [&](const std::string& line) {
        if (quitting) return;
        auto r = run_command(sim, line);
        if (!r.text.empty()) out_line(r.text);
        if (r.quit) finish("quit");
    });

    io.run();
    reader.stop();
    const double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    const std::string block = stats_block(sim, uptime);
    std::fwrite(block.data(), 1, block.size(), stdout);
    std::fflush(stdout);
    return 0;
}
