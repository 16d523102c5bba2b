// The pair's links and planned moves: the peer link cut while the second
// heartbeat path lives (link trouble, no takeover, an alert; restoring it
// lets the queued peer-bound traffic through), and a planned switchover and
// failback by twinsmsctl under load from clients of both sites.
#define BOOST_TEST_MODULE pair_link
#include "pair/pair_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct proxied_link : pair_fixture {
    proxied_link() : pair_fixture(pair_options{.link_proxy = true}) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(peer_link_cut_with_the_second_path_alive_is_link_trouble, proxied_link) {
    start_pair();
    BOOST_TEST(proxy->accepted() >= 1u);
    auto bravo = client(s2, "bravo", "bravo1");
    auto a0 = request(*bravo, make_submit("46705553000", "before-cut", 0));
    BOOST_TEST(a0.status() == status::ok);
    require([&] { return texts(*sim).count("before-cut") == 1; }, "traffic over the proxied link");

    const auto m1 = s1.mark(), m2 = s2.mark();
    proxy->cut(); // closes the relayed link, refuses new connects
    for (auto* s : {&s1, &s2})
        BOOST_TEST_CONTEXT(s->name) {
            BOOST_TEST(await_status(*s, [](const json::object& st) { return at(st, "peer", "verdict") == "link_trouble"; }, 10s));
            const auto st = status(*s);
            BOOST_TEST(at(st, "peer", "link") == "down");
            BOOST_TEST(at(st, "peer", "second_path") == "up");
            BOOST_TEST(at(st, "node", "mode") == "normal");
        }
    for (auto* s : {&s1, &s2})
        require([&] { return s->has("alert", "raised", {{"kind", "link_trouble"}}); },
                s->name + " raised a link_trouble alert", 10s);
    BOOST_TEST(s1.has("cluster", "verdict", {{"verdict", "link_trouble"}}, m1));
    BOOST_TEST(s2.has("cluster", "verdict", {{"verdict", "link_trouble"}}, m2));

    // Peer-bound traffic meanwhile: bravo's messages wait on site2, an MO for bravo waits on site1.
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto a = request(*bravo, make_submit("4670555310" + std::to_string(i), "during-cut-" + std::to_string(i), 1));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    sim_command(*sim, "mo carrier 46709990004 22228888 mo during the cut");
    // No takeover during three detection budgets: both stay normal, only site1 binds the carrier.
    const bool violated = wait([&] {
        return mode_of(s1) != "normal" || mode_of(s2) != "normal" || sim->bound_sessions("carrier") != 1u ||
               s2.has("carrier", "bound", {{"carrier", "sim"}});
    }, 3s);
    BOOST_TEST(!violated, "modes " << mode_of(s1) << "/" << mode_of(s2) << ", carrier binds " << sim->bound_sessions("carrier"));
    BOOST_TEST(!s1.has("cluster", "transition", {}, m1));
    BOOST_TEST(!s2.has("cluster", "transition", {}, m2));
    BOOST_TEST(texts(*sim).count("during-cut-0") == 0u);
    BOOST_TEST(mo_of(*bravo).empty());

    // Restored: the link binds again, the verdict is alive, the queued traffic flows both ways.
    const auto binds_before = s2.events("carrier", "bound", {{"carrier", "site1"}}).size();
    proxy->restore();
    require([&] { return s2.events("carrier", "bound", {{"carrier", "site1"}}).size() > binds_before; },
            "site2's peer link bound again", 10s);
    for (auto* s : {&s1, &s2})
        BOOST_TEST(await_status(*s, [](const json::object& st) {
            return at(st, "peer", "verdict") == "alive" && at(st, "peer", "link") == "up";
        }, 10s), s->name);
    for (int i = 0; i < 5; ++i)
        require([&] { return texts(*sim).count("during-cut-" + std::to_string(i)) >= 1; }, "queued message at the carrier", 15s);
    for (const auto& id : ids) require([&] { return receipt_for(*bravo, id) != nullptr; }, "receipt for " + id, 15s);
    require([&] { return !mo_of(*bravo).empty(); }, "the MO queued on site1 reaches bravo", 15s);
    BOOST_TEST(std::string{mo_of(*bravo).front()->short_message} == "mo during the cut");
    BOOST_TEST(mode_of(s1) == "normal");
    BOOST_TEST(mode_of(s2) == "normal");
}

