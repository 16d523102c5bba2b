#define BOOST_TEST_MODULE store
// message_store basics: write and read back, group commit from several
// threads, change_sink order, shutdown.
#include <atomic>
#include <future>
#include <thread>

#include <boost/asio/post.hpp>

#include "store/store_fixture.hpp"

using namespace store_test;

BOOST_AUTO_TEST_CASE(write_and_read_back) {
    temp_dir dir;
    message_store s{options(dir.path())};
    const auto id = s.next_message_id();
    BOOST_TEST(id.value > 0u);
    auto m = make_message(id, 1000);
    m.carrier_message_id = "c-1";
    add_event(m, event{1000, msg_state::accepted, 0, "accepted"});
    add_event(m, event{1001, msg_state::queued, 0, "route=default"});
    write_batch b;
    b.put_message(m);
    BOOST_TEST(!commit(s, std::move(b)));

    const auto back = s.get(id);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST(back->account == "acme");
    BOOST_TEST(back->carrier_message_id == "c-1");
    BOOST_TEST(back->pdu == m.pdu);
    BOOST_TEST(!s.get({id.value + 1}).has_value());
    const auto h = s.history(id);
    BOOST_TEST_REQUIRE(h.size() == 2u);
    BOOST_TEST(h[1].detail == "route=default");

    const auto st = s.get_stats();
    BOOST_TEST(st.messages == 1u);
    BOOST_TEST(st.queued == 1u);
    BOOST_TEST(st.commits == 1u);
    BOOST_TEST(st.batches == 1u);
    BOOST_TEST(st.last_commit_seq == 1u);
    BOOST_TEST(st.map_size == 8u << 20);
    BOOST_TEST(st.map_used > 0u);
    BOOST_TEST(st.map_used <= st.map_size);
    // Told only after the syncer's fdatasync (MDB_NOMETASYNC: the meta
    // page is synced there); the operations counted by table.
    BOOST_TEST(st.meta_syncs >= 1u);
    BOOST_TEST(st.sync_failures == 0u);
    BOOST_TEST(st.ops[static_cast<std::size_t>(table::messages)] == 1u);
    BOOST_TEST(st.ops[static_cast<std::size_t>(table::queue)] == 1u);
    BOOST_TEST(st.ops_total() == 3u); // with the writer's last_commit_seq
}

BOOST_AUTO_TEST_CASE(ids_are_unique_across_threads) {
    temp_dir dir;
    message_store s{options(dir.path())};
    constexpr int threads = 4, per_thread = 30'000; // crosses several reservation blocks
    std::vector<std::vector<std::uint64_t>> got(threads);
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) got[t].push_back(s.next_message_id().value);
        });
    for (auto& t : ts) t.join();
    std::vector<std::uint64_t> all;
    for (auto& g : got) {
        BOOST_TEST(std::is_sorted(g.begin(), g.end())); // increasing per caller
        all.insert(all.end(), g.begin(), g.end());
    }
    std::sort(all.begin(), all.end());
    BOOST_TEST((std::adjacent_find(all.begin(), all.end()) == all.end()));
    BOOST_TEST(all.size() == std::size_t{threads * per_thread});
    BOOST_TEST(s.next_delivery_id().value > 0u);
}

// A change_sink that holds the writer in its first call until released, so
// that everything written meanwhile piles up for the next round.
struct gate {
    std::promise<void> entered, release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<bool> first{true};
    void hold() {
        if (first.exchange(false)) {
            entered.set_value();
            released.wait();
        }
    }
};

