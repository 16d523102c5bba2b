// Losing a node of the pair to kill -9: site2 takes over from a dead site1
// while a client keeps submitting (carrier and alpha on site2, how long it
// took, nothing accepted lost), site1 returns fenced and gets its role back
// after the hold at a higher epoch; with the default keepalive (1 s x 3)
// the takeover stays within 5 s; site1 takes over from a dead site2 and
// serves bravo, with the MO that waited for it.
#define BOOST_TEST_MODULE pair_failover
#include "pair/pair_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct takeover_figures {
    ms carrier{0}, alpha{0}, verdict{0};
    ms total() const { return std::max(carrier, alpha); }
};

struct failover_fixture : pair_fixture {
    using pair_fixture::pair_fixture;

    // kill -9 site1, then until site2 has bound the carrier itself and
    // accepts alpha's bind (tried every 20 ms): the takeover time.
    takeover_figures kill_primary_and_measure(std::unique_ptr<esme>& alpha, ms limit = 15s) {
        const auto from = s2.mark();
        const auto t0 = steady::now();
        kill9(s1);
        std::optional<ms> carrier_at, verdict_at;
        // Shared with the bind loop, which may outlive this call by one attempt.
        struct attempts {
            bool stop = false;
            std::optional<ms> alpha_at;
            std::unique_ptr<esme> alpha;
        };
        auto st = std::make_shared<attempts>();
        asio::co_spawn(io, [st, t0, port = s2.smpp_port, &io = io]() -> asio::awaitable<void> {
            while (!st->stop) {
                auto e = std::make_unique<esme>();
                tcp::socket sock{io};
                boost::system::error_code ec;
                sock.connect({asio::ip::make_address("127.0.0.1"), port}, ec);
                if (!ec) {
                    e->s = session::create(std::move(sock), role::esme, smpp::session_config{});
                    e->s->set_handler(e.get());
                    e->s->start();
                    bind_params bp;
                    bp.system_id = "alpha";
                    bp.password = "alpha1";
                    auto r = co_await e->s->bind(bind_type::transceiver, bp);
                    if (!r.ec && r.status == status::ok) {
                        st->alpha_at = std::chrono::duration_cast<ms>(steady::now() - t0);
                        st->alpha = std::move(e);
                        co_return;
                    }
                }
                asio::steady_timer t{io};
                t.expires_after(20ms);
                co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
            }
        }, asio::detached);
        const bool ok = wait([&] {
            const auto now = std::chrono::duration_cast<ms>(steady::now() - t0);
            if (!carrier_at && s2.has("carrier", "bound", {{"carrier", "sim"}}, from)) carrier_at = now;
            if (!verdict_at && s2.has("cluster", "verdict", {{"verdict", "dead"}}, from)) verdict_at = now;
            return carrier_at && st->alpha_at;
        }, limit);
        st->stop = true;
        alpha = std::move(st->alpha);
        const auto alpha_at = st->alpha_at;
        BOOST_REQUIRE_MESSAGE(ok, "no takeover within " << limit.count() << " ms (carrier "
                                  << (carrier_at ? "bound" : "not bound") << ", alpha " << (alpha_at ? "accepted" : "refused") << ")");
        takeover_figures f{*carrier_at, *alpha_at, verdict_at.value_or(ms{-1})};
        return f;
    }
};

struct default_timings : failover_fixture {
    default_timings() : failover_fixture(pair_options{.interval = "1s"}) {}
};

std::int64_t epoch_of(const json::object& st) { return st.at("node").as_object().at("epoch").to_number<std::int64_t>(); }

} // namespace

