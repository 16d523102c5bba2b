#define BOOST_TEST_MODULE store_batch
#include <set>

#include <boost/test/unit_test.hpp>

#include "store/message_codec.hpp"
#include "store/printers.hpp"
#include "store/message_store.hpp"

using namespace twinsms::store;

namespace {

// The index operations of a batch as readable lines (message puts left out
// unless asked for), e.g. "put queue 1000/7".
std::set<std::string> index_ops(const write_batch& b) {
    std::set<std::string> out;
    for (const auto& op : b.ops()) {
        if (op.t == table::messages) continue;
        std::string line = std::string{op.erase ? "erase " : "put "} + table_name(op.t) + " ";
        if (const auto p = keys::split_pair(op.key)) line += std::to_string(p->at) + "/" + std::to_string(p->id);
        else line += std::to_string(op.key.size()) + "B";
        out.insert(line);
    }
    return out;
}

std::size_t message_puts(const write_batch& b) {
    std::size_t n = 0;
    for (const auto& op : b.ops()) n += op.t == table::messages && !op.erase;
    return n;
}

message msg(msg_state s, epoch_ms next, epoch_ms done = 0) {
    message m;
    m.id = {7};
    m.state = s;
    m.next_attempt = next;
    m.done_at = done;
    return m;
}

using lines = std::set<std::string>;

} // namespace

BOOST_AUTO_TEST_CASE(new_queued_message_gets_a_queue_entry) {
    write_batch b;
    const auto m = msg(msg_state::accepted, 1000);
    b.put_message(m);
    BOOST_TEST(message_puts(b) == 1u);
    BOOST_TEST((index_ops(b) == lines{"put queue 1000/7"}));
    message back;
    BOOST_TEST_REQUIRE(decode(b.ops()[0].value, back));
    BOOST_TEST(back.id.value == 7u);
    BOOST_TEST(b.ops()[0].key == keys::message({7}));
}

BOOST_AUTO_TEST_CASE(same_slot_leaves_the_queue_alone) {
    const auto before = msg(msg_state::accepted, 1000);
    auto m = before;
    m.state = msg_state::queued;
    m.route = "r";
    write_batch b;
    b.put_message(m, &before);
    BOOST_TEST(message_puts(b) == 1u);
    BOOST_TEST(index_ops(b).empty());
}

BOOST_AUTO_TEST_CASE(new_attempt_time_moves_the_queue_entry) {
    const auto before = msg(msg_state::queued, 1000);
    auto m = msg(msg_state::retry_pending, 5000);
    write_batch b;
    b.put_message(m, &before);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7", "put queue 5000/7"}));
}

BOOST_AUTO_TEST_CASE(submitted_leaves_the_queue_and_final_costs_only_its_record) {
    auto before = msg(msg_state::queued, 1000);
    auto sub = msg(msg_state::submitted, 1000);
    sub.in_flight = true; // in memory only: the in-flight marks are apart (mark_in_flight)
    write_batch b;
    b.put_message(sub, &before);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7"}));

    auto done = msg(msg_state::delivered, 1000, 9000);
    write_batch c;
    c.put_message(done, &sub);
    BOOST_TEST(index_ops(c).empty()); // the retention sweep scans records: no finished index
    BOOST_TEST(message_puts(c) == 1u);

    // Final again (e.g. a late duplicate receipt): nothing moves.
    write_batch d;
    d.put_message(done, &done);
    BOOST_TEST(index_ops(d).empty());
}

BOOST_AUTO_TEST_CASE(rejected_straight_from_accepted) {
    const auto before = msg(msg_state::accepted, 1000);
    const auto m = msg(msg_state::rejected, 1000, 1001);
    write_batch b;
    b.put_message(m, &before);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7"}));
}

BOOST_AUTO_TEST_CASE(retry_back_into_the_queue) {
    auto before = msg(msg_state::submitted, 1000);
    before.in_flight = true;
    const auto m = msg(msg_state::retry_pending, 7000);
    write_batch b;
    b.put_message(m, &before);
    BOOST_TEST((index_ops(b) == lines{"put queue 7000/7"}));
}

BOOST_AUTO_TEST_CASE(erase_message_takes_its_index_entries) {
    auto q = msg(msg_state::queued, 1000);
    q.in_flight = true;
    write_batch b;
    b.erase_message(q);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7"}));
    BOOST_TEST(b.ops()[0].erase);
    BOOST_TEST((b.ops()[0].t == table::messages));

    write_batch c;
    c.erase_message(msg(msg_state::expired, 1000, 2000));
    BOOST_TEST(index_ops(c).empty());
    BOOST_TEST(c.ops().size() == 1u);
}

