// The delivery manager over a real store, with a sink of the test's that
// answers as the peer link would: a delivery handed over is erased only
// once the sink says the other node committed it (and counts as handed
// over, not as acknowledged by the client); a refusal keeps it for the next
// try; a second receipt for one message is dropped, whether the first is
// still queued or was delivered already; MO are never taken for duplicates.
// The handoff TLVs round trip through the codec, and malformed ones are not
// taken for a handoff.
#define BOOST_TEST_MODULE deliveries
#include <boost/test/unit_test.hpp>

#include <boost/asio/io_context.hpp>

#include "engine/deliveries.hpp"
#include "app/node_harness.hpp"
#include "cluster/peer_report.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms;
using namespace twinsms::test;
using namespace std::chrono_literals;
using engine::delivery_sink;

namespace {

// Records what it is given; answers when the test says.
struct test_sink : delivery_sink {
    std::vector<std::pair<store::delivery, done_fn>> given;
    bool accepts(const store::delivery&) const override { return true; }
    bool has_room() const override { return true; }
    void deliver(const store::delivery& d, done_fn done) override { given.emplace_back(d, std::move(done)); }
    std::chrono::milliseconds retry_delay(unsigned) const override { return 0ms; }
};

struct fixture {
    boost::asio::io_context io;
    temp_dir dir;
    std::unique_ptr<store::message_store> st;
    std::shared_ptr<test_sink> sink = std::make_shared<test_sink>();
    std::unique_ptr<engine::delivery_manager> dm;
    store::epoch_ms now = 1'000'000;

    fixture() {
        store::store_options o;
        o.path = dir.path / "store";
        o.sync = false;
        st = std::make_unique<store::message_store>(o);
        engine::deliveries_config cfg;
        cfg.tick = 10ms;
        dm = std::make_unique<engine::delivery_manager>(
            io.get_executor(), *st, [](std::string_view) { return std::vector<std::shared_ptr<smpp::session>>{}; }, cfg,
            [this] { return now; });
        dm->set_sinks([this](std::string_view) { return sink; });
        dm->start();
    }
    ~fixture() { dm->stop(); }

