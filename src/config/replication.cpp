// node.yaml `replication:` (replication.hpp).
#include "config/replication.hpp"

#include <array>

#include "config/reader.hpp"

namespace twinsms::config {

boost::asio::ip::tcp::endpoint parse_endpoint(const reader& r); // profiles.cpp

replication_settings read_replication(const reader& r, const std::filesystem::path& base) {
    replication_settings s;
    s.mode = replication_mode::sync;
    if (auto m = r.find("mode")) s.mode = std::array{replication_mode::off, replication_mode::async,
                                                     replication_mode::sync}[m->choice({"off", "async", "sync"})];
    s.timeout = r.duration_or("timeout", s.timeout);
    if (auto l = r.find("listen")) s.listen = parse_endpoint(*l);
    if (auto p = r.find("peer")) s.peer = parse_endpoint(*p);
    if (auto t = r.find("token")) s.token = t->secret();
    if (auto p = r.find("replica_path")) s.replica_path = p->non_empty_str();
    s.buffer_mb = static_cast<std::uint64_t>(r.int_or("buffer_mb", static_cast<std::int64_t>(s.buffer_mb), 1, 16'384));
    if (auto t = r.find("tls")) s.tls = read_channel_tls(*t, base);
    s.profiles = {.clients = true, .carriers = true};
    if (auto p = r.find("profiles")) {
        s.profiles = {};
        for (const auto& k : p->items()) {
            const auto i = k.choice({"clients", "carriers", "routes"});
            (i == 0 ? s.profiles.clients : i == 1 ? s.profiles.carriers : s.profiles.routes) = true;
        }
    }
    if (s.mode != replication_mode::off) {
        if (!s.listen) r.fail("replication needs listen (where the peer's receiver connects)");
        if (!s.peer) r.fail("replication needs peer (the peer's replication listen address)");
        if (s.token.size() < 16) r.fail("replication needs a token of at least 16 characters (the same on both nodes)");
    }
    r.finish();
    return s;
}

} // namespace twinsms::config