BOOST_FIXTURE_TEST_CASE(planned_switchover_and_failback_under_load, pair_fixture) {
    start_pair();
    load_client alpha{io, {s1.smpp_port, s2.smpp_port}, "alpha", "alpha1", "alpha"};
    load_client bravo{io, {s2.smpp_port, s1.smpp_port}, "bravo", "bravo1", "bravo"};
    alpha.start();
    bravo.start();
    require([&] { return alpha.ok >= 30 && bravo.ok >= 30; }, "both clients' load flowing");

    const auto sw = ctl(s1, {"switchover"});
    BOOST_TEST(sw.code == 0, sw.out << sw.err);
    await_mode(s1, "standby", 25s);
    await_mode(s2, "took_over", 25s);
    // alpha moves to site2 and keeps being served there.
    require([&] { return alpha.bound && alpha.bound_port == s2.smpp_port; }, "alpha rebound on site2", 15s);
    const auto alpha_ok = alpha.ok, bravo_ok = bravo.ok;
    require([&] { return alpha.ok >= alpha_ok + 20 && bravo.ok >= bravo_ok + 20; }, "load accepted after the switchover", 15s);
    BOOST_TEST(at(status(s1), "node", "mode") == "standby");
    BOOST_TEST(at(status(s2), "node", "mode") == "took_over");
    require([&] { return link_bound(status(s2), "sim") && !link_bound(status(s1), "sim"); }, "the carrier moved to site2", 15s);

    const auto fb = ctl(s1, {"failback"});
    BOOST_TEST(fb.code == 0, fb.out << fb.err);
    await_mode(s1, "normal", 25s);
    await_mode(s2, "normal", 25s);
    require([&] { return alpha.bound && alpha.bound_port == s1.smpp_port; }, "alpha back on site1", 15s);
    const auto alpha_ok2 = alpha.ok, bravo_ok2 = bravo.ok;
    require([&] { return alpha.ok >= alpha_ok2 + 20 && bravo.ok >= bravo_ok2 + 20; }, "load accepted after the failback", 15s);
    require([&] { return link_bound(status(s1), "sim") && !link_bound(status(s2), "sim"); }, "the carrier back on site1", 15s);

    alpha.stop();
    bravo.stop();
    require([&] { return alpha.done && bravo.done; }, "clients stopped", 15s);
    for (auto* c : {&alpha, &bravo}) {
        std::string statuses;
        for (const auto& [st, n] : c->statuses) statuses += " " + std::to_string(st) + ":" + std::to_string(n);
        BOOST_TEST_MESSAGE(c->system_id << ": sent " << c->sent << ", ok " << c->ok << ", error status "
                                        << c->error_status << ", unanswered " << c->transport_lost << ", not sent (unbinding) " << c->not_sent << ", binds "
                                        << c->binds.size() << ", statuses" << statuses);
        BOOST_TEST(c->error_status == 0u, c->system_id << statuses);
        BOOST_TEST(c->transport_lost == 0u, c->system_id);
    }
    BOOST_TEST(bravo.binds.size() == 1u); // bravo stayed on site2 throughout
    // Everything accepted reaches the carrier.
    require([&] {
        const auto got = texts(*sim);
        for (auto* c : {&alpha, &bravo})
            for (const auto& [text, id] : c->accepted)
                if (!got.contains(text)) return false;
        return true;
    }, "every accepted message at the carrier", 20s);
}

// Receipts come from the carrier seconds (in real networks up to hours)
// after the submit, on whichever bind of the account the carrier picks: once
// the carrier has moved to site2, the receipts for what site1 sent before
// the switchover arrive at site2, which has no mapping for them (site1's
// store holds it). site2 hands them to site1 over the peer link
// (peer_forward), and site1 delivers them to alpha: nothing is dropped.
BOOST_FIXTURE_TEST_CASE(receipts_for_messages_sent_before_a_switchover_reach_their_client, pair_fixture) {
    start_pair();
    sim_command(*sim, "receipt-delay 4000");
    std::vector<std::unique_ptr<esme>> alphas;
    alphas.push_back(client(s1, "alpha", "alpha1"));
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto a = request(*alphas.back(), make_submit("4670777000" + std::to_string(i), "pre-switch-" + std::to_string(i), 1));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    require([&] { return sim->messages().size() == 5u; }, "the five at the carrier, sent by site1");
    const auto sw = ctl(s1, {"switchover"});
    BOOST_REQUIRE_EQUAL(sw.code, 0);
    await_mode(s2, "took_over", 15s);
    require([&] { return s2.has("carrier", "bound", {{"carrier", "sim"}}) && sim->bound_sessions("carrier") == 1u; },
            "the carrier only on site2", 10s);
    // The scenario holds only if the carrier moved before its receipts were due.
    BOOST_REQUIRE_EQUAL(sim->counters().receipts_sent, 0u);
    std::unique_ptr<esme> on2;
    require([&] {
        auto e = connect(s2.smpp_port);
        if (auto st = try_bind(*e, "alpha", "alpha1"); st && *st == status::ok) on2 = std::move(e);
        return on2 != nullptr;
    }, "alpha on site2");
    alphas.push_back(std::move(on2));
    require([&] { return sim->counters().receipts_sent >= 5u; }, "the carrier sent the five receipts (to site2)", 10s);
    const auto unknown = s2.events("dispatcher", "unknown_receipt").size();
    BOOST_TEST_MESSAGE("site2 unknown_receipt lines: " << unknown);
    const auto fb = ctl(s1, {"failback"});
    BOOST_REQUIRE_EQUAL(fb.code, 0);
    await_mode(s1, "normal", 20s);
    await_mode(s2, "normal", 20s);
    std::unique_ptr<esme> on1;
    require([&] {
        auto e = connect(s1.smpp_port);
        if (auto st = try_bind(*e, "alpha", "alpha1"); st && *st == status::ok) on1 = std::move(e);
        return on1 != nullptr;
    }, "alpha back on site1");
    alphas.push_back(std::move(on1));
    auto received = [&] {
        std::size_t n = 0;
        for (const auto& id : ids)
            for (const auto& a : alphas)
                if (receipt_for(*a, id)) {
                    ++n;
                    break;
                }
        return n;
    };
    wait([&] { return received() == ids.size(); }, 8s);
    BOOST_TEST(received() == ids.size(), "alpha got " << received() << " of " << ids.size()
                                                      << " receipts; site2 logged " << unknown << " unknown_receipt");
}
