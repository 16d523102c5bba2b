#define BOOST_TEST_MODULE credential_guard
// Per address and per account, on a test clock.
#include <boost/test/unit_test.hpp>

#include "guard/credential_guard.hpp"

using namespace twinsms::guard;
using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

namespace {
const time_point t0 = time_point{} + 10'000s;
ip::address addr(const char* a) { return ip::make_address(a); }

credential_guard_config cfg() {
    return {.max_failures = 3, .window = 10s, .block_for = 30s, .account_max_failures = 5, .account_window = 60s,
            .account_lockout = 120s, .trust_for = 3600s, .max_addresses = 100};
}
void fail(credential_guard& g, const char* a, std::string_view acc, time_point t, int n = 1) {
    for (int i = 0; i < n; ++i) g.failed(door::smpp, addr(a), acc, t);
}
} // namespace

BOOST_AUTO_TEST_CASE(an_address_is_blocked_after_n_failures_within_the_window_then_released) {
    credential_guard g{cfg()};
    fail(g, "10.0.0.1", {}, t0, 2);
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0 + 1s) == verdict::allow));
    BOOST_TEST((g.failed(door::smpp, addr("10.0.0.1"), {}, t0 + 2s) == verdict::address_blocked));
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0 + 31s) == verdict::address_blocked));
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.2"), {}, t0 + 3s) == verdict::allow)); // others are not
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0 + 32s) == verdict::allow));
    BOOST_TEST(g.started().address_blocks == 1u);
    BOOST_TEST(g.counts(door::smpp).failures == 3u);
    BOOST_TEST(g.counts(door::smpp).refused[static_cast<std::size_t>(verdict::address_blocked)] == 1u);
}

BOOST_AUTO_TEST_CASE(failures_spread_wider_than_the_window_do_not_block) {
    credential_guard g{cfg()};
    for (int i = 0; i < 20; ++i) fail(g, "10.0.0.1", {}, t0 + i * 6s);
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0 + 120s) == verdict::allow));
}

BOOST_AUTO_TEST_CASE(ipv4_mapped_ipv6_is_the_same_address) {
    credential_guard g{cfg()};
    fail(g, "::ffff:10.0.0.1", {}, t0, 3);
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0) == verdict::address_blocked));
}

BOOST_AUTO_TEST_CASE(every_door_shares_the_counts_of_one_address) {
    credential_guard g{cfg()};
    g.failed(door::admin, addr("10.0.0.1"), {}, t0);
    g.failed(door::sendsms, addr("10.0.0.1"), {}, t0);
    g.failed(door::smtp, addr("10.0.0.1"), {}, t0);
    for (auto d : {door::smpp, door::admin, door::api, door::sendsms, door::smtp})
        BOOST_TEST((g.check(d, addr("10.0.0.1"), {}, t0) == verdict::address_blocked), door_name(d));
    BOOST_TEST(g.counts(door::admin).failures == 1u);
    BOOST_TEST(g.counts(door::api).refused[static_cast<std::size_t>(verdict::address_blocked)] == 1u);
}

BOOST_AUTO_TEST_CASE(an_account_guessed_at_from_many_addresses_is_locked_except_for_trusted_addresses) {
    credential_guard g{cfg()};
    g.succeeded(door::smpp, addr("192.0.2.7"), "alice", t0); // alice's own client
    for (int i = 0; i < 4; ++i) fail(g, ("198.51.100." + std::to_string(i)).c_str(), "alice", t0 + 1s);
    BOOST_TEST((g.check(door::smpp, addr("198.51.100.200"), "alice", t0 + 1s) == verdict::allow));
    BOOST_TEST((g.failed(door::smpp, addr("198.51.100.4"), "alice", t0 + 1s) == verdict::account_locked));
    BOOST_TEST((g.check(door::smpp, addr("198.51.100.200"), "alice", t0 + 2s) == verdict::account_locked));
    BOOST_TEST((g.check(door::smtp, addr("198.51.100.200"), "alice", t0 + 2s) == verdict::account_locked));
    BOOST_TEST((g.check(door::smpp, addr("192.0.2.7"), "alice", t0 + 2s) == verdict::allow));
    BOOST_TEST((g.check(door::smpp, addr("198.51.100.200"), "bob", t0 + 2s) == verdict::allow));
    // A success from the trusted address keeps the lock for the others.
    g.succeeded(door::smpp, addr("192.0.2.7"), "alice", t0 + 3s);
    BOOST_TEST((g.check(door::smpp, addr("198.51.100.200"), "alice", t0 + 3s) == verdict::account_locked));
    BOOST_TEST((g.check(door::smpp, addr("198.51.100.200"), "alice", t0 + 1s + 120s) == verdict::allow));
    BOOST_TEST(g.started().account_lockouts == 1u);
}

BOOST_AUTO_TEST_CASE(guessing_on_at_a_locked_account_blocks_the_address) {
    credential_guard g{cfg()};
    for (int i = 0; i < 5; ++i) fail(g, ("198.51.100." + std::to_string(i)).c_str(), "alice", t0);
    for (int i = 0; i < 3; ++i)
        BOOST_TEST((g.check(door::smpp, addr("203.0.113.1"), "alice", t0 + 1s) == verdict::account_locked));
    BOOST_TEST((g.check(door::smpp, addr("203.0.113.1"), "bob", t0 + 1s) == verdict::address_blocked));
}

BOOST_AUTO_TEST_CASE(trust_expires) {
    credential_guard g{cfg()};
    g.succeeded(door::smpp, addr("192.0.2.7"), "alice", t0);
    const auto later = t0 + 3601s;
    for (int i = 0; i < 5; ++i) fail(g, ("198.51.100." + std::to_string(i)).c_str(), "alice", later);
    BOOST_TEST((g.check(door::smpp, addr("192.0.2.7"), "alice", later) == verdict::account_locked));
}

BOOST_AUTO_TEST_CASE(success_forgets_the_address_failures_and_a_trusted_address_can_still_be_blocked) {
    credential_guard g{cfg()};
    fail(g, "10.0.0.1", {}, t0, 2);
    g.succeeded(door::smpp, addr("10.0.0.1"), "alice", t0);
    fail(g, "10.0.0.1", {}, t0, 2);
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0) == verdict::allow)); // 2 since the success
    fail(g, "10.0.0.1", {}, t0);
    BOOST_TEST((g.check(door::smpp, addr("10.0.0.1"), {}, t0) == verdict::address_blocked));
}

BOOST_AUTO_TEST_CASE(network_names) {
    BOOST_TEST(network_of(addr("192.0.2.77")) == "192.0.2.0/24");
    BOOST_TEST(network_of(addr("::ffff:192.0.2.77")) == "192.0.2.0/24");
    BOOST_TEST(network_of(addr("2001:db8:1:2ff:1::9")) == "2001:db8:1:200::/56");
}
