#define BOOST_TEST_MODULE bind_guard
#include <string>

#include <boost/test/unit_test.hpp>

#include "smpp/server/bind_guard.hpp"

using namespace twinsms::smpp;
using namespace std::chrono_literals;

namespace {
const bind_guard::time_point t0 = bind_guard::time_point{} + 10'000s;

bind_guard_config cfg(unsigned failures = 3, std::chrono::milliseconds window = 10s,
                      std::chrono::milliseconds block = 30s, std::size_t tracked = 1000) {
    return {failures, window, block, tracked};
}
void fail(bind_guard& g, const std::string& a, bind_guard::time_point t, int n = 1) {
    for (int i = 0; i < n; ++i) g.on_failure(a, t);
}
} // namespace

BOOST_AUTO_TEST_CASE(blocks_after_n_failures_within_window) {
    bind_guard g{cfg()};
    fail(g, "10.0.0.1", t0);
    fail(g, "10.0.0.1", t0 + 1s);
    BOOST_TEST(!g.blocked("10.0.0.1", t0 + 1s));
    fail(g, "10.0.0.1", t0 + 2s);
    BOOST_TEST(g.blocked("10.0.0.1", t0 + 2s));
    BOOST_TEST(g.blocked("10.0.0.1", t0 + 31s));
    // Other addresses are not affected.
    BOOST_TEST(!g.blocked("10.0.0.2", t0 + 2s));
}

BOOST_AUTO_TEST_CASE(block_lasts_block_for_from_the_last_failure) {
    bind_guard g{cfg()};
    fail(g, "a", t0);
    fail(g, "a", t0 + 5s, 2); // blocked at t0 + 5s
    BOOST_TEST(g.blocked("a", t0 + 5s + 29'999ms));
    BOOST_TEST(!g.blocked("a", t0 + 5s + 30s));
}

BOOST_AUTO_TEST_CASE(failures_outside_the_window_start_a_new_count) {
    bind_guard g{cfg()};
    fail(g, "a", t0, 2);
    fail(g, "a", t0 + 11s); // window (10 s) over: count restarts at 1
    BOOST_TEST(!g.blocked("a", t0 + 11s));
    fail(g, "a", t0 + 12s);
    BOOST_TEST(!g.blocked("a", t0 + 12s));
    fail(g, "a", t0 + 13s); // third within [11 s, 21 s]
    BOOST_TEST(g.blocked("a", t0 + 13s));
}

BOOST_AUTO_TEST_CASE(failures_spread_thinly_never_block) {
    bind_guard g{cfg()};
    for (int i = 0; i < 100; ++i) {
        fail(g, "slow", t0 + i * 6s); // two per window at most
        BOOST_TEST_REQUIRE(!g.blocked("slow", t0 + i * 6s));
    }
}

BOOST_AUTO_TEST_CASE(block_expiry_then_single_failure_does_not_reblock) {
    bind_guard g{cfg()};
    fail(g, "a", t0, 3);
    BOOST_TEST(g.blocked("a", t0));
    BOOST_TEST(!g.blocked("a", t0 + 30s));
    fail(g, "a", t0 + 31s);
    BOOST_TEST(!g.blocked("a", t0 + 31s));
    fail(g, "a", t0 + 32s, 2);
    BOOST_TEST(g.blocked("a", t0 + 32s)); // but a fresh burst does
}

BOOST_AUTO_TEST_CASE(success_resets_the_count) {
    bind_guard g{cfg()};
    fail(g, "a", t0, 2);
    g.on_success("a");
    BOOST_TEST(g.tracked() == 0u);
    fail(g, "a", t0 + 1s, 2);
    BOOST_TEST(!g.blocked("a", t0 + 1s));
    fail(g, "a", t0 + 1s);
    BOOST_TEST(g.blocked("a", t0 + 1s));
}

BOOST_AUTO_TEST_CASE(one_failure_allowed_is_max_failures_one) {
    bind_guard g{cfg(1)};
    fail(g, "a", t0);
    BOOST_TEST(g.blocked("a", t0));
}

BOOST_AUTO_TEST_CASE(tracking_stays_bounded_under_many_addresses) {
    bind_guard g{cfg(3, 10s, 30s, 16)};
    for (int i = 0; i < 10'000; ++i) fail(g, "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
    BOOST_TEST(g.tracked() <= 16u);
    BOOST_TEST(g.tracked() > 0u);
}

BOOST_AUTO_TEST_CASE(flood_of_new_addresses_does_not_unblock_an_attacker) {
    bind_guard g{cfg(3, 10s, 30s, 8)};
    fail(g, "attacker", t0, 3);
    BOOST_TEST(g.blocked("attacker", t0));
    // Later, when the window has passed for everyone, many fresh addresses
    // fail once each; pruning must keep the still-blocked entry.
    for (int i = 0; i < 1000; ++i) fail(g, "x" + std::to_string(i), t0 + 15s);
    BOOST_TEST(g.tracked() <= 8u);
    BOOST_TEST(g.blocked("attacker", t0 + 15s));
}

BOOST_AUTO_TEST_CASE(stale_entries_make_room_for_new_addresses) {
    bind_guard g{cfg(2, 10s, 30s, 4)};
    for (int i = 0; i < 4; ++i) fail(g, "old" + std::to_string(i), t0);
    BOOST_TEST(g.tracked() == 4u);
    // Full of fresh entries: a new address is not tracked (and so not blocked).
    fail(g, "new", t0 + 1s, 2);
    BOOST_TEST(!g.blocked("new", t0 + 1s));
    // Once the old entries are stale they are pruned and "new" is tracked.
    fail(g, "new", t0 + 20s, 2);
    BOOST_TEST(g.blocked("new", t0 + 20s));
    BOOST_TEST(g.tracked() <= 4u);
}

BOOST_AUTO_TEST_CASE(known_address_keeps_counting_when_table_is_full) {
    bind_guard g{cfg(3, 10s, 30s, 2)};
    fail(g, "a", t0);
    fail(g, "b", t0);
    fail(g, "c", t0, 5); // table full, not tracked
    fail(g, "a", t0, 2); // already tracked: still counted
    BOOST_TEST(g.blocked("a", t0));
    BOOST_TEST(!g.blocked("c", t0));
}