BOOST_FIXTURE_TEST_CASE(kill9_primary_under_load_takeover_fencing_failback, failover_fixture) {
    start_pair();
    const auto epoch0 = epoch_of(status(s2));
    load_client load{io, {s2.smpp_port}, "bravo", "bravo1", "load"};
    load.start();
    require([&] { return load.ok >= 40; }, "bravo's load flowing through site1");

    std::unique_ptr<esme> alpha;
    const auto f = kill_primary_and_measure(alpha);
    std::cout << "takeover_ms: " << f.total().count() << " ms (keepalive " << opt.interval << " x " << opt.misses
              << "; verdict dead after " << f.verdict.count() << " ms, carrier bound after " << f.carrier.count()
              << " ms, alpha accepted after " << f.alpha.count() << " ms)" << std::endl;
    await_mode(s2, "took_over");
    BOOST_TEST(sim->bound_sessions("carrier") == 1u); // site2's; site1's died with it
    BOOST_TEST(link_bound(status(s2), "sim"));
    // alpha works on site2 now.
    auto a = request(*alpha, make_submit("46705551111", "alpha-on-site2", 1));
    BOOST_TEST(a.status() == status::ok);
    require([&] { return texts(*sim).count("alpha-on-site2") == 1; }, "alpha's message at the carrier via site2");
    require([&] { return receipt_for(*alpha, a.message_id()) != nullptr; }, "alpha's receipt via site2");

    // The load keeps going on site2 after the takeover.
    const auto ok_at_takeover = load.ok;
    require([&] { return load.ok >= ok_at_takeover + 40; }, "bravo's load accepted after the takeover");
    BOOST_TEST(load.binds.size() == 1u); // bravo's session on site2 never dropped

    // site1 returns: fenced (it serves nothing, does not bind the carrier), then gets its role back.
    const auto s1_from = s1.mark();
    start(s1);
    await_mode(s1, "fenced", 10s);
    const auto fenced = status(s1);
    BOOST_TEST(at(fenced, "node", "mode") == "fenced");
    BOOST_TEST(!link_bound(fenced, "sim"));
    BOOST_TEST(!s1.has("carrier", "bound", {{"carrier", "sim"}}));
    BOOST_TEST(sim->bound_sessions("carrier") == 1u);
    (void)s1_from;
    // Failback after the hold (2 s): site2 hands back, site1 serves again.
    await_mode(s2, "normal", 20s);
    await_mode(s1, "normal", 20s);
    require([&] { return s1.has("carrier", "bound", {{"carrier", "sim"}}); }, "site1 bound the carrier again");
    {
        // site1 bound the carrier only after leaving fenced.
        std::size_t normal_at = 0, bound_at = 0;
        for (std::size_t i = 0; i < s1.log.lines.size(); ++i) {
            const auto& l = s1.log.lines[i];
            if (!normal_at && is_event(l, "cluster", "transition") && logfmt_value(l, "to") == "normal") normal_at = i;
            if (!bound_at && is_event(l, "carrier", "bound") && logfmt_value(l, "carrier") == "sim") bound_at = i;
        }
        BOOST_TEST(bound_at > normal_at);
    }
    require([&] { return !link_bound(status(s2), "sim"); }, "site2 released the carrier");
    const auto st1 = status(s1), st2 = status(s2);
    BOOST_TEST(epoch_of(st1) > epoch0);
    BOOST_TEST(epoch_of(st2) == epoch_of(st1));
    BOOST_TEST(at(st1, "peer", "verdict") == "alive");

    // No accepted message lost: every text site2 said OK to reaches the carrier (duplicates allowed).
    load.stop();
    require([&] { return load.done; }, "load stopped", 15s);
    BOOST_TEST(load.error_status == 0u);
    BOOST_TEST_MESSAGE("bravo: sent " << load.sent << ", accepted " << load.ok << ", lost in transport " << load.transport_lost);
    std::set<std::string> missing;
    require([&] {
        const auto got = texts(*sim);
        missing.clear();
        for (const auto& [text, id] : load.accepted)
            if (!got.contains(text)) missing.insert(text);
        return missing.empty();
    }, "every accepted message at the carrier", 30s);
    std::size_t dups = 0;
    {
        const auto got = texts(*sim);
        for (const auto& [text, id] : load.accepted) dups += got.count(text) - 1;
    }
    std::cout << "accepted: " << load.accepted.size() << " msgs, at_carrier_duplicates: " << dups << " msgs" << std::endl;
}

