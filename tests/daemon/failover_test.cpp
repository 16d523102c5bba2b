// Carrier failover at process level: twinsmsd with a failover route over
// two carriers (two simulators in the test process). While the first is
// up it takes everything; once it is gone, new messages go to the second,
// and so do the ones that were in flight on the first when it died; when
// it comes back it takes new messages again.
#define BOOST_TEST_MODULE daemon_failover
#include "daemon/daemon_fixture.hpp"

#include <set>

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct two_carriers : daemon_fixture {
    smsc_simulator* first = nullptr;
    smsc_simulator& second;
    std::uint16_t first_port;

    two_carriers() : first{&add_demo_carrier()}, second{add_sim()}, first_port{first->port()} {
        profiles.add_carrier("backup", second.port());
        profiles.write("routes.yaml", "routes:\n  - name: all\n    strategy: failover\n    carriers: [sim, backup]\n"
                                      "mo:\n  - name: demo-mo\n    client: demo\n");
        start_daemon({"sim", "backup"});
    }

    // Texts a simulator received.
    static std::multiset<std::string> texts(const smsc_simulator& s) {
        std::multiset<std::string> out;
        for (const auto& m : s.messages()) out.insert(m.text);
        return out;
    }
    std::size_t link_downs(std::string_view carrier) const {
        std::size_t n = 0;
        for (const auto& l : daemon->events("carrier", "link_down")) n += logfmt_value(l, "carrier") == carrier;
        return n;
    }
    std::vector<std::string> submit_all(esme& c, const std::string& prefix, int n) {
        std::vector<std::string> ids;
        for (int i = 0; i < n; ++i) {
            auto a = request(c, make_submit("4670000000" + std::to_string(i), prefix + std::to_string(i), 1));
            BOOST_REQUIRE(a.status() == status::ok);
            ids.push_back(a.message_id());
        }
        return ids;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(new_messages_go_to_the_second_once_the_first_is_gone, two_carriers) {
    auto c = client();
    submit_all(*c, "up-", 5);
    require([&] { return first->messages().size() == 5u; }, "five at the first carrier");
    BOOST_TEST(second.messages().empty());

    first->stop(); // listener and links gone at once
    require([&] { return link_downs("sim") > 0; }, "the daemon saw the first carrier's link drop");
    auto ids = submit_all(*c, "down-", 5);
    require([&] { return second.messages().size() == 5u; }, "five at the second carrier");
    BOOST_TEST(first->messages().size() == 5u); // nothing more went to the dead one
    BOOST_TEST((texts(second) == std::multiset<std::string>{"down-0", "down-1", "down-2", "down-3", "down-4"}));
    // Receipts from the second carrier name our ids.
    for (const auto& id : ids) require([&] { return receipt_for(*c, id) != nullptr; }, "receipt via the second carrier");

    // The first comes back on its port: the daemon reconnects and prefers it again.
    sims.push_back(std::make_unique<smsc_simulator>(io, [&] {
        auto cfg = first->config();
        cfg.listen.port(first_port);
        return cfg;
    }()));
    auto& again = *sims.back();
    again.start();
    require([&] { return daemon->carrier_binds("sim") >= 2u; }, "the first carrier bound again", 15s);
    submit_all(*c, "back-", 3);
    require([&] { return again.messages().size() == 3u; }, "three at the first carrier again");
    BOOST_TEST(second.messages().size() == 5u);
    BOOST_TEST(terminate().code == 0);
}

BOOST_FIXTURE_TEST_CASE(messages_in_flight_on_the_dying_carrier_are_sent_via_the_second, two_carriers) {
    first->set_response_delay(60s); // takes them, never answers in time
    auto c = client();
    auto ids = submit_all(*c, "stuck-", 5);
    require([&] { return first->messages().size() == 5u; }, "five unanswered at the first carrier");
    first->stop();
    // Transport failure: retried (after the daemon's backoff) on the carrier still up.
    require([&] { return second.messages().size() == 5u; }, "five at the second carrier", 20s);
    BOOST_TEST((texts(second) == std::multiset<std::string>{"stuck-0", "stuck-1", "stuck-2", "stuck-3", "stuck-4"}));
    for (const auto& id : ids) require([&] { return receipt_for(*c, id) != nullptr; }, "receipt via the second carrier");
    BOOST_TEST(terminate().code == 0);
}
