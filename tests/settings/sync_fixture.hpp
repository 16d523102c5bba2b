#pragma once
// Two profile_sync objects as the two nodes, on one hand-moved clock: the
// heartbeat exchange is spelled out (index, edits, verdicts) so each test
// decides what crosses and when.
#include "settings/profile_sync.hpp"

namespace twinsms::test {

struct two_nodes {
    settings::clock::time_point t{std::chrono::seconds{1000}};
    std::uint64_t wall = 1'000'000;
    settings::profile_sync a, b;

    void local(settings::profile_sync& n, settings::digest_map m) { n.on_local(m, t, wall += 1000); }
    // A heartbeat from `from` to `to`: its index; its pending edits, each
    // decided by `to` (an apply is applied at once); the answers back.
    std::vector<settings::verdict> beat(settings::profile_sync& from, settings::profile_sync& to) {
        to.on_peer_index(from.local(), t);
        std::vector<settings::verdict> out;
        for (const auto& e : from.pending()) {
            auto d = to.on_peer_edit(e, t);
            if (d.what == settings::profile_sync::action::apply) out.push_back(to.applied(e, t));
            else if (d.what == settings::profile_sync::action::answer) out.push_back(d.answer);
        }
        for (const auto& v : out) from.on_verdict(v, t);
        from.on_peer_index(to.local(), t);
        return out;
    }
};

} // namespace twinsms::test
