// node.yaml: the node's own settings (listeners, store, delivery, cluster,
// TLS, SMTP, admin). Not shared with the peer.
#include <algorithm>

#include "config/profile_files.hpp"
#include "config/reader.hpp"
#include "config/tls.hpp"

namespace twinsms::config {
namespace fs = std::filesystem;

boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r);
guard::credential_guard_config read_auth_guard(const reader& r); // auth_guard.cpp

void read_session(const reader& r, session_settings& s) {
    s.window = static_cast<std::size_t>(r.int_or("window", static_cast<std::int64_t>(s.window), 1, 100'000));
    s.response_timeout = r.duration_or("response_timeout", s.response_timeout);
    s.keepalive.interval = r.duration_or("enquire_link_interval", s.keepalive.interval);
    s.keepalive.misses = static_cast<unsigned>(r.int_or("enquire_link_misses", s.keepalive.misses, 1, 1000));
    s.keepalive.inactivity = r.duration_or("inactivity_timeout", s.keepalive.inactivity);
    s.bind_timeout = r.duration_or("bind_timeout", s.bind_timeout);
}

node_profile read_node(const fs::path& file) {
    const auto r = single_root(file, "node");
    node_profile n;
    n.id = r.at("id").non_empty_str();
    n.role = r.at("role").choice({"primary", "secondary"}) == 0 ? node_role::primary : node_role::secondary;
    if (auto l = r.find("listen_tls"))
        for (const auto& e : l->items()) n.listen_tls.push_back(parse_endpoint(e));
    // A node may listen over TLS only.
    if (auto l = n.listen_tls.empty() ? std::optional{r.at("listen")} : r.find("listen"))
        for (const auto& e : l->items()) n.listen.push_back(parse_endpoint(e));
    if (auto t = r.find("tls")) n.tls = read_server_tls(*t, file.parent_path());
    if (!n.listen_tls.empty() && !n.tls) r.at("listen_tls").fail("needs a node.tls section (certificate, private_key)");
    const auto st = r.at("store");
    n.store.path = st.at("path").non_empty_str();
    n.store.map_size_mb = static_cast<std::uint64_t>(st.int_or("map_size_mb", 1024, 16, 1 << 24));
    n.store.max_map_size_mb = static_cast<std::uint64_t>(st.int_or("max_map_size_mb", 0, 0, 1 << 24));
    if (n.store.max_map_size_mb && n.store.max_map_size_mb < n.store.map_size_mb)
        st.at("max_map_size_mb").fail("must be at least map_size_mb (" + std::to_string(n.store.map_size_mb) + ")");
    if (auto d = st.find("durability")) n.store.mode = d->choice({"sync", "async"}) == 0 ? durability::sync : durability::async;
    n.store.receipt_map_ttl = st.duration_or("receipt_map_ttl", n.store.receipt_map_ttl);
    n.store.log_retention = st.duration_or("log_retention", n.store.log_retention);
    st.finish();
    if (auto d = r.find("delivery")) {
        auto& dv = n.delivery;
        if (auto rt = d->find("retry")) {
            dv.retry_initial = rt->duration_or("initial", dv.retry_initial);
            dv.retry_max = rt->duration_or("max", dv.retry_max);
            dv.max_attempts = static_cast<unsigned>(rt->int_or("max_attempts", dv.max_attempts, 1, 1'000'000));
            if (dv.retry_max < dv.retry_initial) rt->at("max").fail("must be at least retry.initial");
            rt->finish();
        }
        dv.default_validity = d->duration_or("default_validity", dv.default_validity);
        dv.client_delivery_ttl = d->duration_or("client_delivery_ttl", dv.client_delivery_ttl);
        dv.max_backlog = static_cast<std::size_t>(d->int_or("max_backlog", static_cast<long long>(dv.max_backlog), 0, 10'000'000));
        d->finish();
    }
    if (auto lim = r.find("limits")) {
        n.max_pdu_size = static_cast<std::uint32_t>(lim->int_or("max_pdu_size", n.max_pdu_size, 512, 1 << 24));
        n.max_connections = static_cast<std::size_t>(lim->int_or("max_connections", 10'000, 1, 1'000'000));
        lim->finish();
    }
    if (auto cs = r.find("client_sessions")) {
        read_session(*cs, n.client_session);
        cs->finish();
    }
    n.client_session.codec.max_pdu_size = n.max_pdu_size;
    if (auto a = r.find("admin")) {
        n.admin = read_admin(*a);
        if (n.admin.tls && !n.tls) a->at("tls").fail("needs a node.tls section (certificate, private_key)");
        if (n.admin.tls) n.admin.tls = n.tls;
    }
    if (auto a = r.find("alerts")) n.alerts = read_alerts(*a);
    if (auto c = r.find("cluster")) {
        n.cluster = read_cluster(*c, file.parent_path());
        // A slow carrier fills the backlog before the store's queue reaches
        // overflow.high: the secondary would never be asked to help.
        if (const auto& o = n.cluster.overflow; o && n.delivery.max_backlog && n.delivery.max_backlog <= o->high)
            c->at("overflow").fail("high (" + std::to_string(o->high) + ") must be below delivery.max_backlog (" +
                                   std::to_string(n.delivery.max_backlog) + "), or raise that (0: no bound)");
    }
    if (auto rp = r.find("replication")) n.replication = read_replication(*rp, file.parent_path());
    if (auto s = r.find("smtp")) n.smtp = read_smtp_server(*s);
    if (auto g = r.find("auth_guard")) n.auth_guard = read_auth_guard(*g);
    if (auto l = r.find("log_level")) n.log_level = std::string{std::array{"debug", "info", "warn", "error"}[l->choice({"debug", "info", "warn", "error"})]};
    r.finish();
    return n;
}

} // namespace twinsms::config
