#pragma once
// In-process harness for a whole twinsms node: carrier simulators on
// ephemeral ports, a node (store in a temporary folder) wired to them, and
// client sessions bound to the node. One io_context runs everything; the
// helpers run it until an observable condition holds (no sleeps).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <random>

#include "app/node.hpp"
#include "sim/sim_harness.hpp"

namespace twinsms::store {
inline std::ostream& operator<<(std::ostream& o, msg_state s) { return o << to_string(s); }
} // namespace twinsms::store

namespace twinsms::test {

namespace fs = std::filesystem;

struct temp_dir {
    fs::path path;
    temp_dir() {
        std::random_device rd;
        path = fs::temp_directory_path() / ("twinsms-node-test-" + std::to_string(rd()) + std::to_string(rd()));
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

inline config::client_profile client_profile(std::string name, std::string pw) {
    config::client_profile c;
    c.name = name;
    c.account.system_id = name;
    c.account.password = std::move(pw);
    return c;
}

inline config::carrier_profile carrier_profile(std::string name, unsigned short port) {
    config::carrier_profile c;
    c.name = name;
    c.link.name = name;
    c.link.port = port;
    c.link.system_id = "twinsms";
    c.link.password = "carpw1";
    c.link.session.window = 20;
    c.link.reconnect.initial = std::chrono::milliseconds(50);
    c.link.reconnect.max = std::chrono::milliseconds(200);
    return c;
}

inline config::route_rule route_to(std::string name, std::vector<std::string> carriers,
                                config::route_strategy s = config::route_strategy::failover,
                                std::vector<std::string> prefixes = {}) {
    config::route_rule r;
    r.name = std::move(name);
    r.strategy = s;
    r.prefixes = std::move(prefixes);
    for (auto& c : carriers) r.carriers.push_back({std::move(c), 1});
    return r;
}

// An MO rule that sends every MO (no prefixes) to the client profile `client`.
inline config::mo_rule mo_to_client(std::string name, std::string client) {
    config::mo_rule mo;
    mo.name = std::move(name);
    mo.client = std::move(client);
    return mo;
}

struct node_fixture {
    asio::io_context io;
    temp_dir dir;
    std::vector<std::unique_ptr<sim::smsc_simulator>> sims;
    config::profile_set profiles;
    app::node_tuning tuning;
    std::unique_ptr<app::node> node;

    node_fixture() {
        profiles.node.id = "test";
        profiles.node.listen = {tcp::endpoint{asio::ip::make_address("127.0.0.1"), 0}};
        profiles.node.store.path = dir.path / "store";
        profiles.node.store.map_size_mb = 16;
        profiles.clients = {client_profile("acme", "secret"), client_profile("beta", "pw2")};
        profiles.node.delivery.retry_initial = std::chrono::milliseconds(100);
        profiles.node.delivery.retry_max = std::chrono::milliseconds(400);
        tuning.dispatch.rescan_interval = std::chrono::milliseconds(50);
        tuning.deliveries.retry_after = std::chrono::milliseconds(100);
        tuning.deliveries.tick = std::chrono::milliseconds(50);
    }
    ~node_fixture() {
        stop_node();
        sims.clear();
    }

    // A carrier simulator, and a carrier profile named `name` pointing at it.
    sim::smsc_simulator& add_carrier(std::string name) {
        sim::smsc_config c;
        c.accounts = {{"twinsms", "carpw1"}};
        c.link_faults = false;
        sims.push_back(std::make_unique<sim::smsc_simulator>(io, c));
        sims.back()->start();
        profiles.carriers.push_back(carrier_profile(std::move(name), sims.back()->port()));
        return *sims.back();
    }

    void start_node() {
        node = std::make_unique<app::node>(io, profiles, tuning);
        node->start();
    }
    void stop_node() {
        if (!node) return;
        bool done = false;
        asio::co_spawn(io, node->stop(), [&](std::exception_ptr) { done = true; });
        run_until(io, [&] { return done; }, std::chrono::seconds(15));
        node.reset();
    }

    template <class Pred> void run(Pred p, milliseconds limit = std::chrono::seconds(10)) {
        BOOST_REQUIRE(run_until(io, p, limit));
    }
    // Runs until every carrier link is bound.
    void wait_carriers_up() {
        run([&] {
            for (const auto& l : node->carriers().links())
                if (!l.bound) return false;
            return true;
        });
    }

    std::unique_ptr<esme> client(bind_type t = bind_type::transceiver, std::string_view sys = "acme",
                                 std::string_view pw = "secret") {
        auto e = connect_esme(io, node->endpoints().at(0));
        BOOST_REQUIRE_EQUAL(bind_esme(io, *e, t, sys, pw), status::ok);
        return e;
    }

    answer request(esme& e, const pdu& p) { return request_answer(io, e, p); }

    std::optional<store::message> stored(const std::string& id, std::string_view account = "acme") {
        store::message_id mid;
        if (!store::message_id::parse(id, mid)) return std::nullopt;
        return node->dispatch().find(mid, account);
    }
    // Runs until the message reaches `s`.
    void wait_state(const std::string& id, store::msg_state s) {
        run([&] {
            auto m = stored(id);
            return m && m->state == s;
        });
    }
};

} // namespace twinsms::test
