// A replica built from a store's change stream holds what the store holds:
// messages in their states, receipt mappings, deliveries, and the queue
// depth per account (queue moves are not ops and travel beside them). Its
// position survives a reopen with the replica, changes resent after a
// reconnect are skipped, and a gap is refused.
#define BOOST_TEST_MODULE replication_replay
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <mutex>
#include <random>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "replication/temp_store.hpp"
#include "replication/replica.hpp"

using namespace twinsms;
using namespace twinsms::replication;
namespace fs = std::filesystem;

using test::temp_dir;

namespace {

store::store_options options(const fs::path& p) { return test::temp_store_options(p); }

// The primary's store with its change stream captured as wire bytes.
struct source {
    store::message_store st;
    std::mutex m;
    std::string wire;
    explicit source(const fs::path& p) : st{options(p)} {
        st.set_change_sink([this](std::uint64_t seq, const store::write_batch& b) {
            std::lock_guard lk{m};
            encode_change(seq, b, wire);
        });
    }
    std::string take() {
        std::lock_guard lk{m};
        return std::exchange(wire, {});
    }
};

struct fixture {
    boost::asio::io_context io;
    // Store completions are posted from the writer thread: without work the
    // loop would stop before they arrive.
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
    temp_dir dir;
    source src{dir.path / "primary"};

