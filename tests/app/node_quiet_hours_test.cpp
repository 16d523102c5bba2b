// A node whose route has quiet hours (in UTC, so the test's window is the
// wall clock's): a message in the window reaches the carrier only once the
// window ends, with its receipt; one on another route goes at once; one
// whose validity ends inside the window expires at once.
#define BOOST_TEST_MODULE node_quiet_hours
#include "app/node_harness.hpp"

#include <chrono>

using namespace twinsms;
using namespace twinsms::test;

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Route "night" (UK numbers) is quiet from a minute ago until `ends_in`
// seconds from now (the whole second); "day" takes the rest, never quiet.
struct quiet_route : node_fixture {
    sim::smsc_simulator& carrier;
    std::int64_t window_end = 0; // epoch ms
    explicit quiet_route(unsigned ends_in = 3) : carrier{add_carrier("sim")} {
        const auto s = now_ms() / 1000;
        const auto of_day = static_cast<unsigned>(s % 86400);
        window_end = (s + ends_in) * 1000;
        auto night = route_to("night", {"sim"}, config::route_strategy::failover, {"44"});
        night.quiet_hours = config::quiet_window{"UTC", (of_day + 86400 - 60) % 86400, (of_day + ends_in) % 86400};
        profiles.routes = {night, route_to("day", {"sim"})};
        start_node();
        wait_carriers_up();
    }
    bool has_event(const std::string& id, std::string_view text) {
        const auto m = stored(id);
        if (!m) return false;
        for (const auto& e : m->events)
            if (e.detail.find(text) != std::string::npos) return true;
        return false;
    }
};

struct long_window : quiet_route {
    long_window() : quiet_route{120} {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_message_in_quiet_hours_goes_when_they_end, quiet_route) {
    auto c = client();
    const auto held = request(*c, make_submit("447700900123", "tonight", 1));
    BOOST_REQUIRE(held.status() == status::ok);
    const auto now = request(*c, make_submit("33612345678", "not quiet", 0));
    BOOST_REQUIRE(now.status() == status::ok);
    run([&] { return carrier.messages().size() == 1u; });
    BOOST_TEST(carrier.messages().front().destination == "33612345678");
    BOOST_TEST(node->dispatch().stats().held == 1u);
    BOOST_TEST(has_event(held.message_id(), "quiet hours: held until"));
    BOOST_TEST(store::is_queued(stored(held.message_id())->state)); // back in the queue, not an attempt

    run([&] { return carrier.messages().size() == 2u; });
    BOOST_TEST(now_ms() >= window_end); // not before the window ended
    BOOST_TEST(carrier.messages().back().destination == "447700900123");
    BOOST_TEST(node->dispatch().stats().held == 1u); // held once, then sent
    run([&] { return c->delivered.size() == 1u; }); // and its receipt
    BOOST_TEST(smpp::receipted_message_id(c->dsm(0).tlvs).value_or("") == held.message_id());
}

BOOST_FIXTURE_TEST_CASE(a_message_whose_validity_ends_in_quiet_hours_expires_at_once, long_window) {
    auto c = client();
    auto p = make_submit("447700900124", "too late", 1);
    p.as<smpp::submit_sm>()->validity_period = "000000000010000R"; // 10 s, the window ends in 120
    const auto a = request(*c, p);
    BOOST_REQUIRE(a.status() == status::ok);
    wait_state(a.message_id(), store::msg_state::expired);
    BOOST_TEST(has_event(a.message_id(), "validity period ends in quiet hours"));
    run([&] { return c->delivered.size() == 1u; }); // the failure receipt
    BOOST_TEST(std::string{c->dsm(0).short_message}.find("stat:EXPIRED") != std::string::npos);
    BOOST_TEST(carrier.messages().empty());
    BOOST_TEST(node->dispatch().stats().held == 0u);
}