BOOST_AUTO_TEST_CASE(group_commit_from_several_threads) {
    temp_dir dir;
    message_store s{options(dir.path())};
    constexpr int threads = 4, per_thread = 250, total = threads * per_thread;

    gate g;
    std::vector<std::uint64_t> seqs;
    s.set_change_sink([&](std::uint64_t seq, const write_batch&) {
        g.hold();
        seqs.push_back(seq);
    });

    // One io_context (and thread) per submitting "session"; each done must
    // run on its own session's thread, exactly once.
    std::vector<std::unique_ptr<asio::io_context>> ios;
    std::vector<std::thread> io_threads;
    std::vector<std::atomic<int>> calls(total);
    std::atomic<int> finished{0}, wrong_thread{0}, failed{0};
    std::promise<void> all_done;
    for (int t = 0; t < threads; ++t) ios.push_back(std::make_unique<asio::io_context>());
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
    for (auto& io : ios) work.push_back(asio::make_work_guard(*io));
    for (auto& io : ios) io_threads.emplace_back([&io] { io->run(); });

    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            auto& io = *ios[t];
            for (int i = 0; i < per_thread; ++i) {
                const int n = t * per_thread + i;
                write_batch b;
                b.put_message(make_message(s.next_message_id(), 1000 + n));
                // Submitted from the session's own thread, like the daemon.
                asio::post(io, [&, n, b = std::move(b)]() mutable {
                    s.write(std::move(b), io.get_executor(), [&, n](const error_code& ec) {
                        if (!io.get_executor().running_in_this_thread()) ++wrong_thread;
                        if (ec) ++failed;
                        ++calls[n];
                        if (++finished == total) all_done.set_value();
                    });
                });
            }
        });
    for (auto& w : writers) w.join();
    // Every post has been queued; let the io threads hand them all to the
    // store before the writer is released (flush() orders us after them).
    for (auto& io : ios) {
        std::promise<void> p;
        asio::post(*io, [&] { p.set_value(); });
        p.get_future().wait();
    }
    g.release.set_value();
    all_done.get_future().wait();
    s.flush(); // the writer is out of its last post() before the io_contexts go
    for (auto& w : work) w.reset();
    for (auto& t : io_threads) t.join();

    for (int n = 0; n < total; ++n) BOOST_TEST_REQUIRE(calls[n].load() == 1);
    BOOST_TEST(wrong_thread.load() == 0);
    BOOST_TEST(failed.load() == 0);
    const auto st = s.get_stats();
    BOOST_TEST(st.batches == std::uint64_t{total});
    BOOST_TEST(st.messages == std::uint64_t{total});
    // The held first round, then everything else in one.
    BOOST_TEST(st.commits <= 2u);
    BOOST_TEST_REQUIRE(seqs.size() == std::size_t{total});
    for (std::size_t i = 0; i < seqs.size(); ++i) BOOST_TEST_REQUIRE(seqs[i] == i + 1);
}

BOOST_AUTO_TEST_CASE(rounds_respect_max_batch_ops) {
    temp_dir dir;
    auto opt = options(dir.path());
    opt.max_batch_ops = 10;
    message_store s{opt};
    gate g;
    s.set_change_sink([&](std::uint64_t, const write_batch&) { g.hold(); });
    asio::io_context io;
    int ok = 0;
    auto count = [&](const error_code& ec) { ok += !ec; };
    write_batch first;
    first.put(table::meta, "test", "x");
    s.write(std::move(first), io.get_executor(), count);
    g.entered.get_future().wait(); // the writer is held in round 1
    for (int i = 0; i < 100; ++i) {
        write_batch b;
        b.put(table::meta, "k" + std::to_string(i), "a");
        b.put(table::meta, "l" + std::to_string(i), "b");
        s.write(std::move(b), io.get_executor(), count);
    }
    write_batch big; // larger than max_batch_ops: still committed, alone
    for (int i = 0; i < 25; ++i) big.put(table::meta, "big" + std::to_string(i), "c");
    s.write(std::move(big), io.get_executor(), count);
    g.release.set_value();
    s.flush();
    io.run();
    BOOST_TEST(ok == 102);
    const auto st = s.get_stats();
    // 1 held round, 100 batches of 2 ops in rounds of at most 5, then the big one.
    BOOST_TEST(st.commits == 1u + 20u + 1u);
    // The /metrics histograms: one observation per commit (sizes bounds 1, 2, 5, 10, 20, 50, ...).
    BOOST_TEST(st.commit_batches.count() == st.commits);
    BOOST_TEST(st.commit_batches.sum == st.batches);
    BOOST_TEST(st.commit_batches.in[0] == 2u);  // the held one and the big one: 1 batch
    BOOST_TEST(st.commit_batches.in[2] == 20u); // 5 batches
    BOOST_TEST(st.commit_ops.count() == st.commits);
    BOOST_TEST(st.commit_ops.sum == 1u + 200u + 25u);
    BOOST_TEST(st.commit_ops.in[0] == 1u);  // 1 record
    BOOST_TEST(st.commit_ops.in[3] == 20u); // 10 records
    BOOST_TEST(st.commit_ops.in[5] == 1u);  // 25 records: le="50"
    BOOST_TEST(st.commit_us.count() == st.commits);
    BOOST_TEST(st.commit_us.sum > 0u); // an fsync each (sync store)
}

