// Settings replication, conflicting edits: with the peer link cut, site1
// and site2 both edit bravo. Once the link is back each refuses the
// other's edit, logs and alerts the conflict, and keeps its own file;
// nothing is merged or overwritten while heartbeats keep flowing. The
// conflict ends when an operator makes the two files equal.
#define BOOST_TEST_MODULE pair_settings_conflict
#include "pair/settings_status.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(a_profile_edited_on_both_sides_is_refused_on_both_and_alerted, settings_pair) {
    start_pair();
    await_in_sync();
    cut_link();
    edit_and_reload(s1, "clients/bravo.yaml", "tps: 2000", "tps: 1700", false);
    edit_and_reload(s2, "clients/bravo.yaml", "tps: 2000", "tps: 1800", true);
    const auto m1 = s1.mark(), m2 = s2.mark();
    restore_link();
    for (auto* s : {&s1, &s2}) {
        const auto from = s == &s1 ? m1 : m2;
        require([&] { return s->has("settings", "profile_conflict", {{"profile", "clients/bravo.yaml"}}, from); },
                s->name + " saw the conflict");
        require([&] { return s->has("alert", "raised", {{"kind", "profile_conflict"}}, from); }, s->name + " alerted it");
        BOOST_TEST(await_status(*s, [](const json::object& st) {
            return drift_status(st, "clients/bravo.yaml") == "conflict" && num_of(*settings_of(st), "conflicts") == 1u;
        }, 5s), s->name);
    }
    // Heartbeats go on (several keepalive intervals): nothing is applied, each keeps its own version.
    const bool applied = wait([&] {
        return s1.has("settings", "profile_replicated", {}, m1) || s2.has("settings", "profile_replicated", {}, m2);
    }, 2s);
    BOOST_TEST(!applied);
    const auto b1 = read_text(s1.dir / "clients" / "bravo.yaml"), b2 = read_text(s2.dir / "clients" / "bravo.yaml");
    BOOST_TEST(b1.find("tps: 1700") != std::string::npos, b1);
    BOOST_TEST(b2.find("tps: 1800") != std::string::npos, b2);
    BOOST_TEST(s1.events("settings", "profile_conflict", {}, m1).size() == 1u); // raised once, not every heartbeat
    const auto shown = ctl(s1, {"status"});
    BOOST_TEST(shown.out.find("conflict") != std::string::npos, shown.out);

    // The operator settles it: site2 takes site1's version; the pair agrees again.
    edit_and_reload(s2, "clients/bravo.yaml", "tps: 1800", "tps: 1700", true);
    await_in_sync();
    BOOST_TEST(num_of(*settings_of(status(s1)), "conflicts") == 0u);
    BOOST_TEST(read_text(s2.dir / "clients" / "bravo.yaml").find("state: active") != std::string::npos);
}
