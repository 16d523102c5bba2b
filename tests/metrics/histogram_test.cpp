// metrics::histogram and metrics::status_counts: bucket edges (le is
// inclusive), the +Inf bucket, sums, merging, snapshots taken while another
// thread observes, and the status label set staying bounded.
#define BOOST_TEST_MODULE histogram
#include <boost/test/unit_test.hpp>

#include <array>
#include <atomic>
#include <thread>

#include "metrics/histogram.hpp"
#include "metrics/status_counts.hpp"

using namespace twinsms::metrics;

namespace {
constexpr std::array<std::uint64_t, 3> small{10, 20, 40};
}

BOOST_AUTO_TEST_CASE(values_fall_in_the_first_bucket_whose_bound_is_not_below_them) {
    histogram h{small};
    for (std::uint64_t v : {0, 10, 11, 20, 39, 40, 41, 1000}) h.observe(v);
    const auto s = h.snapshot();
    BOOST_TEST(s.upper.size() == 3u);
    BOOST_TEST(s.in[0] == 2u); // 0, 10 (le="10" holds 10 itself)
    BOOST_TEST(s.in[1] == 2u); // 11, 20
    BOOST_TEST(s.in[2] == 2u); // 39, 40
    BOOST_TEST(s.in[3] == 2u); // 41, 1000: only in +Inf
    BOOST_TEST(s.count() == 8u);
    BOOST_TEST(s.sum == 0u + 10 + 11 + 20 + 39 + 40 + 41 + 1000);
}

BOOST_AUTO_TEST_CASE(an_unused_histogram_is_all_zero) {
    histogram h{latency_us};
    const auto s = h.snapshot();
    BOOST_TEST(s.upper.size() == latency_us.size());
    BOOST_TEST(s.count() == 0u);
    BOOST_TEST(s.sum == 0u);
}

BOOST_AUTO_TEST_CASE(the_standard_bounds_ascend_and_fit) {
    for (auto b : {bounds{latency_us}, bounds{sizes}}) {
        BOOST_TEST(b.size() <= max_buckets);
        for (std::size_t i = 1; i < b.size(); ++i) BOOST_TEST(b[i - 1] < b[i]);
    }
}

BOOST_AUTO_TEST_CASE(observe_since_measures_microseconds) {
    histogram h{latency_us};
    h.observe_since(std::chrono::steady_clock::now() - std::chrono::milliseconds(3));
    h.observe_since(std::chrono::steady_clock::now() + std::chrono::seconds(1)); // a future start counts as 0
    const auto s = h.snapshot();
    BOOST_TEST(s.count() == 2u);
    BOOST_TEST(s.in[0] == 1u);
    BOOST_TEST(s.sum >= 3000u);
    BOOST_TEST(s.sum < 3'000'000u);
    BOOST_TEST(s.in[6] == 1u); // 2.5 ms < 3 ms <= 5 ms
}

BOOST_AUTO_TEST_CASE(snapshots_merge_when_their_bounds_match) {
    histogram a{small}, b{small}, c{latency_us};
    a.observe(5);
    b.observe(15);
    b.observe(100);
    c.observe(1);
    histogram_snapshot total; // empty: takes the first one's bounds
    BOOST_TEST(total.merge(a.snapshot()));
    BOOST_TEST(total.merge(b.snapshot()));
    BOOST_TEST(!total.merge(c.snapshot()));
    BOOST_TEST(total.count() == 3u);
    BOOST_TEST(total.sum == 120u);
    BOOST_TEST(total.in[0] == 1u);
    BOOST_TEST(total.in[1] == 1u);
    BOOST_TEST(total.in[3] == 1u);
}

// The store's writer thread observes while the io thread scrapes: every
// snapshot is whole (counts only grow, the count is what the buckets hold)
// and the last one sees everything.
BOOST_AUTO_TEST_CASE(a_reader_on_another_thread_sees_consistent_snapshots) {
    histogram h{small};
    constexpr std::uint64_t n = 200'000;
    std::atomic<bool> done{false};
    std::thread writer{[&] {
        for (std::uint64_t i = 0; i < n; ++i) h.observe(i % 50);
        done = true;
    }};
    std::uint64_t last = 0;
    std::size_t reads = 0;
    bool monotonic = true;
    while (!done.load()) {
        const auto s = h.snapshot();
        if (s.count() < last) monotonic = false;
        last = s.count();
        ++reads;
    }
    writer.join();
    BOOST_TEST(monotonic);
    const auto s = h.snapshot();
    BOOST_TEST(s.count() == n);
    BOOST_TEST(s.in[3] == n / 50 * 9); // 41..49 of every 50
    std::uint64_t sum = 0;
    for (std::uint64_t i = 0; i < n; ++i) sum += i % 50;
    BOOST_TEST(s.sum == sum);
    BOOST_TEST_MESSAGE("snapshots taken while writing: " << reads);
}

BOOST_AUTO_TEST_CASE(statuses_are_counted_each_until_the_capacity_then_as_other) {
    status_counts c;
    c.add(0);
    c.add(0);
    c.add(0x58);
    BOOST_TEST(c.of(0) == 2u);
    BOOST_TEST(c.of(0x58) == 1u);
    BOOST_TEST(c.of(0x45) == 0u);
    for (std::uint32_t s = 0x1000; s < 0x1000 + 100; ++s) c.add(s);
    BOOST_TEST(c.entries().size() == status_counts::capacity);
    BOOST_TEST(c.other() == 100u - (status_counts::capacity - 2));
    c.add(0, 5); // a status seen early keeps its own count
    BOOST_TEST(c.of(0) == 7u);
    BOOST_TEST(c.entries().front().status == 0u);
}

BOOST_AUTO_TEST_CASE(merged_status_counts_stay_bounded) {
    status_counts a, b;
    for (std::uint32_t s = 0; s < 20; ++s) a.add(s);
    for (std::uint32_t s = 10; s < 40; ++s) b.add(s, 2);
    b.add(0x58, 3);
    a.merge(b);
    BOOST_TEST(a.entries().size() == status_counts::capacity);
    BOOST_TEST(a.of(5) == 1u);
    BOOST_TEST(a.of(15) == 3u);
    std::uint64_t total = a.other();
    for (const auto& e : a.entries()) total += e.count;
    BOOST_TEST(total == 20u + 30u * 2 + 3);
}

BOOST_AUTO_TEST_CASE(status_labels_are_eight_hex_digits) {
    BOOST_TEST(status_label(0) == "0x00000000");
    BOOST_TEST(status_label(0x58) == "0x00000058");
    BOOST_TEST(status_label(0xFFFFFFFFu) == "0xffffffff");
}
