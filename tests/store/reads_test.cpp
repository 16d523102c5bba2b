#define BOOST_TEST_MODULE store_reads
// The read side: dispatch queue order and resumption, receipts and their
// expiry, deliveries per account, history, in_flight recovery, sweep.
#include "store/message_codec.hpp"
#include "store/store_fixture.hpp"

using namespace store_test;

namespace {

std::vector<std::uint64_t> ids(const std::vector<message>& ms) {
    std::vector<std::uint64_t> out;
    for (const auto& m : ms) out.push_back(m.id.value);
    return out;
}

using v64 = std::vector<std::uint64_t>;

} // namespace

BOOST_AUTO_TEST_CASE(due_in_queue_order_and_resumable) {
    temp_dir dir;
    message_store s{options(dir.path())};
    BOOST_TEST(!s.next_due().has_value());
    BOOST_TEST(s.due(1'000'000, 10).empty());
    // ids 1..8 with attempt times out of id order; 9 is not queued.
    const std::vector<std::pair<std::uint64_t, epoch_ms>> plan{{1, 500}, {2, 100}, {3, 300}, {4, 100},
                                                               {5, 900}, {6, 300}, {7, 2000}, {8, 100}};
    write_batch b;
    for (auto [id, at] : plan) b.put_message(make_message({id}, at));
    b.put_message(make_message({9}, 50, msg_state::submitted));
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));

    BOOST_TEST(s.next_due().value_or(-1) == 100);
    BOOST_TEST(ids(s.due(1'000, 100)) == (v64{2, 4, 8, 3, 6, 1, 5}), boost::test_tools::per_element());
    BOOST_TEST(ids(s.due(300, 100)) == (v64{2, 4, 8, 3, 6}), boost::test_tools::per_element());
    BOOST_TEST(s.due(99, 100).empty());

    // Page through three at a time, resuming after the last one returned.
    std::vector<std::uint64_t> paged;
    std::optional<message_store::queue_pos> after;
    for (;;) {
        const auto page = s.due(10'000, 3, after);
        if (page.empty()) break;
        BOOST_TEST(page.size() <= 3u);
        for (const auto& m : page) paged.push_back(m.id.value);
        after = message_store::queue_pos{page.back().next_attempt, page.back().id};
    }
    BOOST_TEST(paged == (v64{2, 4, 8, 3, 6, 1, 5, 7}), boost::test_tools::per_element());
    // Resuming from a position that is not (or no longer) in the queue.
    BOOST_TEST(ids(s.due(10'000, 2, message_store::queue_pos{200, {0}})) == (v64{3, 6}),
               boost::test_tools::per_element());

    // Moving a message: retry later, and submit another.
    auto m2 = *s.get({2});
    auto retry = m2;
    retry.state = msg_state::retry_pending;
    retry.next_attempt = 950;
    auto m8 = *s.get({8});
    auto sub = m8;
    sub.state = msg_state::submitted;
    write_batch c;
    c.put_message(retry, &m2);
    c.put_message(sub, &m8);
    BOOST_TEST_REQUIRE(!commit(s, std::move(c)));
    BOOST_TEST(ids(s.due(1'000, 100)) == (v64{4, 3, 6, 1, 5, 2}), boost::test_tools::per_element());
    BOOST_TEST(s.get_stats().queued == 7u);
}

BOOST_AUTO_TEST_CASE(in_flight_messages_for_recovery) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch b;
    for (std::uint64_t id = 1; id <= 10; ++id) b.put_message(make_message({id}, 100, msg_state::queued));
    // One round handed 3, 6 and 9 to carriers (their first attempt), a
    // later one 6 again (its second, after a refusal) and 10.
    const auto first = b.mark_in_flight({{{3}, 1}, {{6}, 1}, {{9}, 1}});
    b.mark_in_flight({{{6}, 2}, {{10}, 1}});
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    BOOST_TEST(ids(s.in_flight(100)) == (v64{3, 6, 9, 10}), boost::test_tools::per_element()); // 6 once
    BOOST_TEST(ids(s.in_flight(2)) == (v64{3, 6}), boost::test_tools::per_element());
    BOOST_TEST(s.in_flight(100).front().in_flight);

    // Outcomes stored: 6 submitted, 9 back in the queue for a retry with
    // its attempt counted. Neither is in flight, though both marks stay.
    auto six = *s.get({6}), nine = *s.get({9});
    const auto six_before = six, nine_before = nine;
    six.state = msg_state::submitted;
    six.attempts = 2;
    nine.state = msg_state::retry_pending;
    nine.attempts = 1;
    nine.next_attempt = 500;
    write_batch outcomes;
    outcomes.put_message(six, &six_before);
    outcomes.put_message(nine, &nine_before);
    BOOST_TEST_REQUIRE(!commit(s, std::move(outcomes)));
    BOOST_TEST(ids(s.in_flight(100)) == (v64{3, 10}), boost::test_tools::per_element());

    write_batch clear;
    clear.clear_in_flight(first);
    BOOST_TEST_REQUIRE(!commit(s, std::move(clear)));
    BOOST_TEST(ids(s.in_flight(100)) == (v64{10}), boost::test_tools::per_element());
    auto all = s.clear_in_flight_marks(100);
    BOOST_TEST(all.ops().size() == 1u);
    BOOST_TEST_REQUIRE(!commit(s, std::move(all)));
    BOOST_TEST(s.in_flight(100).empty());
}

BOOST_AUTO_TEST_CASE(receipts_map_until_they_expire) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch b;
    b.put_receipt_map("carrier-a", "X1", {11}, 1'000);
    b.put_receipt_map("carrier-a", "X2", {12}, 2'000);
    b.put_receipt_map("carrier-b", "X1", {13}, 3'000); // same id, other carrier
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));

    BOOST_TEST(s.find_receipt("carrier-a", "X1", 999).value_or(message_id{}) == message_id{11});
    BOOST_TEST(s.find_receipt("carrier-b", "X1", 999).value_or(message_id{}) == message_id{13});
    BOOST_TEST(!s.find_receipt("carrier-a", "X1", 1'000).has_value()); // expired by now
    BOOST_TEST(!s.find_receipt("carrier-a", "nope", 0).has_value());
    BOOST_TEST(!s.find_receipt("carrier-", "aX1", 0).has_value()); // the \0 separates

    // X2 mapped again with a later expiry: its old expiry entry must not
    // take the new mapping with it.
    write_batch again;
    again.put_receipt_map("carrier-a", "X2", {12}, 5'000);
    BOOST_TEST_REQUIRE(!commit(s, std::move(again)));

    auto sw = s.sweep(2'500, 0, 100);
    BOOST_TEST(!sw.empty());
    BOOST_TEST_REQUIRE(!commit(s, std::move(sw)));
    BOOST_TEST(s.get_stats().receipts == 2u); // X1@a went, X2@a (renewed) and X1@b stay
    BOOST_TEST(s.find_receipt("carrier-a", "X2", 4'000).value_or(message_id{}) == message_id{12});
    BOOST_TEST(s.find_receipt("carrier-b", "X1", 2'999).value_or(message_id{}) == message_id{13});
    BOOST_TEST(s.sweep(2'500, 0, 100).empty()); // nothing left to do at that time

    auto later = s.sweep(10'000, 0, 1); // at most one of each
    BOOST_TEST_REQUIRE(!commit(s, std::move(later)));
    BOOST_TEST(s.get_stats().receipts == 1u);
    auto rest = s.sweep(10'000, 0, 100);
    BOOST_TEST_REQUIRE(!commit(s, std::move(rest)));
    BOOST_TEST(s.get_stats().receipts == 0u);
    BOOST_TEST(s.sweep(10'000, 0, 100).empty());
}

BOOST_AUTO_TEST_CASE(deliveries_per_account_oldest_first) {
    temp_dir dir;
    message_store s{options(dir.path())};
    std::vector<delivery> made;
    write_batch b;
    for (int i = 0; i < 6; ++i) {
        delivery d;
        d.id = s.next_delivery_id();
        d.account = i % 2 ? "ab" : "abc"; // one name a prefix of the other
        d.message = {static_cast<std::uint64_t>(100 + i)};
        d.pdu = {1, 2, static_cast<std::uint8_t>(i)};
        b.put_delivery(d);
        made.push_back(d);
    }
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
    const auto ab = s.deliveries_for("ab", 10);
    BOOST_TEST_REQUIRE(ab.size() == 3u);
    BOOST_TEST(ab[0].message.value == 101u);
    BOOST_TEST(ab[1].message.value == 103u);
    BOOST_TEST(ab[2].message.value == 105u);
    BOOST_TEST(ab[2].pdu == made[5].pdu);
    BOOST_TEST(s.deliveries_for("abc", 2).size() == 2u);
    BOOST_TEST(s.deliveries_for("a", 10).empty());
    BOOST_TEST(s.deliveries_for("abcd", 10).empty());

    write_batch e;
    e.erase_delivery(made[1]);
    BOOST_TEST_REQUIRE(!commit(s, std::move(e)));
    const auto left = s.deliveries_for("ab", 10);
    BOOST_TEST_REQUIRE(left.size() == 2u);
    BOOST_TEST(left[0].message.value == 103u);
    BOOST_TEST(s.get_stats().deliveries == 5u);
}

BOOST_AUTO_TEST_CASE(history_in_order_across_rewrites) {
    temp_dir dir;
    message_store s{options(dir.path())};
    auto m = make_message({7}, 100);
    for (std::uint32_t n = 0; n < 3; ++n) { // each state change rewrites the record with one more line
        const auto before = m;
        add_event(m, event{static_cast<epoch_ms>(n), msg_state::queued, n, "e" + std::to_string(n)});
        BOOST_TEST_REQUIRE(!put(s, m, n ? &before : nullptr));
    }
    auto other = make_message({8}, 100);
    add_event(other, event{0, msg_state::accepted, 0, "other"});
    BOOST_TEST_REQUIRE(!put(s, other));
    const auto h = s.history({7});
    BOOST_TEST_REQUIRE(h.size() == 3u);
    for (std::uint32_t n = 0; n < 3; ++n) BOOST_TEST_REQUIRE(h[n].status == n);
    BOOST_TEST(s.history({8}).size() == 1u);
    BOOST_TEST(s.history({9}).empty());
}

BOOST_AUTO_TEST_CASE(sweep_removes_finished_messages_with_their_history) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch b;
    // 1..5 finished at 100..500, 6 queued.
    for (std::uint64_t id = 1; id <= 5; ++id) {
        auto m = make_message({id}, static_cast<epoch_ms>(id * 100), msg_state::delivered);
        m.accepted_at = 1;
        add_event(m, event{1, msg_state::accepted, 0, ""});
        add_event(m, event{2, msg_state::delivered, 0, ""});
        b.put_message(m);
    }
    auto six = make_message({6}, 50);
    six.accepted_at = 1;
    add_event(six, event{1, msg_state::accepted, 0, ""});
    b.put_message(six);
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));

    BOOST_TEST(s.sweep(1'000'000, 100, 100).empty()); // done_at 100 is not before 100
    auto sw = s.sweep(1'000'000, 301, 100);
    BOOST_TEST_REQUIRE(!commit(s, std::move(sw)));
    for (std::uint64_t id = 1; id <= 3; ++id) {
        BOOST_TEST(!s.get({id}).has_value());
        BOOST_TEST(s.history({id}).empty());
    }
    BOOST_TEST(s.get({4}).has_value());
    BOOST_TEST(s.history({4}).size() == 2u);
    BOOST_TEST(s.get({6}).has_value());
    BOOST_TEST(s.history({6}).size() == 1u);
    BOOST_TEST(s.get_stats().messages == 3u);

    auto one = s.sweep(1'000'000, 1'000, 1);
    BOOST_TEST_REQUIRE(!commit(s, std::move(one)));
    BOOST_TEST(!s.get({4}).has_value());
    BOOST_TEST(s.get({5}).has_value());
    // Queued messages are never swept; their queue entry is intact.
    auto all = s.sweep(1'000'000, 1'000'000, 100);
    BOOST_TEST_REQUIRE(!commit(s, std::move(all)));
    BOOST_TEST(s.get_stats().messages == 1u);
    BOOST_TEST(ids(s.due(100, 10)) == (v64{6}), boost::test_tools::per_element());
    BOOST_TEST(s.sweep(1'000'000, 1'000'000, 100).empty());
}

BOOST_AUTO_TEST_CASE(corrupt_records_are_skipped_not_fatal) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch b;
    b.put_message(make_message({1}, 100));
    b.put_message(make_message({3}, 300));
    // Message 2: a queue entry and an in-flight mark whose record is
    // garbage; a mark that does not decode; a delivery that does not decode.
    b.put(table::messages, keys::message({2}), "\x01garbage");
    b.put(table::queue, keys::queue(200, {2}), "");
    b.mark_in_flight({{{2}, 1}});
    b.put(table::in_flight, keys::in_flight({{1}, 1}), "\x01\x80");
    b.put(table::queue, "short", ""); // a key of the wrong size
    b.put(table::deliveries, keys::delivery("acme", {9}), "\x07");
    b.put(table::receipts, keys::receipt("c", "x"), "bad");
    BOOST_TEST_REQUIRE(!commit(s, std::move(b)));

    BOOST_TEST(!s.get({2}).has_value());
    BOOST_TEST(ids(s.due(1'000, 10)) == (v64{1, 3}), boost::test_tools::per_element());
    BOOST_TEST(s.in_flight(10).empty());
    BOOST_TEST(s.history({2}).empty());
    BOOST_TEST(s.deliveries_for("acme", 10).empty());
    BOOST_TEST(!s.find_receipt("c", "x", 0).has_value());
    BOOST_TEST(s.next_due().has_value());
    (void)s.sweep(1'000'000, 1'000'000, 100); // builds without tripping over them
}

BOOST_AUTO_TEST_CASE(queue_depth_per_account_is_kept_and_survives_a_restart) {
    temp_dir dir;
    using counts = std::map<std::string, std::uint64_t, std::less<>>;
    const auto of = [](std::string account, message m) {
        m.account = std::move(account);
        return m;
    };
    message a1, a3, b1;
    {
        message_store s{options(dir.path())};
        BOOST_TEST((s.queued_by_account() == counts{}));
        a1 = of("alpha", make_message(s.next_message_id(), 10));
        auto a2 = of("alpha", make_message(s.next_message_id(), 20));
        a3 = of("alpha", make_message(s.next_message_id(), 30));
        b1 = of("bravo", make_message(s.next_message_id(), 10));
        write_batch b;
        for (const message* m : {&a1, &a2, &a3, &b1}) b.put_message(*m);
        BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
        BOOST_TEST((s.queued_by_account() == counts{{"alpha", 3}, {"bravo", 1}}));

        // A retry moves within the queue; delivery and erasure leave it.
        auto retried = a1;
        retried.next_attempt = 500;
        BOOST_TEST_REQUIRE(!put(s, retried, &a1));
        a1 = retried;
        auto delivered = a2;
        delivered.state = msg_state::delivered;
        delivered.done_at = 40;
        BOOST_TEST_REQUIRE(!put(s, delivered, &a2));
        write_batch e;
        e.erase_message(b1);
        BOOST_TEST_REQUIRE(!commit(s, std::move(e)));
        BOOST_TEST((s.queued_by_account() == counts{{"alpha", 2}}));
    }
    message_store s{options(dir.path())};
    BOOST_TEST((s.queued_by_account() == counts{{"alpha", 2}}));
    BOOST_TEST(s.get_stats().queued == 2u);
}
