#define BOOST_TEST_MODULE token_bucket
#include <boost/test/unit_test.hpp>

#include "util/token_bucket.hpp"

using twinsms::token_bucket;
using namespace std::chrono_literals;

namespace {
// Injected time: an arbitrary fixed origin, never the real clock.
const token_bucket::time_point t0 = token_bucket::time_point{} + 1000s;

int take_all(token_bucket& b, token_bucket::time_point now, int limit = 1000) {
    int n = 0;
    while (n < limit && b.try_take(now)) ++n;
    return n;
}
} // namespace

BOOST_AUTO_TEST_CASE(starts_full_with_burst_tokens) {
    token_bucket b{10, 5, t0};
    BOOST_TEST(!b.unlimited());
    BOOST_TEST(take_all(b, t0) == 5);
    BOOST_TEST(!b.try_take(t0));
}

BOOST_AUTO_TEST_CASE(refills_at_rate) {
    token_bucket b{10, 5, t0};
    take_all(b, t0);
    BOOST_TEST(!b.try_take(t0 + 99ms));
    BOOST_TEST(b.try_take(t0 + 100ms)); // 10/s: one token per 100 ms
    BOOST_TEST(!b.try_take(t0 + 100ms));
    BOOST_TEST(take_all(b, t0 + 400ms) == 3);
}

BOOST_AUTO_TEST_CASE(refill_is_capped_at_burst) {
    token_bucket b{10, 5, t0};
    take_all(b, t0);
    // An hour idle still yields only `burst` tokens, not 36000.
    BOOST_TEST(take_all(b, t0 + 1h) == 5);
}

BOOST_AUTO_TEST_CASE(sustained_rate_over_a_long_run) {
    token_bucket b{50, 5, t0};
    int taken = 0;
    for (auto t = t0; t < t0 + 10s; t += 1ms) taken += take_all(b, t);
    // 5 initial + 50/s for 10 s (the last millisecond may not be reached).
    BOOST_TEST(taken >= 5 + 499);
    BOOST_TEST(taken <= 5 + 500);
}

BOOST_AUTO_TEST_CASE(burst_below_one_means_one_token) {
    token_bucket b{10, 0, t0};
    BOOST_TEST(take_all(b, t0) == 1);
    BOOST_TEST(take_all(b, t0 + 1s) == 1);
}

BOOST_AUTO_TEST_CASE(wait_for_reports_time_to_next_token) {
    token_bucket b{10, 2, t0};
    BOOST_TEST(b.wait_for(t0).count() == 0);
    take_all(b, t0);
    const auto w = b.wait_for(t0);
    BOOST_TEST(w >= 100ms);
    BOOST_TEST(w <= 101ms);
    // Waiting exactly that long is enough: the next try_take succeeds.
    BOOST_TEST(b.try_take(t0 + w));
    // Half way through the next token, half the wait remains.
    const auto w2 = b.wait_for(t0 + w + 50ms);
    BOOST_TEST(w2 >= 49ms);
    BOOST_TEST(w2 <= 51ms);
}

BOOST_AUTO_TEST_CASE(wait_for_several_tokens) {
    token_bucket b{10, 5, t0};
    take_all(b, t0);
    const auto w = b.wait_for(t0, 3);
    BOOST_TEST(w >= 300ms);
    BOOST_TEST(w <= 301ms);
    BOOST_TEST(!b.try_take(t0 + 299ms, 3));
    BOOST_TEST(b.try_take(t0 + w, 3));
}

BOOST_AUTO_TEST_CASE(wait_for_does_not_consume) {
    token_bucket b{10, 3, t0};
    for (int i = 0; i < 10; ++i) BOOST_TEST(b.wait_for(t0).count() == 0);
    BOOST_TEST(take_all(b, t0) == 3);
}

BOOST_AUTO_TEST_CASE(unlimited_when_rate_is_zero_or_negative) {
    for (double rate : {0.0, -1.0}) {
        token_bucket b{rate, 1, t0};
        BOOST_TEST(b.unlimited());
        BOOST_TEST(take_all(b, t0, 10'000) == 10'000);
        BOOST_TEST(b.wait_for(t0, 1e6).count() == 0);
    }
}

BOOST_AUTO_TEST_CASE(set_rate_changes_refill_speed) {
    token_bucket b{10, 10, t0};
    take_all(b, t0);
    b.set_rate(100, 10, t0);
    BOOST_TEST(take_all(b, t0 + 10ms) == 1); // 100/s: one token per 10 ms
    BOOST_TEST(take_all(b, t0 + 1s) == 10);
}

BOOST_AUTO_TEST_CASE(set_rate_credits_time_at_the_old_rate) {
    token_bucket b{10, 10, t0};
    take_all(b, t0);
    // 500 ms at 10/s earned 5 tokens before the change to 1/s.
    b.set_rate(1, 10, t0 + 500ms);
    BOOST_TEST(take_all(b, t0 + 500ms) == 5);
}

BOOST_AUTO_TEST_CASE(set_rate_shrinking_burst_drops_excess_tokens) {
    token_bucket b{10, 10, t0};
    b.set_rate(10, 3, t0);
    BOOST_TEST(take_all(b, t0) == 3);
}

BOOST_AUTO_TEST_CASE(set_rate_to_and_from_unlimited) {
    token_bucket b{10, 2, t0};
    take_all(b, t0);
    b.set_rate(0, 2, t0);
    BOOST_TEST(b.unlimited());
    BOOST_TEST(take_all(b, t0, 100) == 100);
    b.set_rate(10, 2, t0);
    BOOST_TEST(!b.unlimited());
    BOOST_TEST(take_all(b, t0 + 1s) == 2);
}

BOOST_AUTO_TEST_CASE(time_going_backwards_earns_nothing) {
    token_bucket b{10, 5, t0};
    take_all(b, t0);
    BOOST_TEST(!b.try_take(t0 - 10s));
    BOOST_TEST(b.wait_for(t0 - 10s) > 0ms);
    // ...and does not rewind the clock either: 100 ms after t0 is one token.
    BOOST_TEST(take_all(b, t0 + 100ms) == 1);
}
