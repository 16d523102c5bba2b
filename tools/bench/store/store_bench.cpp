// Message store throughput and restart time, on a temporary directory.
//
//  (a) durable (sync) mode: `writers` sessions, each keeping `window`
//      single-message batches (message + queue entry + history line, a
//      160-character submit_sm in pdu) in flight through write(), as fast
//      as the group committer takes them, for `seconds`; records/s and the
//      write() -> done latency (p50, p99).
//  (b) the same in async mode (MDB_NOSYNC, mdb_env_sync every 200 ms).
//  (c) `messages` queued messages written in batches of 1000, close,
//      reopen in a fresh process (we exec ourselves with --reopen): time to
//      open and to the first due(now, 1000), and its RSS after each. The
//      page cache is warm (it is not dropped: a shared machine).
//
//   store_bench [writers=8] [seconds=3] [messages=1000000] [window=16]
#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "store_bench.hpp"
#include "util/log.hpp"

namespace asio = boost::asio;
using namespace store_bench;

namespace {

struct throughput {
    double records_per_s = 0, p50_us = 0, p99_us = 0, batches_per_commit = 0;
    std::uint64_t failed = 0;
};

// One session: its own io thread, `window` writes in flight, the next one
// submitted from the done handler of the previous.
throughput run_writers(bool sync, int writers, double seconds, int window) {
    temp_dir dir;
    store_options opt;
    opt.path = dir.path;
    opt.sync = sync;
    message_store s{opt};
    const auto pdu = submit_pdu();

    struct session {
        asio::io_context io;
        std::vector<double> latencies_us;
        std::uint64_t done = 0, failed = 0;
        int outstanding = 0;
    };
    std::vector<std::unique_ptr<session>> sessions;
    for (int i = 0; i < writers; ++i) sessions.push_back(std::make_unique<session>());
    const auto start = clock_type::now();
    const auto stop_at = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
    std::atomic<std::int64_t> last_done{0};

    std::vector<std::thread> threads;
    for (auto& sp : sessions) {
        threads.emplace_back([&, ss = sp.get()] {
            auto& se = *ss;
            // The store's posts are not work the io_context knows of.
            auto work = asio::make_work_guard(se.io);
            std::function<void()> submit = [&] {
                const auto t0 = clock_type::now();
                ++se.outstanding;
                s.write(accept_batch(s, pdu, now_ms()), se.io.get_executor(), [&, t0](const error_code& ec) {
                    const auto t1 = clock_type::now();
                    --se.outstanding;
                    if (ec) ++se.failed;
                    else ++se.done;
                    se.latencies_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
                    auto ns = (t1 - start).count();
                    auto prev = last_done.load();
                    while (prev < ns && !last_done.compare_exchange_weak(prev, ns)) {}
                    if (t1 < stop_at) submit();
                    else if (se.outstanding == 0) work.reset();
                });
            };
            asio::post(se.io, [&] {
                for (int w = 0; w < window; ++w) submit();
            });
            se.io.run(); // returns once nothing is in flight after stop_at
        });
    }
    for (auto& t : threads) t.join();
    s.flush(); // the writer is out of its last post() before the io_contexts go
    const auto st = s.get_stats();

    throughput r;
    std::vector<double> all;
    std::uint64_t done = 0;
    for (auto& se : sessions) {
        all.insert(all.end(), se->latencies_us.begin(), se->latencies_us.end());
        done += se->done;
        r.failed += se->failed;
    }
    std::sort(all.begin(), all.end());
    const double elapsed = std::chrono::duration<double>(clock_type::duration{last_done.load()}).count();
    r.records_per_s = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    if (!all.empty()) {
        r.p50_us = all[all.size() / 2];
        r.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
    }
    r.batches_per_commit = st.commits ? static_cast<double>(st.batches) / static_cast<double>(st.commits) : 0;
    std::printf("%s: %llu records in %.2f s by %d writers (window %d), %llu commits, %.1f batches per commit, "
                "%llu failed\n",
                sync ? "sync" : "async", static_cast<unsigned long long>(done), elapsed, writers, window,
                static_cast<unsigned long long>(st.commits), r.batches_per_commit,
                static_cast<unsigned long long>(r.failed));
    return r;
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::string_view{argv[1]} == "--reopen") {
        log::set_level(log::level::warn);
        return reopen_child(argv[2], std::atoi(argv[3]));
    }
    const int writers = argc > 1 ? std::atoi(argv[1]) : 8;
    const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
    const std::uint64_t messages = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1'000'000;
    const int window = argc > 4 ? std::atoi(argv[4]) : 16;
    if (writers < 1 || seconds <= 0 || window < 1) {
        std::fprintf(stderr, "usage: store_bench [writers=8] [seconds=3] [messages=1000000] [window=16]\n");
        return 2;
    }
    log::set_level(log::level::warn);
    std::printf("pdu: %zu bytes (submit_sm, 160 characters)\n", submit_pdu().size());

    const auto sync = run_writers(true, writers, seconds, window);
    const auto async = run_writers(false, writers, seconds, window);
    const auto restart = run_restart(messages);

    std::printf("store_sync_records_per_s: %.0f records/s\n", sync.records_per_s);
    std::printf("store_sync_commit_p50: %.0f us\n", sync.p50_us);
    std::printf("store_sync_commit_p99: %.0f us\n", sync.p99_us);
    std::printf("store_sync_batches_per_commit: %.1f batches\n", sync.batches_per_commit);
    std::printf("store_async_records_per_s: %.0f records/s\n", async.records_per_s);
    std::printf("store_async_commit_p50: %.0f us\n", async.p50_us);
    std::printf("store_async_commit_p99: %.0f us\n", async.p99_us);
    std::printf("store_fill_records_per_s: %.0f records/s\n", restart.fill_records_per_s);
    std::printf("store_reopen_time: %.1f ms\n", restart.open_ms);
    std::printf("store_first_due_time: %.1f ms\n", restart.due_ms);
    std::printf("store_restart_to_serve: %.1f ms\n", restart.open_ms + restart.due_ms);
    std::printf("store_rss_after_reopen: %ld KiB\n", restart.rss_open_kib);
    std::printf("store_rss_after_due: %ld KiB\n", restart.rss_due_kib);
    const bool ok = sync.failed == 0 && async.failed == 0 && restart.messages == messages &&
                    restart.due_count == std::min<std::uint64_t>(messages, 1000);
    return ok ? 0 : 1;
}
