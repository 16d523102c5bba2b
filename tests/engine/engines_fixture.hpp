#pragma once
// Message engines over their own stores in one process, sharing one carrier
// pool and a carrier simulator (the shape a survivor runs after a takeover:
// its own store and the peer's replica). What the carrier sends goes to
// engine a, and to b when a has no message for it: the node's chain.
#include <boost/test/unit_test.hpp>

#include <set>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

#include "app/node_harness.hpp"
#include "engine/message_engine.hpp"
#include "route/receipt_text.hpp"

namespace twinsms::test {
using namespace std::chrono_literals;


// Records the client receipts an engine delivers and acknowledges them
// (later, on the executor, as the sink contract says).
struct recording_sink : engine::delivery_sink {
    asio::any_io_executor ex;
    std::vector<store::delivery> got;
    explicit recording_sink(asio::any_io_executor e) : ex{std::move(e)} {}
    bool accepts(const store::delivery&) const override { return true; }
    bool has_room() const override { return true; }
    void deliver(const store::delivery& d, done_fn done) override {
        got.push_back(d);
        asio::post(ex, [done = std::move(done)] { done(result::delivered, {}); });
    }
    std::chrono::milliseconds retry_delay(unsigned) const override { return 10ms; }
};

struct engine_site {
    std::unique_ptr<store::message_store> st;
    std::shared_ptr<recording_sink> sink;
    std::unique_ptr<engine::message_engine> engine;
};

struct engines_fixture {
    asio::io_context io;
    temp_dir dir;
    std::unique_ptr<sim::smsc_simulator> carrier;
    std::unique_ptr<engine::carrier_pool> pool;
    std::shared_ptr<route::route_table> routes;
    smpp::client_account acme;
    engine_site a, b;
    // Engine a's port for the peer's exact mappings (set before start_engine(a)).
    engine::dispatcher::mapped_fn a_mapped_elsewhere;

    engines_fixture() {
        acme.system_id = "acme";
        sim::smsc_config c;
        c.accounts = {{"twinsms", "carpw1"}};
        c.link_faults = false;
        // Ids that read as one number only: a numeric id is also tried in
        // its other base (carriers print receipts either way), and across
        // two stores that second reading can belong to the other store's
        // message. Which store owns a receipt is then the chain's question
        // (exact form in every store first); this test is about the engines.
        c.id_prefix = "sim-";
        carrier = std::make_unique<sim::smsc_simulator>(io, c);
        carrier->start();
        routes = std::make_shared<route::route_table>(std::vector<config::route_rule>{route_to("all", {"sim"})});
        // What the carrier sends goes to engine a, and to b when a has no
        // message for it: the node's chain for its own store and a replica.
        pool = std::make_unique<engine::carrier_pool>(
            io.get_executor(),
            [this](const std::string& carrier, const smpp::pdu& p, smpp::responder r) {
                a.engine->on_carrier_deliver(carrier, p, std::move(r), [this, &carrier, &p](engine::dispatcher::status_fn done) {
                    const auto info = route::read_receipt(*p.as<smpp::deliver_sm>());
                    b.engine->dispatch().on_receipt(carrier, info->message_id, static_cast<std::uint8_t>(*info->state),
                                                    info->err.value_or(0), std::move(done));
                });
            },
            [this] {
                for (auto* s : {&a, &b})
                    if (s->engine) s->engine->dispatch().links_changed();
            });
        open_store(a, "a", 1);
        open_store(b, "b", std::uint64_t{1} << 60);
        start_engine(a);
        start_engine(b);
    }
    ~engines_fixture() {
        for (auto* s : {&a, &b})
            if (s->engine) s->engine->stop();
        bool done = false;
        asio::co_spawn(io, pool->stop(), [&](std::exception_ptr) { done = true; });
        run_until(io, [&] { return done; }, 10s);
    }

    void open_store(engine_site& s, const std::string& name, std::uint64_t id_base) {
        store::store_options o;
        o.path = dir.path / name;
        o.map_size = 16 << 20;
        o.sync = false;
        o.message_id_base = id_base;
        s.st = std::make_unique<store::message_store>(o);
        s.sink = std::make_shared<recording_sink>(asio::any_io_executor{io.get_executor()});
    }
    void start_engine(engine_site& s) {
        engine::engine_config cfg;
        cfg.dispatch.rescan_interval = 50ms;
        cfg.deliveries.tick = 20ms;
        engine::engine_ports ports;
        ports.receivers = [](std::string_view) { return std::vector<std::shared_ptr<smpp::session>>{}; };
        ports.sink = [sink = s.sink](std::string_view) { return sink; };
        ports.profile_of = [](std::string_view id) { return std::string{id}; };
        if (&s == &a && a_mapped_elsewhere) ports.mapped_elsewhere = a_mapped_elsewhere;
        s.engine = std::make_unique<engine::message_engine>(io.get_executor(), *s.st, *pool, routes, route::mo_router{},
                                                         cfg, std::move(ports), engine::system_now);
        s.engine->start();
    }
    void carriers_up() {
        pool->apply({carrier_profile("sim", carrier->port())});
        BOOST_REQUIRE(run_until(io, [&] { return pool->up("sim"); }, 10s));
    }
    // `n` messages with receipts submitted to `s` as acme; their ids once committed.
    std::vector<store::message_id> submit(engine_site& s, int n, const std::string& text) {
        // The PDU's fields are views: the numbers live here until the commit.
        std::vector<std::string> numbers(n);
        std::vector<smpp::submit_sm> sms(n);
        for (int i = 0; i < n; ++i) {
            numbers[i] = "4479" + std::to_string(1000000 + i);
            sms[i].destination_addr = numbers[i];
            sms[i].short_message = text;
            sms[i].registered_delivery = 1;
        }
        std::optional<std::vector<store::message_id>> ids;
        const auto st = s.engine->submissions().submit_batch(sms, acme, "test", [&](const store::error_code& ec, auto v) {
            BOOST_REQUIRE(!ec);
            ids = std::move(v);
        });
        BOOST_REQUIRE_EQUAL(st, smpp::status::ok);
        BOOST_REQUIRE(run_until(io, [&] { return ids.has_value(); }, 5s));
        return *ids;
    }
    bool all_delivered(const engine_site& s, const std::vector<store::message_id>& ids) const {
        for (auto id : ids) {
            auto m = s.st->get(id);
            if (!m || m->state != store::msg_state::delivered) return false;
        }
        return true;
    }
};

std::set<std::uint64_t> receipt_messages(const recording_sink& s) {
    std::set<std::uint64_t> out;
    for (const auto& d : s.got) out.insert(d.message.value);
    return out;
}

std::set<std::uint64_t> values(const std::vector<store::message_id>& ids) {
    std::set<std::uint64_t> out;
    for (auto id : ids) out.insert(id.value);
    return out;
}

} // namespace twinsms::test