    // A delivery committed to the store, then told to the manager, as the node does.
    store::delivery add(std::uint64_t message) {
        store::delivery d;
        d.id = st->next_delivery_id();
        d.account = "alpha";
        d.created_at = now;
        d.expires_at = now + 60'000;
        d.message = {message};
        d.pdu = {0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0};
        store::write_batch b;
        b.put_delivery(d);
        bool done = false;
        st->write(std::move(b), io.get_executor(), [&](const store::error_code& ec) {
            BOOST_REQUIRE(!ec);
            done = true;
        });
        run_until([&] { return done; });
        dm->added(d);
        return d;
    }
    void run_until(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!cond() && std::chrono::steady_clock::now() < end) io.run_for(5ms);
        BOOST_REQUIRE(cond());
    }
    // A bounded observation window for "this must not happen": runs the loop
    // for `window`, false as soon as `forbidden()` holds.
    bool observe_quiet(std::chrono::milliseconds window, const std::function<bool()>& forbidden) {
        const auto end = std::chrono::steady_clock::now() + window;
        while (std::chrono::steady_clock::now() < end) {
            if (forbidden()) return false;
            io.run_for(5ms);
        }
        return !forbidden();
    }
    std::size_t stored() { return st->deliveries_for("alpha", 100).size(); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(handed_over_is_erased_only_after_the_peer_committed_it, fixture) {
    add(7);
    run_until([&] { return sink->given.size() == 1; });
    // A few ticks: still stored, and not offered again, while the peer has not answered.
    BOOST_TEST(observe_quiet(30ms, [&] { return stored() != 1u || sink->given.size() != 1u; }));
    BOOST_TEST(stored() == 1u);
    BOOST_TEST(sink->given.size() == 1u); // not offered twice while in flight
    sink->given[0].second(delivery_sink::result::handed_over, {});
    run_until([&] { return stored() == 0; });
    BOOST_TEST(dm->stats().handed_over == 1u);
    BOOST_TEST(dm->stats().acknowledged == 0u); // the client has not seen it here
    BOOST_TEST(dm->account("alpha").receipts == 0u);
    // The client moves back before the other node delivered it: the
    // receipt comes back here and is taken, not dropped as a duplicate.
    BOOST_TEST(!dm->holds_receipt("alpha", 7));
    add(7);
    run_until([&] { return sink->given.size() == 2; });
    BOOST_TEST(dm->stats().duplicates == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_refused_handoff_stays_and_is_offered_again, fixture) {
    add(8);
    run_until([&] { return sink->given.size() == 1; });
    sink->given[0].second(delivery_sink::result::retry, "peer: not served there");
    run_until([&] { return sink->given.size() == 2; });
    BOOST_TEST(sink->given[1].first.message.value == 8u);
    BOOST_TEST(stored() == 1u);
    sink->given[1].second(delivery_sink::result::handed_over, {});
    run_until([&] { return stored() == 0; });
}

BOOST_FIXTURE_TEST_CASE(a_second_receipt_for_a_queued_message_is_dropped, fixture) {
    dm->set_sinks([](std::string_view) { return nullptr; }); // nowhere to go: both stay queued
    add(9);
    add(9);
    add(10);
    run_until([&] { return stored() == 2; });
    BOOST_TEST(dm->stats().duplicates == 1u);
    BOOST_TEST(dm->holds_receipt("alpha", 9));
    BOOST_TEST(!dm->holds_receipt("alpha", 11));
}

BOOST_FIXTURE_TEST_CASE(a_receipt_after_the_first_was_delivered_is_dropped, fixture) {
    add(12);
    run_until([&] { return sink->given.size() == 1; });
    sink->given[0].second(delivery_sink::result::delivered, {});
    run_until([&] { return stored() == 0; });
    BOOST_TEST(dm->holds_receipt("alpha", 12));
    add(12); // the carrier's repeat, or the peer sending it again
    run_until([&] { return stored() == 0; });
    BOOST_TEST(dm->stats().duplicates == 1u);
    BOOST_TEST(sink->given.size() == 1u);
}

// Acknowledged, its erase not yet committed, and the client binds again (a
// load from the store): it is not taken again, neither as a new delivery
// nor as a duplicate.
BOOST_FIXTURE_TEST_CASE(a_delivery_being_erased_is_not_loaded_again, fixture) {
    add(13);
    run_until([&] { return sink->given.size() == 1; });
    sink->given[0].second(delivery_sink::result::delivered, {});
    dm->on_bound("alpha"); // before the io_context ran the erase
    run_until([&] { return stored() == 0; });
    io.run_for(30ms);
    BOOST_TEST(sink->given.size() == 1u);
    BOOST_TEST(dm->stats().duplicates == 0u);
}

BOOST_FIXTURE_TEST_CASE(mo_are_never_duplicates, fixture) {
    add(0);
    add(0);
    run_until([&] { return sink->given.size() == 2; });
    BOOST_TEST(dm->stats().duplicates == 0u);
    BOOST_TEST(!dm->holds_receipt("alpha", 0));
}

BOOST_AUTO_TEST_CASE(handed_delivery_round_trips_through_a_peer_forward_pdu) {
    cluster::handed_delivery h{"alpha", 0x1000000000000007ull, 1'700'000'000'123, 1'700'086'400'123,
                               std::string("\0\0\0\x10\0\0\0\x05\0\0\0\0\0\0\0\x2a", 16)};
    std::string scratch;
    smpp::pdu p{smpp::status::ok, 3, smpp::peer_forward{cluster::encode(h, scratch)}};
    std::vector<std::uint8_t> wire;
    BOOST_REQUIRE(!smpp::encode(p, wire));
    smpp::pdu back;
    BOOST_REQUIRE(!smpp::decode(wire, back));
    const auto* body = back.as<smpp::peer_forward>();
    BOOST_REQUIRE(body);
    const auto d = cluster::decode_handoff(body->tlvs);
    BOOST_REQUIRE(d.has_value());
    BOOST_TEST(d->account == "alpha");
    BOOST_TEST(d->message == h.message);
    BOOST_TEST(d->created_at == h.created_at);
    BOOST_TEST(d->expires_at == h.expires_at);
    BOOST_TEST(d->pdu == h.pdu);
    // A forwarded carrier receipt is not a handoff, nor are truncated times.
    BOOST_TEST(!cluster::decode_handoff(cluster::encode(cluster::forwarded_receipt{"sim", h.pdu})).has_value());
    const auto tlvs = cluster::encode(h, scratch);
    smpp::tlv_list cut;
    for (const auto& t : tlvs)
        cut.push_back(t.tag() == cluster::peer_tag::handoff_times ? smpp::tlv{t.tag(), std::string_view{scratch}.substr(0, 23)} : t);
    BOOST_TEST(!cluster::decode_handoff(cut).has_value());
}
