// twinsms-load's pure parts: the token-bucket pacer on a hand-driven clock,
// percentiles of the latency sample, and the command line.
#define BOOST_TEST_MODULE load_unit
#include <boost/test/unit_test.hpp>

#include <vector>

#include "latency_sample.hpp"
#include "load_options.hpp"
#include "pacer.hpp"

using namespace twinsms::load;
using clock_type = pacer::clock;
using namespace std::chrono_literals;

namespace {

// Runs one sender against `p` for `span` of fake time, waiting exactly as
// long as the pacer says; returns {messages sent, waits}.
std::pair<long, long> simulate(pacer& p, clock_type::time_point& now, clock_type::duration span,
                               clock_type::duration late = {}) {
    const auto end = now + span;
    long sent = 0, waits = 0;
    while (now < end) {
        const auto w = p.next();
        if (w == clock_type::duration::zero()) {
            ++sent;
        } else {
            ++waits;
            now += w + late;
        }
    }
    return {sent, waits};
}

} // namespace

BOOST_AUTO_TEST_CASE(pacer_holds_the_offered_rate_and_wakes_per_batch) {
    clock_type::time_point now{};
    pacer p{10'000, [&] { return now; }};
    BOOST_TEST(p.batch() == 50.0); // 5 ms worth
    const auto [sent, waits] = simulate(p, now, 2s);
    // 2 s at 10k/s, plus the initial full bucket (4 batches).
    BOOST_TEST(sent >= 20'000);
    BOOST_TEST(sent <= 20'000 + 200 + 1);
    // One wake-up per batch, not per message.
    BOOST_TEST(waits <= 2'000 / 5 + 2);
}

BOOST_AUTO_TEST_CASE(pacer_keeps_the_rate_when_the_timer_fires_late) {
    clock_type::time_point now{};
    pacer p{10'000, [&] { return now; }};
    // Every wake-up 1 ms late (a fifth of the 5 ms batch period): tokens
    // pile up in the bucket's spare room instead of being lost.
    const auto [sent, waits] = simulate(p, now, 2s, 1ms);
    BOOST_TEST(sent >= 20'000);
    BOOST_TEST(waits > 0);
}

BOOST_AUTO_TEST_CASE(pacer_at_low_rate_sends_one_at_a_time) {
    clock_type::time_point now{};
    pacer p{100, [&] { return now; }};
    BOOST_TEST(p.batch() == 1.0);
    const auto [sent, waits] = simulate(p, now, 1s);
    BOOST_TEST(sent >= 100);
    BOOST_TEST(sent <= 100 + 4 + 1);
    (void)waits;
}

BOOST_AUTO_TEST_CASE(pacer_unlimited_never_waits) {
    clock_type::time_point now{};
    pacer p{0, [&] { return now; }};
    BOOST_TEST(p.unlimited());
    for (int i = 0; i < 1000; ++i) BOOST_TEST((p.next() == clock_type::duration::zero()));
}

BOOST_AUTO_TEST_CASE(latency_percentiles_are_nearest_rank) {
    latency_sample s;
    BOOST_TEST(s.quantile(0.5) == 0u);
    for (std::uint32_t v = 1000; v >= 1; --v) s.add(v); // 1..1000, unsorted
    s.finish();
    BOOST_TEST(s.quantile(0.5) == 500u);
    BOOST_TEST(s.quantile(0.99) == 990u);
    BOOST_TEST(s.quantile(0.999) == 999u);
    BOOST_TEST(s.quantile(1.0) == 1000u);
    BOOST_TEST(s.quantile(0.0) == 1u);
    BOOST_TEST(s.max() == 1000u);
}

BOOST_AUTO_TEST_CASE(latency_sample_cap_counts_the_rest) {
    latency_sample s{3};
    for (int i = 0; i < 5; ++i) s.add(7);
    BOOST_TEST(s.size() == 3u);
    BOOST_TEST(s.dropped() == 2u);
}

BOOST_AUTO_TEST_CASE(options_parse_and_default_receipt_wait) {
    std::vector<std::string> args{"twinsms-load", "--port", "2999", "--binds", "4", "--window", "50", "--rate",
                                  "10000", "--count", "500", "--registered-delivery", "1", "--bind-type", "tx",
                                  "--connect-wait", "2.5"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::string err;
    auto o = parse_load_options(static_cast<int>(argv.size()), argv.data(), err);
    BOOST_REQUIRE_MESSAGE(o.has_value(), err);
    BOOST_TEST(o->port == "2999");
    BOOST_TEST(o->binds == 4u);
    BOOST_TEST(o->window == 50u);
    BOOST_TEST(o->rate == 10000.0);
    BOOST_TEST(o->count == 500u);
    BOOST_TEST(o->registered_delivery == 1);
    BOOST_TEST((o->bind == bind_kind::transmitter));
    BOOST_TEST(o->receipt_wait_s == 10.0);
    BOOST_TEST(o->connect_wait_s == 2.5);
}

BOOST_AUTO_TEST_CASE(options_refuse_bad_values) {
    for (std::vector<std::string> args : {std::vector<std::string>{"x", "--binds", "0"},
                                          {"x", "--rate", "-1"},
                                          {"x", "--bind-type", "rx"},
                                          {"x", "--window"},
                                          {"x", "--nope", "1"}}) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        std::string err;
        BOOST_TEST(!parse_load_options(static_cast<int>(argv.size()), argv.data(), err).has_value());
        BOOST_TEST(!err.empty());
    }
}
