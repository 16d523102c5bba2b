// What the peer did for this store, merged into it through the running
// engine (message_engine::merge_peer_work, dispatcher::adopt): a message the
// peer sent is submitted here with the peer's carrier id (its receipt finds
// it, it is not sent again), one the peer finished is finished, a message
// the peer did not get to is still sent, and a receipt waiting there for
// our client is delivered here. And a receipt whose id only another reading
// maps to one of our messages goes to the peer when the peer's store maps it
// as given (the two nodes share the carrier's id space).
#define BOOST_TEST_MODULE engine_peer_work
#include "engines_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

store::epoch_ms now_ms() { return engine::system_now(); }

struct fixture : engines_fixture {
    bool peer_maps_it = false;
    fixture() {
        // Engine a again, with the port this suite is about.
        a.engine->stop();
        a.engine.reset();
        a_mapped_elsewhere = [this](std::string_view carrier, std::string_view id) {
            return peer_maps_it && carrier == "sim" && id == "4a";
        };
        start_engine(a);
    }
    void write(store::message_store& st, store::write_batch b) {
        bool done = false;
        st.write(std::move(b), io.get_executor(), [&](const store::error_code& ec) {
            BOOST_REQUIRE(!ec);
            done = true;
        });
        BOOST_REQUIRE(run_until(io, [&] { return done; }, 5s));
    }
    std::optional<smpp::command_status> receipt(const std::string& carrier_id, bool& handed_on) {
        std::optional<smpp::command_status> answer;
        a.engine->dispatch().on_receipt("sim", carrier_id, 2, 0, [&](smpp::command_status s) { answer = s; },
                                        [&](engine::dispatcher::status_fn done) {
                                            handed_on = true;
                                            done(smpp::status::ok);
                                        });
        run_until(io, [&] { return answer.has_value(); }, 5s);
        return answer;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_peers_sends_receipts_and_finished_messages_are_merged_and_not_sent_again, fixture) {
    // No carrier: three messages accepted, waiting in the store (as on a fenced node).
    const auto ids = submit(a, 3, "merge me");
    BOOST_REQUIRE(run_until(io, [&] { return a.st->get_stats().queued == 3; }, 5s));
    // The peer sent the first (and has no receipt yet) and finished the second.
    store::merge_plan plan;
    auto sent = *a.st->get(ids[0]);
    sent.state = store::msg_state::submitted;
    sent.carrier = "sim";
    sent.carrier_message_id = "peer-77";
    sent.attempts = 1;
    auto finished = *a.st->get(ids[1]);
    finished.state = store::msg_state::delivered;
    finished.carrier = "sim";
    finished.carrier_message_id = "peer-78";
    finished.done_at = now_ms();
    plan.messages = {sent, finished};
    // ...with the client receipt for the finished one waiting there for acme.
    store::delivery d;
    d.id = {999}; // the peer's id: a new one is taken here
    d.account = "acme";
    d.message = ids[1];
    d.created_at = now_ms();
    d.expires_at = now_ms() + 3'600'000;
    d.pdu.assign(30, 0x5A);
    plan.deliveries = {d};
    std::optional<engine::message_engine::merged> result;
    a.engine->merge_peer_work(std::move(plan), [&](engine::message_engine::merged m) { result = m; });
    BOOST_REQUIRE(run_until(io, [&] { return result.has_value(); }, 5s));
    BOOST_TEST(result->adopted.messages == 2u);
    BOOST_TEST(result->adopted.behind == 0u);
    BOOST_TEST(result->deliveries == 1u);
    BOOST_TEST((a.st->get(ids[0])->state == store::msg_state::submitted));
    BOOST_TEST((a.st->get(ids[1])->state == store::msg_state::delivered));
    BOOST_TEST(a.st->get_stats().queued == 1u);
    BOOST_TEST(a.st->find_receipt("sim", "peer-77", now_ms()).value_or(store::message_id{}).value == ids[0].value);
    // The waiting receipt reached the client.
    BOOST_REQUIRE(run_until(io, [&] { return !a.sink->got.empty(); }, 5s));
    BOOST_TEST(a.sink->got.front().message.value == ids[1].value);
    BOOST_TEST(a.sink->got.front().id.value != 999u);

    // The carrier comes: only the message the peer did not send goes out.
    carriers_up();
    BOOST_REQUIRE(run_until(io, [&] { return a.st->get(ids[2])->state == store::msg_state::delivered; }, 15s));
    BOOST_TEST(carrier->counters().submits_accepted == 1u);
    // The peer's send's receipt finishes it here.
    bool handed_on = false;
    BOOST_TEST((receipt("peer-77", handed_on) == smpp::status::ok));
    BOOST_TEST(!handed_on);
    BOOST_TEST((a.st->get(ids[0])->state == store::msg_state::delivered));

    // A second merge of the same work changes nothing: ours went as far.
    store::merge_plan again;
    again.messages = {sent, finished};
    result.reset();
    a.engine->merge_peer_work(std::move(again), [&](engine::message_engine::merged m) { result = m; });
    BOOST_REQUIRE(run_until(io, [&] { return result.has_value(); }, 5s));
    BOOST_TEST(result->adopted.messages == 0u);
    BOOST_TEST(result->adopted.behind == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_receipt_the_peer_maps_as_given_is_not_taken_for_our_other_reading, fixture) {
    // Our message went out as "74"; its decimal reading is hex "4a", mapped too.
    const auto ids = submit(a, 1, "ours");
    auto m = *a.st->get(ids[0]);
    const auto before = m;
    m.state = store::msg_state::submitted;
    m.carrier = "sim";
    m.carrier_message_id = "74";
    store::write_batch b;
    b.put_message(m, &before);
    b.put_receipt_map("sim", "74", m.id, now_ms() + 3'600'000);
    b.put_receipt_map("sim", "4a", m.id, now_ms() + 3'600'000);
    write(*a.st, std::move(b));

    // The peer's store maps "4a" as given: its message, handed on.
    peer_maps_it = true;
    bool handed_on = false;
    BOOST_TEST((receipt("4a", handed_on) == smpp::status::ok));
    BOOST_TEST(handed_on);
    BOOST_TEST((a.st->get(ids[0])->state == store::msg_state::submitted));
    BOOST_TEST(a.engine->dispatch().stats().guesses_yielded == 1u);

    // Without it, the other reading is ours (a carrier that prints receipts in another base).
    peer_maps_it = false;
    handed_on = false;
    BOOST_TEST((receipt("4a", handed_on) == smpp::status::ok));
    BOOST_TEST(!handed_on);
    BOOST_TEST((a.st->get(ids[0])->state == store::msg_state::delivered));
}
