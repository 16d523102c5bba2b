#define BOOST_TEST_MODULE daemon_backlog
// delivery.max_backlog: a carrier slower than the clients fills the node's
// ready queue; beyond the bound new submits are refused ESME_RTHROTTLED
// rather than accepted to wait seconds, everything accepted still reaches
// the carrier, and once it caught up submits are taken again.
#include "daemon/daemon_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(a_slow_carrier_throttles_intake_beyond_the_backlog, daemon_fixture) {
    auto& sim = add_demo_carrier();
    profiles.replace("carriers/sim.yaml", "window: 50", "window: 5");
    profiles.replace("node.yaml", "  log_level: info", "  delivery:\n    max_backlog: 10\n  log_level: info");
    start_daemon();
    sim.set_response_delay(200ms); // 5 in flight at a time: 25 msg/s

    auto c = client();
    std::size_t accepted = 0, throttled = 0;
    for (int i = 0; i < 60; ++i) {
        auto a = request(*c, make_submit("4670000000" + std::to_string(i), "m-" + std::to_string(i), 1));
        if (a.status() == status::ok) ++accepted;
        else if (a.status() == status::throttled) ++throttled;
        else BOOST_FAIL("submit " << i << " answered " << a.status());
    }
    BOOST_TEST_MESSAGE(accepted << " accepted, " << throttled << " throttled");
    BOOST_TEST(throttled > 0u);
    BOOST_TEST(accepted >= 15u); // the carrier's window and the backlog at least
    BOOST_TEST(accepted < 60u);
    // Nothing accepted is lost: all of it reaches the carrier.
    require([&] { return sim.messages().size() == accepted; }, "every accepted message at the carrier", 20s);
    auto again = request(*c, make_submit("46700000099", "after", 1));
    BOOST_TEST(again.status() == status::ok);
    require([&] { return sim.messages().size() == accepted + 1; }, "the later one at the carrier");
    BOOST_TEST(terminate().code == 0);
}
