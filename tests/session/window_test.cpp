// Outstanding-request window with injected time: no timers, no sleeps.
#define BOOST_TEST_MODULE window
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "smpp/session/window.hpp"

using namespace twinsms::smpp;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
using win = window<std::string>;

namespace {
const clock_type::time_point t0{std::chrono::hours(1)};

struct expired_log {
    std::vector<std::uint32_t> seqs;
    std::vector<std::string> values;
    auto fn() {
        return [this](std::uint32_t seq, std::string&& v) {
            seqs.push_back(seq);
            values.push_back(std::move(v));
        };
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(insert_until_full) {
    win w{3};
    BOOST_TEST(w.empty());
    BOOST_TEST(w.capacity() == 3u);
    BOOST_TEST(w.insert(1, t0 + 10ms, "a"));
    BOOST_TEST(w.insert(2, t0 + 10ms, "b"));
    BOOST_TEST(!w.full());
    BOOST_TEST(w.insert(3, t0 + 10ms, "c"));
    BOOST_TEST(w.full());
    BOOST_TEST(w.size() == 3u);
    BOOST_TEST(!w.insert(4, t0 + 10ms, "d")); // full: refused, nothing stored
    BOOST_TEST(w.size() == 3u);
    BOOST_TEST(!w.take(4).has_value());
}

BOOST_AUTO_TEST_CASE(duplicate_sequence_refused_and_original_kept) {
    win w{3};
    BOOST_TEST(w.insert(7, t0 + 10ms, "first"));
    BOOST_TEST(!w.insert(7, t0 + 20ms, "second"));
    BOOST_TEST(w.size() == 1u);
    auto v = w.take(7);
    BOOST_REQUIRE(v.has_value());
    BOOST_TEST(*v == "first");
    // The refused insert left no order entry behind that could expire anything.
    BOOST_TEST(!w.next_deadline().has_value());
}

BOOST_AUTO_TEST_CASE(take_frees_a_slot_once) {
    win w{2};
    w.insert(1, t0 + 10ms, "a");
    w.insert(2, t0 + 10ms, "b");
    BOOST_TEST(w.full());
    auto a = w.take(1);
    BOOST_REQUIRE(a.has_value());
    BOOST_TEST(*a == "a");
    BOOST_TEST(!w.full());
    BOOST_TEST(!w.take(1).has_value()); // a late duplicate response finds nothing
    BOOST_TEST(!w.take(99).has_value());
    BOOST_TEST(w.insert(3, t0 + 20ms, "c"));
    BOOST_TEST(w.size() == 2u);
}

BOOST_AUTO_TEST_CASE(next_deadline_skips_answered) {
    win w{10};
    BOOST_TEST(!w.next_deadline().has_value());
    w.insert(1, t0 + 10ms, "a");
    w.insert(2, t0 + 20ms, "b");
    w.insert(3, t0 + 30ms, "c");
    BOOST_TEST((w.next_deadline() == t0 + 10ms));
    w.take(2); // answered out of order: the front does not change
    BOOST_TEST((w.next_deadline() == t0 + 10ms));
    w.take(1);
    BOOST_TEST((w.next_deadline() == t0 + 30ms)); // 2 is skipped, it was answered
    w.take(3);
    BOOST_TEST(!w.next_deadline().has_value());
}

BOOST_AUTO_TEST_CASE(expire_at_or_before_now_oldest_first) {
    win w{10};
    // Sequence numbers deliberately not in numeric order: expiry follows send order.
    w.insert(9, t0 + 10ms, "a");
    w.insert(3, t0 + 20ms, "b");
    w.insert(5, t0 + 20ms, "c");
    w.insert(1, t0 + 30ms, "d");
    expired_log log;
    BOOST_TEST(w.expire(t0 + 9ms, log.fn()) == 0u);
    BOOST_TEST(log.seqs.empty());
    BOOST_TEST(w.expire(t0 + 20ms, log.fn()) == 3u); // deadline == now expires
    BOOST_TEST(log.seqs == (std::vector<std::uint32_t>{9, 3, 5}), boost::test_tools::per_element());
    BOOST_TEST(log.values == (std::vector<std::string>{"a", "b", "c"}), boost::test_tools::per_element());
    BOOST_TEST(w.size() == 1u);
    BOOST_TEST((w.next_deadline() == t0 + 30ms));
    BOOST_TEST(w.expire(t0 + 1h, log.fn()) == 1u);
    BOOST_TEST(log.seqs.back() == 1u);
    BOOST_TEST(w.empty());
    BOOST_TEST(w.expire(t0 + 2h, log.fn()) == 0u);
}

BOOST_AUTO_TEST_CASE(answered_requests_never_expire) {
    win w{10};
    w.insert(1, t0 + 10ms, "a");
    w.insert(2, t0 + 10ms, "b");
    w.take(1);
    expired_log log;
    BOOST_TEST(w.expire(t0 + 1h, log.fn()) == 1u);
    BOOST_TEST(log.seqs == (std::vector<std::uint32_t>{2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(expiry_callback_may_refill_the_window) {
    // The session moves backlog into the window from inside expiry handling.
    win w{1};
    w.insert(1, t0 + 10ms, "a");
    std::vector<std::uint32_t> seen;
    const auto n = w.expire(t0 + 10ms, [&](std::uint32_t seq, std::string&&) {
        seen.push_back(seq);
        BOOST_TEST(!w.full());
        BOOST_TEST(w.insert(2, t0 + 50ms, "b"));
    });
    BOOST_TEST(n == 1u);
    BOOST_TEST(seen == (std::vector<std::uint32_t>{1}), boost::test_tools::per_element());
    BOOST_TEST(w.size() == 1u);
    BOOST_TEST((w.next_deadline() == t0 + 50ms));
}

BOOST_AUTO_TEST_CASE(drain_hands_out_everything_in_send_order) {
    win w{64};
    std::vector<std::uint32_t> sent;
    // Many entries with scattered sequence numbers: a hash map's order would differ.
    for (std::uint32_t i = 0; i < 40; ++i) {
        const std::uint32_t seq = (i * 7919u) % 1000u + 1;
        BOOST_REQUIRE(w.insert(seq, t0 + std::chrono::milliseconds(i), std::to_string(seq)));
        sent.push_back(seq);
    }
    w.take(sent[5]); // answered: not drained
    sent.erase(sent.begin() + 5);
    std::vector<std::uint32_t> drained;
    w.drain([&](std::uint32_t seq, std::string&& v) {
        BOOST_TEST(v == std::to_string(seq));
        drained.push_back(seq);
    });
    BOOST_TEST(drained == sent, boost::test_tools::per_element());
    BOOST_TEST(w.empty());
    BOOST_TEST(!w.next_deadline().has_value());
    BOOST_TEST(w.insert(1, t0, "again")); // usable after drain
}

BOOST_AUTO_TEST_CASE(sequence_reused_after_wrap) {
    // seq 0x7FFFFFFF, then the session wraps to 1 while an old 1 is answered.
    win w{4};
    w.insert(1, t0 + 10ms, "old-1");
    w.insert(0x7FFFFFFF, t0 + 20ms, "max");
    BOOST_REQUIRE(w.take(1).has_value());
    BOOST_TEST(w.insert(1, t0 + 30ms, "new-1")); // reused number, later deadline
    // The stale (t0+10ms, 1) order entry must neither expire the new 1 early...
    expired_log log;
    BOOST_TEST(w.expire(t0 + 10ms, log.fn()) == 0u);
    BOOST_TEST(w.size() == 2u);
    BOOST_TEST((w.next_deadline() == t0 + 20ms));
    BOOST_TEST(w.expire(t0 + 20ms, log.fn()) == 1u);
    BOOST_TEST(log.seqs.back() == 0x7FFFFFFFu);
    BOOST_TEST((w.next_deadline() == t0 + 30ms));
    // ...nor hide it when its own deadline comes.
    BOOST_TEST(w.expire(t0 + 30ms, log.fn()) == 1u);
    BOOST_TEST(log.values.back() == "new-1");
    BOOST_TEST(w.empty());
}

BOOST_AUTO_TEST_CASE(sequence_reused_with_the_same_deadline_expires_once) {
    win w{4};
    w.insert(5, t0 + 10ms, "a");
    w.take(5);
    w.insert(5, t0 + 10ms, "b");
    expired_log log;
    BOOST_TEST(w.expire(t0 + 10ms, log.fn()) == 1u);
    BOOST_TEST(log.values == (std::vector<std::string>{"b"}), boost::test_tools::per_element());
    BOOST_TEST(!w.next_deadline().has_value());
}

BOOST_AUTO_TEST_CASE(sequence_reused_then_drained_once) {
    win w{4};
    w.insert(5, t0 + 10ms, "a");
    w.take(5);
    w.insert(6, t0 + 15ms, "x");
    w.insert(5, t0 + 20ms, "b");
    std::vector<std::string> drained;
    w.drain([&](std::uint32_t, std::string&& v) { drained.push_back(v); });
    BOOST_TEST(drained == (std::vector<std::string>{"x", "b"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(many_answered_then_expire_rest) {
    // A long-running mix: answer most, expire the rest in order.
    win w{1000};
    for (std::uint32_t s = 1; s <= 1000; ++s) w.insert(s, t0 + std::chrono::milliseconds(s), "v");
    for (std::uint32_t s = 1; s <= 1000; ++s)
        if (s % 10 != 0) w.take(s);
    BOOST_TEST(w.size() == 100u);
    BOOST_TEST((w.next_deadline() == t0 + 10ms));
    expired_log log;
    BOOST_TEST(w.expire(t0 + 505ms, log.fn()) == 50u);
    BOOST_TEST(log.seqs.front() == 10u);
    BOOST_TEST(log.seqs.back() == 500u);
    for (std::size_t i = 1; i < log.seqs.size(); ++i) BOOST_TEST(log.seqs[i - 1] < log.seqs[i]);
    BOOST_TEST((w.next_deadline() == t0 + 510ms));
}
