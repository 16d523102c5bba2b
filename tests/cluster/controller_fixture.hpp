#pragma once
// Shared by the controller_*_test.cpp files (one executable, controller_test):
// the cluster controller on a hand-driven clock. Printers for the cluster
// types, canned configs and peer reports, the serve() values per mode,
// event and counter checks, and the ordinary ways into each mode.
#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <vector>

#include "cluster/controller.hpp"

using namespace twinsms::cluster;
using namespace std::chrono_literals;

namespace twinsms::cluster {
inline std::ostream& operator<<(std::ostream& o, node_mode m) { return o << to_string(m); }
inline std::ostream& operator<<(std::ostream& o, event_kind k) { return o << to_string(k); }
inline std::ostream& operator<<(std::ostream& o, verdict v) { return o << to_string(v); }
inline std::ostream& operator<<(std::ostream& o, const serving& s) {
    return o << "{home_clients " << s.home_clients << ", home_carriers " << s.home_carriers << ", peer_profiles "
             << s.peer_profiles << ", overflow " << s.overflow << ", peer_link_route " << s.peer_link_route << "}";
}
} // namespace twinsms::cluster

namespace controller_fixture {

inline const clock::time_point t0{std::chrono::hours(1)};
inline const clock::time_point never = clock::time_point::max();
inline constexpr auto hold = 30s; // controller_config's default failback_hold

using kinds = std::vector<event_kind>;

// serve() per situation.
inline const serving nothing{};                                // joining, fenced, standby released
inline const serving own{true, true, false, false, true};      // normal, handing_back
inline const serving everything{true, true, true, false, false}; // took_over
inline const serving draining{false, true, false, false, true}; // standby, not yet released
inline const serving own_overflowing{true, true, false, true, false};

inline constexpr node_mode all_modes[] = {node_mode::joining,      node_mode::normal, node_mode::took_over,
                                          node_mode::handing_back, node_mode::fenced, node_mode::standby};

inline controller_config primary(std::string id = "a") {
    controller_config c;
    c.node_id = std::move(id);
    c.primary = true;
    return c;
}
inline controller_config secondary(std::string id = "b") {
    controller_config c;
    c.node_id = std::move(id);
    c.primary = false;
    return c;
}
inline controller_config manual(controller_config c) {
    c.auto_failback = false;
    return c;
}
inline controller_config balancing() { // a secondary with overflow limits
    auto c = secondary();
    c.overflow_high = 100;
    c.overflow_low = 20;
    return c;
}

inline peer_report from_peer(node_mode m, std::uint32_t epoch, std::uint32_t queue = 0) {
    peer_report r;
    r.node_id = "peer";
    r.mode = m;
    r.epoch = epoch;
    r.carrier_queue = queue;
    return r;
}
inline peer_report handing_over(std::uint32_t epoch) { // standby and drained
    auto r = from_peer(node_mode::standby, epoch);
    r.handover = true;
    return r;
}
inline peer_report reclaiming(node_mode m, std::uint32_t epoch) {
    auto r = from_peer(m, epoch);
    r.reclaim = true;
    return r;
}

inline kinds kinds_of(const std::vector<cluster_event>& ev) {
    kinds k;
    for (const auto& e : ev) k.push_back(e.kind);
    return k;
}
inline kinds events(controller& c) { return kinds_of(c.take_events()); }

inline bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// Field by field, so a failure names the counter.
inline void check_stats(const controller::counters& s, const controller::counters& want) {
    BOOST_TEST(s.takeovers == want.takeovers);
    BOOST_TEST(s.failbacks == want.failbacks);
    BOOST_TEST(s.brain_splits == want.brain_splits);
    BOOST_TEST(s.link_troubles == want.link_troubles);
    BOOST_TEST(s.fenced == want.fenced);
    BOOST_TEST(s.switchovers == want.switchovers);
    BOOST_TEST(s.overflows == want.overflows);
}

// The ordinary ways into each mode, events drained, at t0 (+ a few seconds).
inline controller in_normal(controller_config cfg, std::uint32_t epoch) {
    controller c{std::move(cfg), epoch, t0};
    c.on_peer_report(from_peer(node_mode::normal, epoch), t0);
    BOOST_REQUIRE(c.mode() == node_mode::normal);
    c.take_events();
    return c;
}
// Took over at epoch + 1 when the peer died; the peer answers again since t0 + 2s.
inline controller in_took_over(controller_config cfg, std::uint32_t epoch) {
    auto c = in_normal(std::move(cfg), epoch);
    c.on_verdict(verdict::dead, t0 + 1s);
    c.on_verdict(verdict::alive, t0 + 2s);
    BOOST_REQUIRE(c.mode() == node_mode::took_over);
    BOOST_REQUIRE(c.epoch() == epoch + 1);
    c.take_events();
    return c;
}
// Returned (joining) and found the peer took over at our epoch.
inline controller in_fenced(controller_config cfg, std::uint32_t epoch) {
    controller c{std::move(cfg), epoch, t0};
    c.on_peer_report(from_peer(node_mode::took_over, epoch), t0);
    BOOST_REQUIRE(c.mode() == node_mode::fenced);
    c.take_events();
    return c;
}
inline controller in_standby(controller_config cfg, std::uint32_t epoch) {
    auto c = in_normal(std::move(cfg), epoch);
    BOOST_REQUIRE(c.switchover(t0 + 1s).empty());
    BOOST_REQUIRE(c.mode() == node_mode::standby);
    c.take_events();
    return c;
}
inline controller in_handing_back(controller_config cfg, std::uint32_t epoch) {
    auto c = in_took_over(std::move(cfg), epoch);
    BOOST_REQUIRE(c.failback(t0 + 3s).empty());
    BOOST_REQUIRE(c.mode() == node_mode::handing_back);
    c.take_events();
    return c;
}

} // namespace controller_fixture

using namespace controller_fixture;
