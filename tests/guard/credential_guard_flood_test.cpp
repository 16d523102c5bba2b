#define BOOST_TEST_MODULE credential_guard_flood
// Guessing from more addresses than the guard can remember: it degrades to
// counting per network, then to letting in only trusted addresses, and never
// holds more than its bound.
#include <boost/test/unit_test.hpp>

#include "guard/credential_guard.hpp"

using namespace twinsms::guard;
using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

namespace {
const time_point t0 = time_point{} + 10'000s;

credential_guard_config cfg(std::size_t tracked) {
    return {.max_failures = 3, .window = 10s, .block_for = 30s, .max_addresses = tracked};
}
ip::address v4(unsigned n) { return ip::address_v4{0x0A000000u + n}; } // 10.x.y.z
} // namespace

BOOST_AUTO_TEST_CASE(a_full_address_table_counts_per_network) {
    credential_guard g{cfg(100)};
    for (unsigned i = 0; i < 100; ++i) g.failed(door::smpp, v4(i * 256), {}, t0); // 100 /24s, one failure each
    BOOST_TEST(g.tracked_addresses() == 100u);
    // The table is full: three new addresses of 10.0.7.0/24 fail once each...
    for (unsigned host = 1; host <= 3; ++host) g.failed(door::smpp, v4(7 * 256 + 100 + host), {}, t0 + 1s);
    BOOST_TEST(g.tracked_addresses() == 100u);
    BOOST_TEST(g.tracked_networks() == 1u);
    // ...and block their /24 for the addresses not already trusted.
    BOOST_TEST((g.check(door::smpp, v4(7 * 256 + 200), {}, t0 + 1s) == verdict::network_blocked));
    BOOST_TEST((g.check(door::smpp, v4(8 * 256 + 200), {}, t0 + 1s) == verdict::allow));
    BOOST_TEST(g.started().network_blocks == 1u);
}

BOOST_AUTO_TEST_CASE(stale_entries_make_room_again) {
    credential_guard g{cfg(100)};
    for (unsigned i = 0; i < 100; ++i) g.failed(door::smpp, v4(i), {}, t0);
    // Past the window nothing is kept for them: a new address is counted as itself.
    for (int n = 0; n < 3; ++n) g.failed(door::smpp, v4(5000), {}, t0 + 11s);
    BOOST_TEST((g.check(door::smpp, v4(5000), {}, t0 + 11s) == verdict::address_blocked));
    BOOST_TEST(g.tracked_networks() == 0u);
    BOOST_TEST(g.tracked_addresses() <= 100u);
}

BOOST_AUTO_TEST_CASE(a_flood_past_both_tables_lets_in_only_trusted_addresses_and_memory_stays_bounded) {
    credential_guard g{cfg(1000)};
    g.succeeded(door::smpp, ip::make_address("192.0.2.7"), "alice", t0);
    // 200 000 addresses in 200 000 /24s (and IPv6 /56s): more than both tables hold.
    for (unsigned i = 0; i < 100'000; ++i) {
        g.failed(door::smpp, v4(i * 256 + 1), {}, t0 + 1s);
        ip::address_v6::bytes_type b{0x20, 0x01, 0x0d, 0xb8};
        b[4] = static_cast<unsigned char>(i >> 16), b[5] = static_cast<unsigned char>(i >> 8),
        b[6] = static_cast<unsigned char>(i), b[15] = 1;
        g.failed(door::api, ip::address_v6{b}, {}, t0 + 1s);
    }
    BOOST_TEST(g.tracked_addresses() == 1000u);
    BOOST_TEST(g.tracked_networks() == 1000u);
    BOOST_TEST(g.started().overloads == 1u);
    // An address the guard never saw waits; the trusted one does not.
    BOOST_TEST((g.check(door::smpp, ip::make_address("203.0.113.5"), {}, t0 + 2s) == verdict::overloaded));
    BOOST_TEST((g.check(door::smpp, ip::make_address("192.0.2.7"), "alice", t0 + 2s) == verdict::allow));
    // A window after the last failure it could not count, the flood is over.
    BOOST_TEST((g.check(door::smpp, ip::make_address("203.0.113.5"), {}, t0 + 12s) == verdict::allow));
    BOOST_TEST(g.counts(door::smpp).failures + g.counts(door::api).failures == 200'000u);
}
