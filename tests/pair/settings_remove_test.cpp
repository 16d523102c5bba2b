// Settings replication between two real daemons: a shared profile removed
// on one node (file deleted, SIGHUP) is removed on the other, which reloads
// without it; a removal the other node's folder cannot do without (a route
// there names the client) is refused there, and the refusal shows on the
// node that removed it.
#define BOOST_TEST_MODULE pair_settings_remove
#include "pair/settings_status.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct removal_pair : settings_pair {
    void reload(site& s) {
        const auto m = s.mark();
        s.proc->proc().signal(SIGHUP);
        require([&] { return s.has("twinsmsd", "reloaded", {}, m); }, s.name + " reloaded");
    }
    void add_client(const std::string& name) {
        for (auto* s : {&s1, &s2})
            write_file(s->dir / "clients" / (name + ".yaml"),
                       "client:\n  state: passive\n  system_id: " + name + "\n  password: pw" + name.substr(0, 4) + "\n");
    }
    std::size_t shared(site& s) { return num_of(*settings_of(status(s)), "shared"); }
    // Both in sync over `n` shared profiles (the heartbeat carried both indexes).
    void await_shared(std::size_t n) {
        for (auto* s : {&s1, &s2})
            BOOST_REQUIRE_MESSAGE(await_status(*s, [&](const json::object& st) {
                return settings_in_sync(st) && num_of(*settings_of(st), "shared") == n;
            }, 10s), s->name << ": not in sync over " << n << " shared profiles");
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_removed_profile_is_removed_on_the_peer, removal_pair) {
    start_pair();
    await_in_sync();
    add_client("charlie");
    reload(s1);
    reload(s2);
    await_shared(4); // alpha, bravo, charlie, sim

    const auto m1 = s1.mark();
    fs::remove(s2.dir / "clients" / "charlie.yaml");
    reload(s2);
    require([&] { return s1.has("settings", "profile_removed_by_peer", {{"profile", "clients/charlie.yaml"}}, m1); },
            "site1 removed charlie after site2 did");
    require([&] { return s1.has("twinsmsd", "reloaded", {}, m1); }, "site1 reloaded without charlie");
    BOOST_TEST(!fs::exists(s1.dir / "clients" / "charlie.yaml"));
    await_shared(3);
    BOOST_TEST(at(status(s1), "settings", "digest") == at(status(s2), "settings", "digest"));
}

BOOST_FIXTURE_TEST_CASE(a_removal_the_peer_cannot_do_without_is_refused_there, removal_pair) {
    start_pair();
    await_in_sync();
    add_client("delta");
    // Only site1 routes MO to delta (routes.yaml is not replicated by default).
    edit_file(s1.dir / "routes.yaml", "mo:\n", "mo:\n  - name: to-delta\n    match: {destination_prefix: [\"4444\"]}\n    client: delta\n");
    reload(s1);
    reload(s2);
    await_shared(4);

    const auto m2 = s2.mark();
    fs::remove(s2.dir / "clients" / "delta.yaml");
    reload(s2);
    require([&] { return s2.has("settings", "profile_refused", {{"profile", "clients/delta.yaml"}}, m2); },
            "site2 told that site1 refused the removal");
    const auto refused = s2.events("settings", "profile_refused", {{"profile", "clients/delta.yaml"}}, m2);
    BOOST_TEST(refused.front().find("delta") != std::string::npos, refused.front());
    BOOST_TEST(fs::exists(s1.dir / "clients" / "delta.yaml")); // nothing removed there
    BOOST_TEST(s1.has("settings", "profile_edit_refused", {{"profile", "clients/delta.yaml"}}));
    BOOST_TEST(!settings_in_sync(status(s2))); // the drift shows until an operator settles it
    const auto shown = ctl(s2, {"status"});
    BOOST_TEST(shown.out.find("clients/delta.yaml") != std::string::npos, shown.out);
}
