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

#include "alert/alerter.hpp"
#include "app/node.hpp"
#include "app/front_doors/node_admin.hpp"
#include "app/front_doors/node_http.hpp"
#include "app/front_doors/credit_admin.hpp"
#include "app/front_doors/opt_out_admin.hpp"
#include "app/metrics/node_metrics.hpp"
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

// Re-reads DIR and applies it; the error text when it is refused.
std::string reload(app::node& n, const std::string& dir) {
    try {
        n.apply(load(dir));
        log::info("twinsmsd", "reloaded").kv("config", dir);
        return {};
    } catch (const std::exception& e) {
        log::error("twinsmsd", "reload_refused").kv("config", dir).kv("error", e.what());
        return e.what();
    }
}

// The signal sets live as long as the process runs: a second SIGTERM during
// the graceful stop (systemd, a kill to the process group) must not fall back
// to the default action and kill the daemon mid-flush.
struct signals {
    asio::signal_set stop, hup;
    bool stopping = false;
    signals(asio::io_context& io) : stop{io, SIGINT, SIGTERM}, hup{io, SIGHUP} {}

    using shutdown_fn = std::function<asio::awaitable<void>()>;
    void on_stop(asio::io_context& io, shutdown_fn shutdown) {
        stop.async_wait([this, &io, shutdown](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            if (stopping) {
                log::warn("twinsmsd", "signal_ignored").kv("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT")
                    .kv("why", "already stopping gracefully");
            } else {
                stopping = true;
                log::info("twinsmsd", "signal").kv("signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
                asio::co_spawn(io, [&io, shutdown]() -> asio::awaitable<void> {
                    co_await shutdown();
                    io.stop();
                }, asio::detached);
            }
            on_stop(io, shutdown);
        });
    }
    void on_hup(app::node& n, const std::string& dir) {
        hup.async_wait([this, &n, dir](const boost::system::error_code& ec, int) {
            if (ec) return;
            if (!stopping) reload(n, dir);
            on_hup(n, dir);
        });
    }
};

std::optional<alert::alert_kind> alert_of(cluster::event_kind k) {
    using e = cluster::event_kind;
    switch (k) {
    case e::peer_lost: return alert::alert_kind::peer_lost;
    case e::takeover: return alert::alert_kind::takeover;
    case e::failback: return alert::alert_kind::failback;
    case e::link_trouble: return alert::alert_kind::link_trouble;
    case e::brain_split: return alert::alert_kind::brain_split;
    case e::overflow_on: return alert::alert_kind::overflow_on;
    case e::overflow_off: return alert::alert_kind::overflow_off;
    case e::takeover_refused: return alert::alert_kind::takeover_refused;
    case e::witness_lost: return alert::alert_kind::witness_lost;
    case e::epoch_not_stored: return alert::alert_kind::epoch_not_stored;
    case e::profile_conflict: return alert::alert_kind::profile_conflict;
    case e::sync_degraded: return alert::alert_kind::sync_degraded;
    case e::sync_restored: return alert::alert_kind::sync_restored;
    default: return std::nullopt; // fencing, link restored, switchover steps: logged, not paged
    }
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
        // Valid is not safe: say what a partition would do (still exit 0).
        for (const auto& w : config::partition_warnings(profiles)) std::printf("warning: %s\n", w.c_str());
        if (const auto& w = profiles.node.cluster.witness)
            std::printf("partition-safe: witness %s (key %s, lease %llds)\n", w->endpoints.front().c_str(), w->key.c_str(),
                        static_cast<long long>(w->lease_ttl.count()));
        return 0;
    }
    if (log::level l; log::parse_level(profiles.node.log_level, l)) log::set_level(l);
    std::signal(SIGPIPE, SIG_IGN);

    asio::io_context io{1};
    std::unique_ptr<app::node> n;
    std::unique_ptr<alert::alerter> alerts;
    std::unique_ptr<app::node_admin> admin_backend;
    std::unique_ptr<app::node_http> send_backend; // outlives `admin`, whose routes use it
    std::unique_ptr<app::node_opt_outs> opt_out_backend; // likewise
    std::unique_ptr<app::node_credit> credit_backend;    // likewise
    std::unique_ptr<http::admin_http> admin;
    try {
        n = std::make_unique<app::node>(io, std::move(profiles));
        const auto& node_cfg = n->profiles().node;
        if (node_cfg.alerts.enabled()) {
            alerts = std::make_unique<alert::alerter>(
                io.get_executor(), node_cfg.alerts, node_cfg.id,
                [&n](const std::string& to, const std::string& from, const std::string& text) {
                    n->send_internal_sms(to, from, text);
                });
        }
        const std::string peer = node_cfg.cluster.peer_id;
        n->on_cluster_event([&alerts, peer](const cluster::cluster_event& e) {
            if (!alerts) return;
            if (auto k = alert_of(e.kind)) alerts->raise(*k, "peer " + peer, e.detail);
        });
        // Shared profiles edited here go to the peer; the peer's edits are applied through reload().
        n->replicate_profiles(dir, [&n, dir] { return reload(*n, dir); });
        admin_backend = std::make_unique<app::node_admin>(*n, [&n, dir] { return reload(*n, dir); });
        admin = std::make_unique<http::admin_http>(io.get_executor(), node_cfg.admin, *admin_backend);
        // GET /metrics (Prometheus) on the admin listener, behind the admin
        // token like the rest of the admin API (no public variant on purpose).
        if (admin->enabled())
            admin->routes().add("GET", "/metrics", app::metrics_handler(*n, alerts.get(), node_cfg.admin.token, admin.get(),
                                                                            admin_backend.get()));
        // The client accounts' send API (http/send_api.hpp) on the same listener.
        if (admin->enabled()) {
            send_backend = std::make_unique<app::node_http>(*n);
            http::add_send_routes(admin->routes(), *send_backend);
            opt_out_backend = std::make_unique<app::node_opt_outs>(*n, io.get_executor());
            http::add_opt_out_routes(admin->routes(), node_cfg.admin.token, *admin_backend, *opt_out_backend);
            credit_backend = std::make_unique<app::node_credit>(*n, io.get_executor());
            http::add_credit_routes(admin->routes(), node_cfg.admin.token, *admin_backend, *credit_backend);
        }
        n->start();
        if (admin->enabled()) admin->start();
    } catch (const std::exception& e) {
        log::error("twinsmsd", "start_failed").kv("error", e.what());
        std::fprintf(stderr, "twinsmsd: cannot start: %s\n", e.what());
        return exit_start;
    }
    signals sig{io};
    sig.on_stop(io, [&]() -> asio::awaitable<void> {
        co_await admin->stop();
        co_await n->stop();
        if (alerts) alerts->stop();
    });
    sig.on_hup(*n, dir);
    io.run();
    admin.reset();
    alerts.reset();
    n.reset(); // closes the store after its last commit
    return 0;
}
