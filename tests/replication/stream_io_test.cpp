// The sender and the receiver over loopback TCP with real stores: the
// replica follows the primary's store as it changes; a receiver that
// connects late, or whose place fell out of a tiny buffer, gets a snapshot
// and then the stream; a cut connection resumes where the replica stands;
// a receiver with the wrong token is refused and gets nothing.
#define BOOST_TEST_MODULE replication_stream_io
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <random>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "replication/temp_store.hpp"
#include "replication/receiver.hpp"
#include "replication/sender.hpp"

using namespace twinsms;
using namespace twinsms::replication;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace asio = boost::asio;

using test::temp_dir;

namespace {

store::store_options options(const fs::path& p) { return test::temp_store_options(p); }

store::epoch_ms now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct fixture {
    asio::io_context io;
    // Store completions are posted from the writer thread: without work the
    // loop would stop before they arrive.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
    temp_dir dir;
    store::message_store primary{options(dir.path / "primary")};
    std::unique_ptr<sender> snd;
    std::unique_ptr<replica> rep;
    std::unique_ptr<receiver> rcv;

    ~fixture() {
        if (rcv) stop(rcv->stop());
        if (snd) stop(snd->stop());
        rcv.reset();
        snd.reset();
    }
    // Runs a stop() to its end (it returns once nothing of that side runs).
    void stop(asio::awaitable<void> a) {
        bool done = false;
        asio::co_spawn(io, std::move(a), [&](std::exception_ptr) { done = true; });
        BOOST_REQUIRE(run_until([&] { return done; }));
    }
    template <class Pred> bool run_until(Pred p, std::chrono::milliseconds limit = 10s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!p() && std::chrono::steady_clock::now() < end) io.run_for(5ms);
        return p();
    }
    void start_sender(std::size_t buffer = 1 << 20, bool sync = false) {
        sender_config c;
        c.sync = sync;
        c.sync_timeout = 300ms;
        c.listen = {asio::ip::make_address("127.0.0.1"), 0};
        c.token = "pair-secret";
        c.max_buffer_bytes = buffer;
        c.snapshot_file = dir.path / "outgoing.snapshot";
        snd = std::make_unique<sender>(io.get_executor(), primary, c, now_ms);
        snd->start();
    }
    void start_receiver(std::string token = "pair-secret") {
        if (!rep) rep = std::make_unique<replica>(options(dir.path / "replica"));
        receiver_config c;
        c.peer = snd->local_endpoint();
        c.node = "site2";
        c.token = std::move(token);
        c.reconnect_initial = 20ms;
        c.reconnect_max = 100ms;
        c.snapshot_file = dir.path / "incoming.snapshot";
        rcv = std::make_unique<receiver>(io.get_executor(), *rep, c);
        rcv->start();
    }
    // `n` queued messages for `account`, one batch each; their ids.
    std::vector<store::message_id> accept(int n, const std::string& account = "acme") {
        std::vector<store::message_id> ids;
        int pending = 0;
        for (int i = 0; i < n; ++i) {
            store::message m;
            m.id = primary.next_message_id();
            m.account = account;
            m.state = store::msg_state::queued;
            m.accepted_at = m.next_attempt = 1000 + i;
            m.pdu.assign(200, static_cast<std::uint8_t>(i));
            store::write_batch b;
            b.put_message(m);
            b.admit();
            ++pending;
            primary.write(std::move(b), io.get_executor(), [&](const store::error_code& ec) {
                BOOST_REQUIRE(!ec);
                --pending;
            });
            ids.push_back(m.id);
        }
        BOOST_REQUIRE(run_until([&] { return pending == 0; }));
        return ids;
    }
    bool replica_has(const std::vector<store::message_id>& ids) {
        for (auto id : ids)
            if (!rep->store().get(id)) return false;
        return true;
    }
    std::uint64_t primary_seq() { return primary.get_stats().last_commit_seq; }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_replica_follows_the_store_and_acks_come_back, fixture) {
    start_sender();
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return rcv->connected() && snd->state().connected(); }));
    const auto ids = accept(200);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    BOOST_TEST(replica_has(ids));
    BOOST_TEST(rep->applied() == primary_seq());
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 200u);
    BOOST_TEST(snd->state().lag_changes() == 0u);
    BOOST_TEST(snd->stats().snapshots == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_late_receiver_gets_a_snapshot_then_the_stream, fixture) {
    const auto before = accept(300); // committed before the sender existed: only in the store
    start_sender();
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->stats().snapshots == 1 && rep->applied() == primary_seq(); }));
    BOOST_TEST(replica_has(before));
    const auto after = accept(50);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    BOOST_TEST(replica_has(after));
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 350u);
    BOOST_TEST(rcv->stats().snapshots == 1u);
}

BOOST_FIXTURE_TEST_CASE(a_cut_resumes_from_the_replica_and_a_lost_place_costs_a_snapshot, fixture) {
    start_sender(64 * 1024); // a few hundred changes
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->state().connected(); }));
    const auto first = accept(20);
    BOOST_REQUIRE(run_until([&] { return snd->state().last_acked() == primary_seq(); }));
    // Cut: the receiver goes away while changes keep coming, more than the buffer holds.
    stop(rcv->stop());
    rcv.reset();
    BOOST_REQUIRE(run_until([&] { return !snd->state().connected(); }));
    const auto during = accept(600);
    BOOST_TEST(snd->state().dropped() > 0u);
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return rep->applied() == primary_seq(); }, 20s));
    BOOST_TEST(replica_has(first));
    BOOST_TEST(replica_has(during));
    BOOST_TEST(snd->stats().snapshots == 1u);
    BOOST_TEST(rep->store().queued_by_account().at("acme") == 620u);
}

BOOST_FIXTURE_TEST_CASE(a_wrong_token_is_refused, fixture) {
    start_sender();
    start_receiver("guess");
    accept(5);
    BOOST_REQUIRE(run_until([&] { return snd->stats().refused >= 1; }));
    BOOST_TEST(!snd->state().connected());
    BOOST_TEST(rep->applied() == 0u);
}

BOOST_FIXTURE_TEST_CASE(sync_waits_for_the_ack_and_degrades_without_a_peer, fixture) {
    start_sender(1 << 20, true);
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return snd->state().connected(); }));
    std::vector<bool> transitions;
    snd->on_degraded([&](bool d) { transitions.push_back(d); });
    accept(1);
    bool released = false;
    snd->when_replicated([&] { released = true; });
    // Released by the acknowledgement, not by the timeout.
    BOOST_REQUIRE(run_until([&] { return released; }, 250ms));
    BOOST_TEST(snd->state().last_acked() == primary_seq());
    BOOST_TEST(!snd->degraded());

    // The peer goes away: a waiter is released at the timeout and the sender degrades.
    stop(rcv->stop());
    rcv.reset();
    BOOST_REQUIRE(run_until([&] { return !snd->state().connected(); }));
    accept(1);
    released = false;
    const auto t0 = std::chrono::steady_clock::now();
    snd->when_replicated([&] { released = true; });
    BOOST_REQUIRE(run_until([&] { return released; }, 2s));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 >= 290ms));
    BOOST_TEST(snd->degraded());
    // Degraded: no more waiting.
    accept(1);
    bool at_once = false;
    snd->when_replicated([&] { at_once = true; });
    BOOST_TEST(at_once);
    // The peer comes back and catches up: sync again.
    start_receiver();
    BOOST_REQUIRE(run_until([&] { return !snd->degraded(); }));
    BOOST_TEST((transitions == std::vector<bool>{true, false}));
}
