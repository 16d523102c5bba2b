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
    static const char* names[] = {"messages", "queue", "receipts", "receipt_expiry", "deliveries",
                                  "history",  "finished", "meta", "in_flight"};
    std::set<std::string> out;
    for (const auto& op : b.ops()) {
        if (op.t == table::messages) continue;
        std::string line = std::string{op.erase ? "erase " : "put "} + names[static_cast<int>(op.t)] + " ";
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

BOOST_AUTO_TEST_CASE(submitted_leaves_the_queue_and_final_enters_finished) {
    auto before = msg(msg_state::queued, 1000);
    auto sub = msg(msg_state::submitted, 1000);
    sub.in_flight = true;
    write_batch b;
    b.put_message(sub, &before);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7", "put in_flight 8B"}));

    auto done = msg(msg_state::delivered, 1000, 9000);
    write_batch c;
    c.put_message(done, &sub);
    BOOST_TEST((index_ops(c) == lines{"put finished 9000/7", "erase in_flight 8B"}));

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
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7", "put finished 1001/7"}));
}

BOOST_AUTO_TEST_CASE(retry_back_into_the_queue) {
    auto before = msg(msg_state::submitted, 1000);
    before.in_flight = true;
    const auto m = msg(msg_state::retry_pending, 7000);
    write_batch b;
    b.put_message(m, &before);
    BOOST_TEST((index_ops(b) == lines{"put queue 7000/7", "erase in_flight 8B"}));
}

BOOST_AUTO_TEST_CASE(erase_message_takes_its_index_entries) {
    auto q = msg(msg_state::queued, 1000);
    q.in_flight = true;
    write_batch b;
    b.erase_message(q);
    BOOST_TEST((index_ops(b) == lines{"erase queue 1000/7", "erase in_flight 8B"}));
    BOOST_TEST(b.ops()[0].erase);
    BOOST_TEST((b.ops()[0].t == table::messages));

    write_batch c;
    c.erase_message(msg(msg_state::expired, 1000, 2000));
    BOOST_TEST((index_ops(c) == lines{"erase finished 2000/7"}));
}

BOOST_AUTO_TEST_CASE(receipt_map_writes_both_tables) {
    write_batch b;
    b.put_receipt_map("carrier-a", "abc123", {7}, 86'400'000);
    BOOST_TEST_REQUIRE(b.ops().size() == 2u);
    BOOST_TEST((b.ops()[0].t == table::receipts));
    BOOST_TEST(b.ops()[0].key == std::string("carrier-a\0abc123", 16));
    const auto v = keys::split_receipt_value(b.ops()[0].value);
    BOOST_TEST_REQUIRE(v.has_value());
    BOOST_TEST(v->id.value == 7u);
    BOOST_TEST(v->expires == 86'400'000);
    BOOST_TEST((b.ops()[1].t == table::receipt_expiry));
    BOOST_TEST(b.ops()[1].key == keys::receipt_expiry(86'400'000, "carrier-a", "abc123"));
    BOOST_TEST(b.ops()[1].value.empty());
}

BOOST_AUTO_TEST_CASE(deliveries_and_events) {
    delivery d;
    d.id = {3};
    d.account = "acme";
    write_batch b;
    b.put_delivery(d);
    b.erase_delivery(d);
    b.add_event({7}, 2, event{5, msg_state::queued, 0, "routed"});
    BOOST_TEST_REQUIRE(b.ops().size() == 3u);
    BOOST_TEST(b.ops()[0].key == keys::delivery("acme", {3}));
    BOOST_TEST(!b.ops()[0].erase);
    BOOST_TEST(b.ops()[1].erase);
    BOOST_TEST(b.ops()[1].key == b.ops()[0].key);
    BOOST_TEST(b.ops()[2].key == keys::history({7}, 2));
    event e;
    BOOST_TEST(decode(b.ops()[2].value, e));
    BOOST_TEST(e.detail == "routed");
}
