// Failback catch-up (replication/reclaim.hpp) with real stores: the peer's
// copy of our store becomes our store, what only our store holds (the tail
// that had not reached the peer) is merged in, the copy's view of the
// messages both hold wins, the epoch never goes down; over loopback TCP a
// returning node asks the survivor's sender for its store and adopts it,
// and a survivor that does not hold it leaves the store alone.
#define BOOST_TEST_MODULE replication_reclaim
#include <boost/test/unit_test.hpp>

#include <set>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "replication/reclaim.hpp"
#include "replication/replica.hpp"
#include "replication/sender.hpp"
#include "replication/temp_store.hpp"
#include "store/message_codec.hpp"

using namespace twinsms;
using namespace twinsms::replication;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
namespace asio = boost::asio;

namespace {

store::epoch_ms now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct fixture {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    test::temp_dir dir;
    store::store_options own = test::temp_store_options(dir.path / "own");

    template <class Pred> bool run_until(Pred p, std::chrono::milliseconds limit = 10s) {
        const auto end = std::chrono::steady_clock::now() + limit;
        while (!p() && std::chrono::steady_clock::now() < end) io.run_for(5ms);
        return p();
    }
    void write(store::message_store& st, store::write_batch b) {
        bool done = false;
        st.write(std::move(b), io.get_executor(), [&](const store::error_code& ec) {
            BOOST_REQUIRE(!ec);
            done = true;
        });
        BOOST_REQUIRE(run_until([&] { return done; }));
    }
    static store::message queued(std::uint64_t id, const std::string& account = "alpha") {
        store::message m;
        m.id = {id};
        m.account = account;
        m.state = store::msg_state::queued;
        m.accepted_at = m.next_attempt = 1000 + static_cast<store::epoch_ms>(id);
        m.pdu.assign(50, static_cast<std::uint8_t>(id));
        return m;
    }
    static store::delivery delivery(std::uint64_t id, std::uint64_t message, std::uint8_t fill) {
        store::delivery d;
        d.id = {id};
        d.account = "alpha";
        d.message = {message};
        d.created_at = 1;
        d.expires_at = now_ms() + 3'600'000;
        d.pdu.assign(20, fill);
        return d;
    }
    // Our store at the crash: messages 1..5 queued (4 and 5 never reached
    // the peer), a receipt for alpha, epoch 7.
    void fill_own() {
        store::message_store st{own};
        store::write_batch b;
        for (std::uint64_t id = 1; id <= 5; ++id) b.put_message(queued(id));
        b.put_delivery(delivery(1, 1, 0xAA));
        b.put(store::table::meta, "cluster_epoch", "7");
        write(st, std::move(b));
    }
    // The peer's replica after it ran our store: 1..3, of which it sent 2
    // (delivered now); the receipt we had, and an MO it queued for alpha
    // (the same delivery id as ours: both stores hand out from one base);
    // the epoch we had replicated (5) and its stream position.
    void fill_authority(const fs::path& at) {
        auto o = own;
        o.path = at;
        store::message_store st{o};
        store::write_batch b;
        for (std::uint64_t id = 1; id <= 3; ++id) b.put_message(queued(id));
        b.put_delivery(delivery(1, 1, 0xAA));
        b.put(store::table::meta, "cluster_epoch", "5");
        b.put(store::table::meta, std::string{replica::position_key}, std::string(8, '\x01'));
        // The peer's replica reserved ids in the peer's space (a secondary's start at 1 << 60).
        std::string far;
        store::append_be64(far, (std::uint64_t{1} << 60) + 4096);
        b.put(store::table::meta, "next_message_id", std::move(far));
        write(st, std::move(b));
        auto m2 = queued(2);
        auto sent = m2;
        sent.state = store::msg_state::delivered;
        sent.done_at = 5000;
        sent.attempts = 1;
        store::write_batch c;
        c.put_message(sent, &m2);
        c.put_delivery(delivery(2, 0, 0xBB));
        write(st, std::move(c));
    }
    reclaim_options options() const {
        reclaim_options o;
        o.accounts = {"alpha"};
        o.max_meta_keys = {"cluster_epoch"};
        o.connect_timeout = 1s;
        o.transfer_timeout = 10s;
        return o;
    }
    void check_adopted(const reclaim_result& r) {
        BOOST_TEST(r.merged_messages == 2u);
        BOOST_TEST(r.merged_deliveries == 0u); // ours is the same as the copy's
        store::message_store st{own};
        BOOST_REQUIRE(st.get({2}));
        BOOST_TEST((st.get({2})->state == store::msg_state::delivered)); // the copy's view wins
        for (std::uint64_t id : {1u, 3u, 4u, 5u}) {
            BOOST_REQUIRE_MESSAGE(st.get({id}), "message " << id);
            BOOST_TEST((st.get({id})->state == store::msg_state::queued));
        }
        BOOST_TEST(st.get_stats().queued == 4u);
        BOOST_TEST(st.queued_by_account().at("alpha") == 4u);
        BOOST_TEST(st.due(now_ms(), 100).size() == 4u);
        BOOST_TEST(st.deliveries_for("alpha", 10).size() == 2u); // our receipt and the survivor's MO
        BOOST_TEST(st.get_meta("cluster_epoch").value_or("") == "7");
        BOOST_TEST(!st.get_meta(replica::position_key));
        const auto next = st.next_message_id().value;
        BOOST_TEST(next > 5u);
        BOOST_TEST(next < (std::uint64_t{1} << 60)); // our id space, not the peer's
        BOOST_TEST(fs::exists(fs::path{own.path.string() + ".before-failback"} / "data.mdb"));
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_copy_wins_and_our_unreplicated_tail_is_merged_in, fixture) {
    fill_own();
    {
        // One delivery only we hold (an MO committed just before the crash), under an id the copy uses too.
        store::message_store st{own};
        store::write_batch b;
        b.put_delivery(delivery(2, 0, 0xCC));
        write(st, std::move(b));
    }
    fill_authority(dir.path / "authority");
    {
        auto o = own;
        o.path = dir.path / "authority";
        const store::message_store st{o};
        BOOST_REQUIRE(!st.copy_to(dir.path / "copy.mdb"));
    }
    reclaim_result r;
    BOOST_REQUIRE_EQUAL(adopt_reclaimed(own, dir.path / "copy.mdb", options(), r), "");
    BOOST_TEST(r.merged_deliveries == 1u);
    store::message_store st{own};
    const auto ds = st.deliveries_for("alpha", 10);
    BOOST_REQUIRE_EQUAL(ds.size(), 3u);
    std::set<std::uint64_t> ids;
    for (const auto& d : ds) ids.insert(d.id.value);
    BOOST_TEST(ids.size() == 3u); // the one only we had got an id of its own
    BOOST_TEST(st.get_stats().queued == 4u);
}

BOOST_FIXTURE_TEST_CASE(a_returning_node_takes_its_store_back_from_the_survivors_sender, fixture) {
    fill_own();
    fill_authority(dir.path / "authority");
    auto ao = own;
    ao.path = dir.path / "authority";
    store::message_store authority{ao};
    store::message_store survivor{test::temp_store_options(dir.path / "survivor")};
    sender_config c;
    c.listen = {asio::ip::make_address("127.0.0.1"), 0};
    c.token = "pair-secret";
    c.snapshot_file = dir.path / "outgoing.snapshot";
    sender snd{io.get_executor(), survivor, c, now_ms};
    int prepared = 0;
    bool adopted = false;
    snd.on_reclaim({[&](std::string node) -> asio::awaitable<std::optional<fs::path>> {
                        ++prepared;
                        BOOST_TEST(node == "site1");
                        const auto f = dir.path / "handback.mdb";
                        if (authority.copy_to(f)) co_return std::nullopt;
                        co_return f;
                    },
                    [&](std::string) { adopted = true; }});
    snd.start();
    config::replication_settings s;
    s.peer = snd.local_endpoint();
    s.token = "pair-secret";
    std::optional<reclaim_result> r;
    // reclaim_own_store blocks on its own io_context; the sender needs ours.
    std::thread t{[&] { r = reclaim_own_store(own, s, "site1", options()); }};
    run_until([&] { return r.has_value() && adopted; }, 20s);
    t.join();
    BOOST_REQUIRE(r);
    BOOST_TEST((r->what == reclaim_result::outcome::adopted), r->detail);
    BOOST_TEST(prepared == 1);
    BOOST_TEST(adopted);
    BOOST_TEST(r->bytes > 0u);
    check_adopted(*r);
    bool stopped = false;
    asio::co_spawn(io, snd.stop(), [&](std::exception_ptr) { stopped = true; });
    BOOST_REQUIRE(run_until([&] { return stopped; }));
}

BOOST_FIXTURE_TEST_CASE(a_survivor_that_does_not_hold_our_store_or_no_survivor_leaves_it_alone, fixture) {
    fill_own();
    store::message_store survivor{test::temp_store_options(dir.path / "survivor")};
    sender_config c;
    c.listen = {asio::ip::make_address("127.0.0.1"), 0};
    c.token = "pair-secret";
    c.snapshot_file = dir.path / "outgoing.snapshot";
    sender snd{io.get_executor(), survivor, c, now_ms};
    snd.on_reclaim({[](std::string) -> asio::awaitable<std::optional<fs::path>> { co_return std::nullopt; }, {}});
    snd.start();
    config::replication_settings s;
    s.peer = snd.local_endpoint();
    s.token = "pair-secret";
    std::optional<reclaim_result> r;
    std::thread t{[&] { r = reclaim_own_store(own, s, "site1", options()); }};
    run_until([&] { return r.has_value(); }, 10s);
    t.join();
    BOOST_REQUIRE(r);
    BOOST_TEST((r->what == reclaim_result::outcome::own_store));
    bool stopped = false;
    asio::co_spawn(io, snd.stop(), [&](std::exception_ptr) { stopped = true; });
    BOOST_REQUIRE(run_until([&] { return stopped; }));
    // Nobody listening at all: the same, at once.
    const auto t0 = std::chrono::steady_clock::now();
    const auto gone = reclaim_own_store(own, s, "site1", options());
    BOOST_TEST((gone.what == reclaim_result::outcome::own_store));
    BOOST_TEST((std::chrono::steady_clock::now() - t0 < 2s));
    store::message_store st{own};
    BOOST_TEST(st.get_stats().queued == 5u); // untouched
    BOOST_TEST(!fs::exists(fs::path{own.path.string() + ".before-failback"}));
}
