// Settings replication between two real daemons: a shared client profile
// edited on site1 (twinsmsctl reload) reaches site2, and one edited on
// site2 (SIGHUP) reaches site1, each written with the receiver's own
// `state:` and applied there (the client still binds where it is active).
// An edit made while the peer link is cut shows as drift in the status
// document and in twinsmsctl status, and converges once the link is back.
#define BOOST_TEST_MODULE pair_settings_edit
#include "pair/settings_status.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(an_edit_on_each_side_reaches_the_other_with_its_state_kept, settings_pair) {
    start_pair();
    await_in_sync();
    BOOST_TEST(num_of(*settings_of(status(s1)), "shared") == 3u); // alpha, bravo, sim (never the peer link)
    const auto m = metrics(s1);
    BOOST_TEST(m.find("\ntwinsms_settings_in_sync 1\n") != std::string::npos, m);
    BOOST_TEST(m.find("\ntwinsms_settings_shared_profiles 3\n") != std::string::npos);

    // site1 edits bravo (passive there, site2's own client).
    const auto m2 = s2.mark();
    edit_and_reload(s1, "clients/bravo.yaml", "tps: 2000", "tps: 1500", false);
    require([&] { return s2.has("settings", "profile_replicated", {{"profile", "clients/bravo.yaml"}}, m2); },
            "site2 applied site1's edit of bravo");
    require([&] { return s2.has("twinsmsd", "reloaded", {}, m2); }, "site2 reloaded");
    const auto bravo2 = read_text(s2.dir / "clients" / "bravo.yaml");
    BOOST_TEST(bravo2.find("tps: 1500") != std::string::npos, bravo2);
    BOOST_TEST(bravo2.find("state: active") != std::string::npos, bravo2); // site2's own state
    BOOST_TEST(bravo2.find("passive") == std::string::npos, bravo2);
    BOOST_TEST(read_text(s1.dir / "clients" / "bravo.yaml").find("state: passive") != std::string::npos);
    auto bravo = client(s2, "bravo", "bravo1"); // still served on site2
    await_in_sync();

    // site2 edits alpha (passive there, site1's own client).
    const auto m1 = s1.mark();
    edit_and_reload(s2, "clients/alpha.yaml", "tps: 2000", "tps: 1200", true);
    require([&] { return s1.has("settings", "profile_replicated", {{"profile", "clients/alpha.yaml"}}, m1); },
            "site1 applied site2's edit of alpha");
    const auto alpha1 = read_text(s1.dir / "clients" / "alpha.yaml");
    BOOST_TEST(alpha1.find("tps: 1200") != std::string::npos, alpha1);
    BOOST_TEST(alpha1.find("state: active") != std::string::npos, alpha1);
    auto alpha = client(s1, "alpha", "alpha1");
    await_in_sync();
    const auto st1 = status(s1), st2 = status(s2);
    BOOST_TEST(at(st1, "settings", "digest") == at(st2, "settings", "digest"));
    BOOST_TEST(at(st1, "settings", "digest") == at(st1, "settings", "peer_digest"));
    BOOST_TEST(num_of(*settings_of(st2), "edits_applied") == 1u);
    // node.yaml is node-local: never in the index.
    BOOST_TEST(ctl(s1, {"status"}).out.find("settings  in sync") != std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(drift_shows_while_the_link_is_cut_and_converges_after, settings_pair) {
    start_pair();
    await_in_sync();
    cut_link();
    edit_and_reload(s2, "carriers/sim.yaml", "window: 100", "window: 80", true);
    BOOST_TEST(await_status(s2, [](const json::object& st) {
        return drift_status(st, "carriers/sim.yaml") == "edit_pending" && !st.at("settings").as_object().at("in_sync").as_bool();
    }, 5s));
    const auto shown = ctl(s2, {"status"});
    BOOST_TEST(shown.out.find("settings  DRIFT") != std::string::npos, shown.out);
    BOOST_TEST(shown.out.find("carriers/sim.yaml") != std::string::npos, shown.out);
    BOOST_TEST(read_text(s1.dir / "carriers" / "sim.yaml").find("window: 100") != std::string::npos);
    const auto m = metrics(s2);
    BOOST_TEST(m.find("\ntwinsms_settings_in_sync 0\n") != std::string::npos, m);
    BOOST_TEST(m.find("\ntwinsms_settings_drifting_profiles 1\n") != std::string::npos);
    BOOST_TEST(m.find("\ntwinsms_settings_edits_pending 1\n") != std::string::npos);

    const auto m1 = s1.mark();
    restore_link();
    require([&] { return s1.has("settings", "profile_replicated", {{"profile", "carriers/sim.yaml"}}, m1); },
            "site1 applied the edit once the link was back");
    await_in_sync();
    const auto sim1 = read_text(s1.dir / "carriers" / "sim.yaml");
    BOOST_TEST(sim1.find("window: 80") != std::string::npos, sim1);
    BOOST_TEST(sim1.find("state: active") != std::string::npos, sim1); // site1 holds the carrier
    // Applied: site1 re-binds the carrier with the new profile and keeps serving it.
    require([&] { return link_bound(status(s1), "sim"); }, "site1's carrier bound", 10s);
}