    void write(store::write_batch b) {
        bool done = false;
        src.st.write(std::move(b), io.get_executor(), [&](const store::error_code& ec) {
            BOOST_REQUIRE(!ec);
            done = true;
        });
        while (!done) io.run_one();
        io.restart();
    }
    store::message message(const std::string& account, store::msg_state s) {
        store::message m;
        m.id = src.st.next_message_id();
        m.account = account;
        m.state = s;
        m.accepted_at = 1000;
        m.next_attempt = 1000;
        m.pdu = {1, 2, 3};
        return m;
    }
    // The changes the source's store streamed so far, decoded.
    std::vector<change> captured() {
        src.st.flush();
        frame_reader fr;
        fr.feed(src.take());
        boost::system::error_code ec;
        std::vector<change> cs;
        while (auto f = fr.next(ec)) cs.push_back(std::get<change>(std::move(*f)));
        BOOST_REQUIRE(!ec);
        return cs;
    }
    // Hands `cs` to `r` as one read; the error it reports.
    boost::system::error_code apply_together(replica& r, std::vector<change> cs) {
        bool done = false;
        boost::system::error_code out;
        r.on_changes(std::move(cs), io.get_executor(), [&](const auto& e, std::uint64_t) {
            out = e;
            done = true;
        });
        while (!done) io.run_one();
        io.restart();
        return out;
    }
    // Replays `wire` into `r`; the position after the last change.
    std::uint64_t replay(replica& r, std::string_view wire) {
        frame_reader fr;
        fr.feed(wire);
        boost::system::error_code ec;
        std::uint64_t pos = r.applied();
        while (auto f = fr.next(ec)) {
            bool done = false;
            r.on_change(std::get<change>(std::move(*f)), io.get_executor(), [&](const auto& e, std::uint64_t p) {
                BOOST_REQUIRE(!e);
                pos = p;
                done = true;
            });
            while (!done) io.run_one();
            io.restart();
        }
        BOOST_REQUIRE(!ec);
        return pos;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(the_replica_holds_what_the_store_holds, fixture) {
    auto a1 = message("acme", store::msg_state::queued);
    auto a2 = message("acme", store::msg_state::queued);
    auto b1 = message("beta", store::msg_state::queued);
    store::write_batch w1;
    for (auto* m : {&a1, &a2, &b1}) w1.put_message(*m);
    w1.admit();
    write(std::move(w1));
    // a1 goes to the carrier: submitted, with its receipt mapping.
    auto a1s = a1;
    a1s.state = store::msg_state::submitted;
    a1s.carrier = "uk";
    a1s.carrier_message_id = "c-77";
    store::write_batch w2;
    w2.put_message(a1s, &a1);
    w2.put_receipt_map("uk", "c-77", a1.id, 99'999'999'999);
    write(std::move(w2));
    store::delivery d;
    d.id = src.st.next_delivery_id();
    d.account = "acme";
    d.created_at = 1000;
    d.expires_at = 99'999'999'999;
    d.message = a2.id;
    d.pdu = {9, 9};
    store::write_batch w3;
    w3.put_delivery(d);
    write(std::move(w3));
    src.st.flush();

    replica r{options(dir.path / "replica")};
    const auto pos = replay(r, src.take());
    BOOST_TEST(pos == src.st.get_stats().last_commit_seq);
    auto& rs = r.store();
    BOOST_TEST((rs.get(a1.id)->state == store::msg_state::submitted));
    BOOST_TEST((rs.get(a2.id)->state == store::msg_state::queued));
    BOOST_TEST(rs.get(b1.id)->account == "beta");
    BOOST_TEST(rs.find_receipt("uk", "c-77", 2000)->value == a1.id.value);
    BOOST_TEST(rs.deliveries_for("acme", 10).size() == 1u);
    // The queue depth per account comes from the moves, not a recount.
    const auto q = rs.queued_by_account();
    BOOST_TEST(q.at("acme") == 1u);
    BOOST_TEST(q.at("beta") == 1u);
    BOOST_TEST((q == src.st.queued_by_account()));
    BOOST_TEST(rs.due(5000, 10).size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(the_position_survives_a_reopen_and_resent_changes_are_skipped, fixture) {
    auto m = message("acme", store::msg_state::queued);
    store::write_batch w;
    w.put_message(m);
    write(std::move(w));
    src.st.flush();
    const auto first = src.take();
    std::uint64_t pos = 0;
    {
        replica r{options(dir.path / "replica")};
        pos = replay(r, first);
        BOOST_TEST(pos == 1u);
    }
    replica again{options(dir.path / "replica")};
    BOOST_TEST(again.applied() == pos);
    // The sender resends from an older position after a reconnect: skipped.
    BOOST_TEST(replay(again, first) == pos);
    BOOST_TEST(again.store().queued_by_account().at("acme") == 1u);

    // A gap (change 3 without 2) is refused, and the position stays.
    auto m2 = message("acme", store::msg_state::queued);
    auto m3 = message("acme", store::msg_state::queued);
    store::write_batch w2, w3;
    w2.put_message(m2);
    write(std::move(w2));
    src.st.flush();
    src.take(); // change 2 is lost
    w3.put_message(m3);
    write(std::move(w3));
    src.st.flush();
    frame_reader fr;
    fr.feed(src.take());
    boost::system::error_code ec;
    auto f = fr.next(ec);
    BOOST_REQUIRE(f);
    bool refused = false;
    again.on_change(std::get<change>(std::move(*f)), io.get_executor(), [&](const auto& e, std::uint64_t p) {
        refused = static_cast<bool>(e);
        BOOST_TEST(p == pos);
    });
    BOOST_TEST(refused);
    BOOST_TEST(!again.store().get(m3.id));
}

// Changes that arrived together go to the replica as one write: those
// already applied are skipped, the rest land with one position, and a gap
// after some applies those first, then reports the gap.
BOOST_FIXTURE_TEST_CASE(changes_read_together_apply_as_one_write, fixture) {
    std::vector<store::message> ms;
    for (int i = 0; i < 4; ++i) {
        ms.push_back(message("acme", store::msg_state::queued));
        store::write_batch w;
        w.put_message(ms.back());
        write(std::move(w));
    }
    auto cs = captured();
    BOOST_REQUIRE_EQUAL(cs.size(), 4u);

    replica r{options(dir.path / "replica")};
    const auto run = [&](std::vector<change> batch) { return apply_together(r, std::move(batch)); };
    BOOST_TEST(!run({cs[0], cs[1]}));
    BOOST_TEST(r.applied() == 2u);
    const auto batches = r.store().get_stats().batches;
    // 1 again (skipped), then 2 (skipped), then 4 without 3: a gap.
    BOOST_TEST(run({cs[0], cs[1], cs[3]}) == make_error_code(frame_error::gap));
    BOOST_TEST(r.applied() == 2u);
    BOOST_TEST(!r.store().get(ms[3].id));
    // 3 and 4 together: one batch, both records, the position at 4.
    BOOST_TEST(!run({cs[2], cs[3]}));
    BOOST_TEST(r.applied() == 4u);
    BOOST_TEST(r.store().get_stats().batches == batches + 1);
    BOOST_TEST(r.store().get(ms[2].id).has_value());
    BOOST_TEST(r.store().get(ms[3].id).has_value());
    BOOST_TEST(r.store().queued_by_account().at("acme") == 4u);
}

// A message's life in separate commits (accepted and queued, handed to the
// carrier with an in-flight mark, submitted, the mark cleared) read
// together: the replica writes only what the last commit leaves, and holds
// what the source holds.
BOOST_FIXTURE_TEST_CASE(commits_read_together_write_only_what_the_last_leaves, fixture) {
    auto m = message("acme", store::msg_state::queued);
    std::string mark;
    {
        store::write_batch w;
        w.put_message(m);
        write(std::move(w));
    }
    {
        store::write_batch w;
        mark = w.mark_in_flight({{m.id, 1}});
        write(std::move(w));
    }
    {
        auto before = m;
        m.state = store::msg_state::submitted;
        m.attempts = 1;
        m.carrier_message_id = "c-1";
        store::write_batch w;
        w.put_message(m, &before);
        w.clear_in_flight(mark);
        write(std::move(w));
    }
    auto cs = captured();
    BOOST_REQUIRE_EQUAL(cs.size(), 3u);

    replica r{options(dir.path / "replica")};
    BOOST_TEST(!apply_together(r, std::move(cs)));
    BOOST_TEST(r.applied() == 3u);
    // Left out: the record as first written, its queue entry's put (the
    // submit erases it) and the mark's put (cleared in the same read).
    BOOST_TEST(r.coalesced() == 3u);
    const auto got = r.store().get(m.id);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST((got->state == store::msg_state::submitted));
    BOOST_TEST(got->carrier_message_id == "c-1");
    BOOST_TEST(r.store().in_flight(10).empty());
    const auto q = r.store().queued_by_account();
    BOOST_TEST((!q.contains("acme") || q.at("acme") == 0u));
    BOOST_TEST(r.store().due(std::numeric_limits<store::epoch_ms>::max(), 10).empty());
}
