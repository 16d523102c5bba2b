// The simulator's pure helpers: receipt text, outcomes, ids, command line,
// delay queue.
#include <boost/test/unit_test.hpp>

#include <set>

#include "cli.hpp"
#include "delay_queue.hpp"
#include "message_id.hpp"
#include "receipt.hpp"
#include "session/loopback.hpp"

using namespace twinsms;
using namespace twinsms::sim;

BOOST_AUTO_TEST_SUITE(helpers)

// The receipt text itself is shared code, tested in tests/route; here only
// the simulator's own date helper.
BOOST_AUTO_TEST_CASE(receipt_date_is_utc_yymmddhhmm) {
    const auto d = smpp_receipt_date(std::chrono::system_clock::from_time_t(0));
    BOOST_TEST(d == "7001010000");
}

BOOST_AUTO_TEST_CASE(outcomes_and_excerpts) {
    BOOST_TEST((parse_outcome("DELIVRD").value() == (receipt_outcome{final_state::delivered, 0})));
    BOOST_TEST((parse_outcome("undeliv:12").value() == (receipt_outcome{final_state::undeliverable, 12})));
    BOOST_TEST((parse_outcome("rejected:1").value() == (receipt_outcome{final_state::rejected, 1})));
    BOOST_TEST(!parse_outcome("DELIVRD:x"));
    BOOST_TEST(!parse_outcome("GONE"));
    const receipt_outcome ok{}, bad{final_state::undeliverable, 1};
    BOOST_TEST(receipt_wanted(1, ok));
    BOOST_TEST(!receipt_wanted(2, ok));
    BOOST_TEST(receipt_wanted(2, bad));
    BOOST_TEST(!receipt_wanted(0x10, bad));
    BOOST_TEST(receipt_excerpt(std::string("\x00H\x00i\x04\x10", 6), 0x08) == "Hi?");
    BOOST_TEST(receipt_excerpt("0123456789abcdefghijKLMN", 0) == "0123456789abcdefghij");
    BOOST_TEST(receipt_excerpt("\x01\x02", 0x04) == "");
}

BOOST_AUTO_TEST_CASE(id_formats) {
    id_generator hex{id_format::hex, "", 255};
    BOOST_TEST(hex.next() == "ff");
    BOOST_TEST(hex.next() == "100");
    id_generator dec{id_format::decimal, "X", 9};
    BOOST_TEST(dec.next() == "X9");
    id_generator uuid{id_format::uuid};
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto u = uuid.next();
        BOOST_TEST(u.size() == 36u);
        BOOST_TEST(u[14] == '4');
        seen.insert(u);
    }
    BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(command_line) {
    const char* argv[] = {"sim", "--listen", "127.0.0.1:0", "--account", "acme:secret", "--account=b:p:w",
                          "--receipt-delay-ms", "250", "--receipt-state", "UNDELIV:3", "--receipt-rule",
                          "4479=EXPIRED", "--throttle-every", "10", "--fail-status", "ESME_RSUBMITFAIL",
                          "--id-prefix", "S", "--id-format", "dec", "--mo-every-ms", "100", "--mo-account", "acme", "--stats", "--direct"};
    std::string err;
    auto o = parse_cli(static_cast<int>(std::size(argv)), argv, err);
    BOOST_REQUIRE_MESSAGE(o.has_value(), err);
    BOOST_TEST(o->sim.listen.port() == 0);
    BOOST_REQUIRE_EQUAL(o->sim.accounts.size(), 2u);
    BOOST_TEST(o->sim.accounts[1].password == "p:w");
    BOOST_TEST(o->sim.receipt_delay.count() == 250);
    BOOST_TEST(o->sim.receipt_default.err == 3);
    BOOST_TEST(o->sim.receipt_rules.at(0).prefix == "4479");
    BOOST_TEST(o->throttle_every == 10u);
    BOOST_TEST(o->fail_status.value_or(0) == 0x45u);
    BOOST_TEST(o->sim.id_prefix == "S");
    BOOST_TEST((o->sim.ids == id_format::decimal));
    BOOST_TEST(o->mo_account == "acme");
    BOOST_TEST(o->mo_every.count() == 100);
    BOOST_TEST(o->stats);
    BOOST_TEST(!o->sim.link_faults);

    const char* none[] = {"sim"};
    BOOST_TEST(!parse_cli(1, none, err));
    const char* bad[] = {"sim", "--accept-any", "--listen", "nowhere"};
    BOOST_TEST(!parse_cli(4, bad, err));
    BOOST_TEST(err.find("--listen") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(delay_queue_order) {
    boost::asio::io_context io;
    std::vector<int> order;
    delay_queue q{io.get_executor()};
    q.after(std::chrono::milliseconds{60}, [&] { order.push_back(3); });
    q.after(std::chrono::milliseconds{20}, [&] { order.push_back(2); });
    q.after(std::chrono::milliseconds{0}, [&] { order.push_back(1); });
    q.after(std::chrono::milliseconds{20}, [&] { order.push_back(22); });
    BOOST_TEST(order.empty());
    BOOST_REQUIRE(test::run_until(io, [&] { return order.size() == 4; }));
    BOOST_TEST((order == std::vector<int>{1, 2, 22, 3}));
    q.after(std::chrono::milliseconds{10}, [&] { order.push_back(99); });
    q.clear();
    BOOST_TEST(q.size() == 0u);
    // The cleared 10 ms entry must not fire: watched for three times its delay.
    BOOST_TEST(test::observe_quiet(io, std::chrono::milliseconds{30}, [&] { return order.size() != 4; }));
    BOOST_TEST(order.size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