BOOST_AUTO_TEST_CASE(change_sink_sees_batches_in_order) {
    temp_dir dir;
    std::uint64_t last = 0;
    {
        message_store s{options(dir.path())};
        std::vector<std::pair<std::uint64_t, std::string>> seen;
        s.set_change_sink([&](std::uint64_t seq, const write_batch& b) { seen.emplace_back(seq, b.ops()[0].key); });
        asio::io_context io;
        for (int i = 0; i < 200; ++i) {
            write_batch b;
            b.put(table::meta, "order" + std::to_string(1000 + i), std::to_string(i));
            s.write(std::move(b), io.get_executor(), nullptr);
        }
        s.flush();
        BOOST_TEST_REQUIRE(seen.size() == 200u);
        for (std::size_t i = 0; i < seen.size(); ++i) {
            BOOST_TEST_REQUIRE(seen[i].first == i + 1);
            BOOST_TEST_REQUIRE(seen[i].second == "order" + std::to_string(1000 + i));
        }
        last = s.get_stats().last_commit_seq;
        BOOST_TEST(last == 200u);
    }
    // Sequence numbers continue after a restart.
    message_store s{options(dir.path())};
    BOOST_TEST(s.get_stats().last_commit_seq == last);
    std::uint64_t seq = 0;
    s.set_change_sink([&](std::uint64_t q, const write_batch&) { seq = q; });
    write_batch b;
    b.put(table::meta, "after", "restart");
    BOOST_TEST(!commit(s, std::move(b)));
    BOOST_TEST(seq == last + 1);
}

BOOST_AUTO_TEST_CASE(invalid_batch_fails_alone) {
    temp_dir dir;
    message_store s{options(dir.path())};
    write_batch bad;
    bad.put(table::meta, std::string(600, 'k'), "too long a key");
    BOOST_TEST(commit(s, std::move(bad)) == make_error_code(store_error::io));
    write_batch empty_key;
    empty_key.put(table::meta, "", "x");
    BOOST_TEST(commit(s, std::move(empty_key)) == make_error_code(store_error::io));
    write_batch good;
    good.put_message(make_message(s.next_message_id(), 5));
    BOOST_TEST(!commit(s, std::move(good)));
}

BOOST_AUTO_TEST_CASE(shutdown_commits_the_queue_then_refuses) {
    temp_dir dir;
    asio::io_context io;
    auto work = asio::make_work_guard(io); // poll() must not stop it
    int ok = 0, closed = 0, other = 0;
    auto count = [&](const error_code& ec) {
        if (!ec) ++ok;
        else if (ec == make_error_code(store_error::closed)) ++closed;
        else ++other;
    };
    // Writes racing the destructor, as a session's would while the daemon
    // stops: the store object stays valid until its destructor returns.
    auto* s = new message_store{options(dir.path())};
    gate g;
    s->set_change_sink([&](std::uint64_t, const write_batch&) { g.hold(); });
    write_batch first;
    first.put_message(make_message(s->next_message_id(), 1));
    s->write(std::move(first), io.get_executor(), count);
    g.entered.get_future().wait(); // the writer is held: what follows stays queued
    std::thread closer{[s] { delete s; }};
    int queued = 1;
    // A refused write posts its done at once (io.poll runs it); an accepted
    // one only after a commit, which cannot happen while the writer is held.
    for (int i = 0; closed == 0; ++i) {
        if (i >= 10'000'000) BOOST_FAIL("write() never refused during shutdown");
        write_batch b;
        b.put_message(make_message(s->next_message_id(), 2 + i));
        s->write(std::move(b), io.get_executor(), count);
        io.poll();
        if (closed == 0) ++queued;
    }
    g.release.set_value();
    closer.join();
    work.reset();
    io.run();
    BOOST_TEST(closed == 1);
    BOOST_TEST(other == 0);
    BOOST_TEST(ok == queued);
    // What was queued before the shutdown is on disk.
    message_store again{options(dir.path())};
    BOOST_TEST(again.get_stats().messages == std::uint64_t(queued));
}