BOOST_AUTO_TEST_CASE(receipt_map_is_one_operation) {
    write_batch b;
    b.put_receipt_map("carrier-a", "abc123", {7}, 86'400'000);
    BOOST_TEST_REQUIRE(b.ops().size() == 1u); // the expiry is in the value: no index entry
    BOOST_TEST((b.ops()[0].t == table::receipts));
    BOOST_TEST(b.ops()[0].key == std::string("carrier-a\0abc123", 16));
    const auto v = keys::split_receipt_value(b.ops()[0].value);
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(v->id.value == 7u);
    BOOST_TEST(v->expires == 86'400'000);
}

BOOST_AUTO_TEST_CASE(one_mark_for_a_round_of_attempts) {
    write_batch b;
    const auto key = b.mark_in_flight({{{7}, 1}, {{9}, 3}, {{12}, 2}});
    BOOST_TEST_REQUIRE(b.ops().size() == 1u);
    BOOST_TEST((b.ops()[0].t == table::in_flight));
    BOOST_TEST(key == keys::in_flight({{7}, 1}));
    std::vector<in_flight_attempt> back;
    BOOST_TEST_REQUIRE(decode_marks(b.ops()[0].value, back));
    BOOST_TEST_REQUIRE(back.size() == 3u);
    BOOST_TEST(back[1].id.value == 9u);
    BOOST_TEST(back[1].attempt == 3u);
    BOOST_TEST(!decode_marks(b.ops()[0].value.substr(0, b.ops()[0].value.size() - 1), back)); // cut short
    b.clear_in_flight(key);
    BOOST_TEST(b.ops()[1].erase);
    BOOST_TEST(b.ops()[1].key == key);
}

BOOST_AUTO_TEST_CASE(deliveries_and_events) {
    delivery d;
    d.id = {3};
    d.account = "acme";
    write_batch b;
    b.put_delivery(d);
    b.erase_delivery(d);
    BOOST_TEST_REQUIRE(b.ops().size() == 2u);
    BOOST_TEST(b.ops()[0].key == keys::delivery("acme", {3}));
    BOOST_TEST(!b.ops()[0].erase);
    BOOST_TEST(b.ops()[1].erase);
    BOOST_TEST(b.ops()[1].key == b.ops()[0].key);
}

BOOST_AUTO_TEST_CASE(history_lines_live_in_the_record) {
    message m = msg(msg_state::queued, 1000);
    add_event(m, event{5, msg_state::queued, 0, "routed"});
    write_batch b;
    b.put_message(m);
    BOOST_TEST(message_puts(b) == 1u);
    BOOST_TEST((index_ops(b) == lines{"put queue 1000/7"})); // no history operation
    message back;
    BOOST_TEST_REQUIRE(decode(b.ops()[0].value, back));
    BOOST_TEST_REQUIRE(back.events.size() == 1u);
    BOOST_TEST(back.events[0].detail == "routed");
}

BOOST_AUTO_TEST_CASE(a_long_history_keeps_its_first_and_latest_lines) {
    message m;
    for (int i = 0; i < 100; ++i) add_event(m, event{i, msg_state::retry_pending, 0, std::to_string(i)});
    BOOST_TEST_REQUIRE(m.events.size() == max_events);
    BOOST_TEST(m.events.front().detail == "0");
    BOOST_TEST(m.events[1].detail == std::to_string(100 - max_events + 1));
    BOOST_TEST(m.events.back().detail == "99");
}

// coalesce keeps the last operation on each key, in the order they came,
// and leaves keys of other tables alone.
BOOST_AUTO_TEST_CASE(coalesce_keeps_the_last_operation_on_each_key) {
    write_batch b;
    b.put(table::messages, "a", "1");
    b.put(table::queue, "a", "q");
    b.put(table::messages, "b", "1");
    b.erase(table::messages, "a");
    b.put(table::messages, "a", "2");
    b.put(table::in_flight, "m", "x");
    b.erase(table::in_flight, "m");
    b.add_queue_move("acme", 1);
    BOOST_TEST(b.coalesce() == 3u);
    std::vector<std::string> got;
    for (const auto& op : b.ops())
        got.push_back(std::string{op.erase ? "erase " : "put "} + table_name(op.t) + " " + op.key + " " + op.value);
    const std::vector<std::string> want{"put queue a q", "put messages b 1", "put messages a 2", "erase in_flight m "};
    BOOST_TEST(got == want, boost::test_tools::per_element());
    BOOST_TEST(b.queue_moves().size() == 1u); // queue moves are not ops: untouched
    BOOST_TEST(b.coalesce() == 0u);
}
