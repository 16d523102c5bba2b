// twinsmsd: one twinsms node.
//
//   twinsmsd --config DIR     run the node described by the profiles in DIR
//   twinsmsd --check DIR      validate DIR and exit
//
// Exit codes: 0 stopped cleanly (SIGTERM/SIGINT), 2 usage, 3 invalid
// profiles, 4 cannot start (store or listen address unusable).
// SIGHUP re-reads DIR: a valid set is applied without dropping unaffected
// sessions; an invalid one is refused (logged) and the old one keeps running.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "app/node.hpp"
#include "config/reader.hpp"
#include "util/log.hpp"

namespace asio = boost::asio;
using namespace twinsms;

namespace {

// A relative store path is relative to the profile folder, so a folder can
// be copied and run anywhere (the demo does).
config::profile_set load(const std::string& dir) {
    auto p = config::load_profiles(dir);
    if (p.node.store.path.is_relative()) p.node.store.path = std::filesystem::path{dir} / p.node.store.path;
    return p;
}

constexpr int exit_usage = 2, exit_config = 3, exit_start = 4;

int usage(std::FILE* to) {
    std::fputs("usage: twinsmsd --config DIR | --check DIR | --help\n"
               "  --config DIR  run the node whose profiles are in DIR (node.yaml, clients/, carriers/, routes.yaml)\n"
               "  --check DIR   validate the profiles in DIR and exit (0 valid, 3 invalid)\n"
               "exit codes: 0 clean stop, 2 usage, 3 invalid profiles, 4 cannot start\n",
               to);
    return to == stdout ? 0 : exit_usage;
}

void wait_for_signals(asio::io_context& io, app::node& n, const std::string& dir) {
    auto stop = std::make_shared<asio::signal_set>(io, SIGINT, SIGTERM);
    stop->async_wait([&io, &n, stop](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        log::info("twinsmsd", "signal").kv("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        asio::co_spawn(io, [&]() -> asio::awaitable<void> {
            co_await n.stop();
            io.stop();
        }, asio::detached);
    });
    auto hup = std::make_shared<asio::signal_set>(io, SIGHUP);
    auto on_hup = std::make_shared<std::function<void(const boost::system::error_code&, int)>>();
    *on_hup = [&n, dir, hup, on_hup](const boost::system::error_code& ec, int) {
        if (ec) return;
        try {
            n.apply(load(dir));
            log::info("twinsmsd", "reloaded").kv("config", dir);
        } catch (const std::exception& e) {
            log::error("twinsmsd", "reload_refused").kv("config", dir).kv("error", e.what());
        }
        hup->async_wait(*on_hup);
    };
    hup->async_wait(*on_hup);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h"))) return usage(stdout);
    if (argc != 3 || (std::strcmp(argv[1], "--config") && std::strcmp(argv[1], "--check"))) return usage(stderr);
    const std::string dir = argv[2];
    const bool check_only = !std::strcmp(argv[1], "--check");

    config::profile_set profiles;
    try {
        profiles = load(dir);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "twinsmsd: %s\n", e.what());
        return exit_config;
    }
    if (check_only) {
        std::printf("%s: valid (node %s, %zu clients, %zu carriers, %zu routes, %zu MO routes)\n", dir.c_str(),
                    profiles.node.id.c_str(), profiles.clients.size(), profiles.carriers.size(),
                    profiles.routes.size(), profiles.mo_routes.size());
        return 0;
    }
    if (log::level l; log::parse_level(profiles.node.log_level, l)) log::set_level(l);
    std::signal(SIGPIPE, SIG_IGN);

    asio::io_context io{1};
    std::unique_ptr<app::node> n;
    try {
        n = std::make_unique<app::node>(io, std::move(profiles));
        n->start();
    } catch (const std::exception& e) {
        log::error("twinsmsd", "start_failed").kv("error", e.what());
        std::fprintf(stderr, "twinsmsd: cannot start: %s\n", e.what());
        return exit_start;
    }
    wait_for_signals(io, *n, dir);
    io.run();
    n.reset(); // closes the store after its last commit
    return 0;
}