BOOST_FIXTURE_TEST_CASE(takeover_time_with_the_default_keepalive, default_timings) {
    start_pair();
    load_client load{io, {s2.smpp_port}, "bravo", "bravo1", "dflt"};
    load.start();
    require([&] { return load.ok >= 20; }, "bravo's load flowing");
    std::unique_ptr<esme> alpha;
    const auto f = kill_primary_and_measure(alpha);
    std::cout << "takeover_ms: " << f.total().count() << " ms" << std::endl;
    std::cout << "detection_ms: " << f.verdict.count() << " ms" << std::endl;
    std::cout << "carrier_bound_ms: " << f.carrier.count() << " ms" << std::endl;
    std::cout << "alpha_accepted_ms: " << f.alpha.count() << " ms" << std::endl;
    if (auto st = try_status(s2); st && st->at("counters").as_object().contains("last_takeover_apply_ms"))
        std::cout << "node_takeover_apply_ms: " << json::serialize(st->at("counters").as_object().at("last_takeover_apply_ms"))
                  << " ms" << std::endl;
    BOOST_TEST(f.total() <= ms{5000});
    BOOST_TEST(f.verdict.count() >= 0);
    await_mode(s2, "took_over");
    load.stop();
    require([&] { return load.done; }, "load stopped", 15s);
    BOOST_TEST(load.error_status == 0u);
}

BOOST_FIXTURE_TEST_CASE(kill9_secondary_site1_serves_bravo_with_its_waiting_mo, failover_fixture) {
    start_pair();
    {
        auto bravo = client(s2, "bravo", "bravo1"); // bravo at home; site1 refuses it
        auto on1 = connect(s1.smpp_port);
        const auto st = try_bind(*on1, "bravo", "bravo1");
        BOOST_REQUIRE(st.has_value());
        BOOST_TEST(*st != status::ok);
    }
    kill9(s2);
    // A handset writes to bravo while bravo is away (site2 dead, not yet detected).
    sim_command(*sim, "mo carrier 46709990003 22227777 waiting for bravo");
    await_mode(s1, "took_over", 10s);
    BOOST_TEST(at(status(s1), "node", "mode") == "took_over");
    std::unique_ptr<esme> bravo;
    require([&] {
        if (bravo) return true;
        auto e = connect(s1.smpp_port);
        if (auto st = try_bind(*e, "bravo", "bravo1"); st && *st == status::ok) bravo = std::move(e);
        return bravo != nullptr;
    }, "bravo accepted on site1", 10s);
    auto a = request(*bravo, make_submit("46705552222", "bravo-on-site1", 1));
    BOOST_TEST(a.status() == status::ok);
    require([&] { return texts(*sim).count("bravo-on-site1") == 1; }, "bravo's message at the carrier via site1");
    require([&] { return receipt_for(*bravo, a.message_id()) != nullptr; }, "bravo's receipt on site1");
    require([&] { return !mo_of(*bravo).empty(); }, "the MO that waited for bravo, on site1", 15s);
    BOOST_TEST(std::string{mo_of(*bravo).front()->short_message} == "waiting for bravo");
    BOOST_TEST(std::string{mo_of(*bravo).front()->destination_addr} == "22227777");
    BOOST_TEST(mo_of(*bravo).size() == 1u);

    // site2 returns: fenced, then site1 hands bravo back after the hold (bravo unbound
    // gracefully from site1) and both are normal at the epoch of the takeover.
    const auto epoch = at(status(s1), "node", "epoch");
    start(s2);
    await_mode(s2, "fenced", 10s);
    BOOST_TEST(!s2.has("carrier", "bound", {{"carrier", "sim"}}));
    await_mode(s1, "normal", 20s);
    await_mode(s2, "normal", 20s);
    require([&] { return bravo->closed; }, "bravo unbound from site1 at the failback");
    auto home = client(s2, "bravo", "bravo1");
    auto h = request(*home, make_submit("46705552223", "bravo-home-again", 1));
    BOOST_TEST(h.status() == status::ok);
    require([&] { return texts(*sim).count("bravo-home-again") == 1; }, "bravo's message via site2 and site1 again");
    require([&] { return receipt_for(*home, h.message_id()) != nullptr; }, "its receipt back at bravo on site2");
    BOOST_TEST(at(status(s2), "node", "epoch") == epoch);
    BOOST_TEST(epoch != "0");
}
