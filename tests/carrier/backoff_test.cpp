#define BOOST_TEST_MODULE backoff
#include <random>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "util/backoff.hpp"

using twinsms::backoff;
using twinsms::backoff_config;
using ms = std::chrono::milliseconds;

namespace {
backoff_config no_jitter(ms initial, ms max, double mult = 2.0) {
    backoff_config c;
    c.initial = initial;
    c.max = max;
    c.multiplier = mult;
    c.jitter = 0;
    return c;
}
std::vector<long long> delays(backoff& b, int n, double u = 1.0) {
    std::vector<long long> out;
    for (int i = 0; i < n; ++i) out.push_back(b.next(u).count());
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(grows_exponentially_from_initial) {
    backoff b{no_jitter(ms{100}, ms{100'000})};
    const std::vector<long long> want{100, 200, 400, 800, 1600, 3200};
    BOOST_TEST(delays(b, 6) == want, boost::test_tools::per_element());
    BOOST_TEST(b.attempts() == 6u);
}

BOOST_AUTO_TEST_CASE(non_integer_multiplier) {
    backoff b{no_jitter(ms{1000}, ms{100'000}, 1.5)};
    const std::vector<long long> want{1000, 1500, 2250, 3375};
    BOOST_TEST(delays(b, 4) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(capped_at_max_and_stays_there) {
    backoff b{no_jitter(ms{100}, ms{1000})};
    const std::vector<long long> want{100, 200, 400, 800, 1000, 1000, 1000};
    BOOST_TEST(delays(b, 7) == want, boost::test_tools::per_element());
    // Many more attempts neither overflow nor exceed the cap.
    for (int i = 0; i < 10'000; ++i) BOOST_TEST_REQUIRE(b.next().count() == 1000);
}

BOOST_AUTO_TEST_CASE(cap_not_a_multiple_of_initial) {
    backoff b{no_jitter(ms{300}, ms{1000})};
    const std::vector<long long> want{300, 600, 1000, 1000};
    BOOST_TEST(delays(b, 4) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(jitter_scales_down_by_at_most_the_jitter_fraction) {
    backoff_config c = no_jitter(ms{1000}, ms{1000});
    c.jitter = 0.2;
    backoff b{c};
    BOOST_TEST(b.next(1.0).count() == 1000); // u = 1: full delay
    BOOST_TEST(b.next(0.0).count() == 800);  // u = 0: 1 - jitter
    BOOST_TEST(b.next(0.5).count() == 900);
    // Out-of-range draws are clamped, never leaving [800, 1000].
    BOOST_TEST(b.next(-3.0).count() == 800);
    BOOST_TEST(b.next(7.0).count() == 1000);
}

BOOST_AUTO_TEST_CASE(jitter_bounds_over_random_draws) {
    backoff_config c = no_jitter(ms{100}, ms{5000});
    c.jitter = 0.3;
    backoff b{c};
    std::mt19937 rng{42};
    std::uniform_real_distribution<> u{0.0, 1.0};
    long long base = 100;
    bool below_base = false;
    for (int i = 0; i < 40; ++i) {
        const auto d = b.next(u(rng)).count();
        BOOST_TEST_REQUIRE(d <= base);
        BOOST_TEST_REQUIRE(d >= static_cast<long long>(base * 0.7) - 1);
        below_base = below_base || d < base;
        base = std::min<long long>(base * 2, 5000);
    }
    BOOST_TEST(below_base); // jitter is actually applied
}

BOOST_AUTO_TEST_CASE(jitter_does_not_slow_growth) {
    // The jittered delay is taken from the un-jittered base, so a run of
    // low draws does not shrink later delays.
    backoff_config c = no_jitter(ms{100}, ms{100'000});
    c.jitter = 0.5;
    backoff b{c};
    const std::vector<long long> want{50, 100, 200, 400};
    BOOST_TEST(delays(b, 4, 0.0) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reset_starts_over) {
    backoff b{no_jitter(ms{100}, ms{10'000})};
    delays(b, 5);
    BOOST_TEST(b.attempts() == 5u);
    b.reset();
    BOOST_TEST(b.attempts() == 0u);
    const std::vector<long long> want{100, 200, 400};
    BOOST_TEST(delays(b, 3) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(reset_after_reaching_the_cap) {
    backoff b{no_jitter(ms{100}, ms{400})};
    delays(b, 20);
    b.reset();
    BOOST_TEST(b.next().count() == 100);
}

BOOST_AUTO_TEST_CASE(default_config_is_sane) {
    backoff b{backoff_config{}};
    const auto first = b.next(1.0);
    BOOST_TEST(first.count() == 1000);
    ms last{0};
    for (int i = 0; i < 30; ++i) last = b.next(1.0);
    BOOST_TEST(last.count() == 60'000);
}
