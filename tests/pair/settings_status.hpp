#pragma once
// Settings replication in a real pair (tests/pair/settings_*_test.cpp):
// the `settings` object of a node's status document, and edits of a
// profile file followed by a reload (SIGHUP, or twinsmsctl reload).
#include <csignal>

#include "pair/pair_fixture.hpp"
#include "pair/replication_status.hpp"

namespace twinsms::test {

inline const json::object* settings_of(const json::object& st) {
    const auto* s = st.if_contains("settings");
    return s && s->is_object() ? &s->as_object() : nullptr;
}
inline bool settings_in_sync(const json::object& st) {
    const auto* s = settings_of(st);
    return s && s->at("heard_peer").as_bool() && s->at("in_sync").as_bool();
}
// The status of `profile` among those not in sync ("" when in sync).
inline std::string drift_status(const json::object& st, std::string_view profile) {
    const auto* s = settings_of(st);
    if (!s) return {};
    for (const auto& p : s->at("profiles").as_array())
        if (p.as_object().at("profile").as_string() == profile) return std::string{p.as_object().at("status").as_string()};
    return {};
}

struct settings_pair : pair_fixture {
    settings_pair() : pair_fixture(pair_options{.link_proxy = true, .replication = true}) {}

    // Replaces `from` by `to` in the site's profile file and reloads the node.
    void edit_and_reload(site& s, const std::string& file, const std::string& from, const std::string& to, bool by_signal) {
        edit_file(s.dir / file, from, to);
        const auto m = s.mark();
        if (by_signal) {
            s.proc->proc().signal(SIGHUP);
        } else {
            const auto r = ctl(s, {"reload"});
            BOOST_REQUIRE_MESSAGE(r.code == 0, "twinsmsctl reload: " << r.out << r.err);
        }
        require([&] { return s.has("twinsmsd", "reloaded", {}, m); }, s.name + " reloaded");
    }
    // GET /metrics of the site (admin token).
    std::string metrics(site& s) {
        auto r = admin(s, "GET", "/metrics");
        BOOST_REQUIRE_MESSAGE(r && r->ok && r->status == 200, s.name << ": no /metrics");
        return r->body;
    }
    void await_in_sync() {
        for (auto* s : {&s1, &s2})
            BOOST_REQUIRE_MESSAGE(await_status(*s, settings_in_sync, 10s), s->name << ": settings not in sync");
    }
    void cut_link() {
        proxy->cut();
        for (auto* s : {&s1, &s2})
            BOOST_REQUIRE(await_status(*s, [](const json::object& st) { return at(st, "peer", "link") == "down"; }, 10s));
    }
    void restore_link() {
        proxy->restore();
        for (auto* s : {&s1, &s2})
            BOOST_REQUIRE(await_status(*s, [](const json::object& st) { return at(st, "peer", "link") == "up"; }, 10s));
    }
};

} // namespace twinsms::test
