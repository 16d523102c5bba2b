// store_bench part (c): restart-to-serve time with a million queued
// messages, measured in a fresh process (we exec ourselves with --reopen).
#include <sys/wait.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>

#include "store_bench.hpp"

namespace asio = boost::asio;

namespace store_bench {

restart_figures run_restart(std::uint64_t count) {
    temp_dir dir;
    restart_figures r;
    const auto pdu = submit_pdu();
    const epoch_ms base = now_ms() - 3'600'000;
    {
        store_options opt;
        opt.path = dir.path;
        opt.sync = false; // the fill is not what is measured here
        message_store s{opt};
        asio::io_context io;
        std::uint64_t written = 0, failed = 0;
        const auto t0 = clock_type::now();
        constexpr std::uint64_t batch = 1000;
        for (std::uint64_t i = 0; i < count; i += batch) {
            write_batch b;
            for (std::uint64_t j = i; j < std::min(count, i + batch); ++j) {
                message m;
                m.id = s.next_message_id();
                m.account = "bench";
                m.accepted_at = base + static_cast<epoch_ms>(j % 3'600'000);
                m.next_attempt = m.accepted_at;
                m.state = msg_state::queued;
                m.route = "default";
                m.pdu = pdu;
                b.put_message(m);
            }
            s.write(std::move(b), io.get_executor(), [&](const error_code& ec) { ec ? ++failed : ++written; });
            if ((i / batch) % 8 == 7) { // keep a few batches in flight, not all of them
                s.flush();
                io.poll();
            }
        }
        s.flush();
        io.restart();
        io.run();
        r.fill_records_per_s = static_cast<double>(count) / std::chrono::duration<double>(clock_type::now() - t0).count();
        if (failed) std::printf("fill: %llu batches failed\n", static_cast<unsigned long long>(failed));
    } // close: syncs

    // Reopen in a fresh process (exec of ourselves), as a restarted daemon.
    int fds[2];
    if (::pipe(fds) != 0) return r;
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const std::string fd = std::to_string(fds[1]);
        ::execl("/proc/self/exe", "store_bench", "--reopen", dir.path.c_str(), fd.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(fds[1]);
    restart_figures c;
    if (::read(fds[0], &c, sizeof c) == static_cast<ssize_t>(sizeof c)) {
        c.fill_records_per_s = r.fill_records_per_s;
        r = c;
    }
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::error_code ec;
    std::uint64_t bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator{dir.path, ec}) bytes += e.file_size(ec);
    std::printf("restart: %llu messages (%.0f MiB on disk), open %.1f ms, first due() %.1f ms for %zu messages\n",
                static_cast<unsigned long long>(r.messages), static_cast<double>(bytes) / (1 << 20), r.open_ms,
                r.due_ms, r.due_count);
    std::printf("restart: VmRSS %ld KiB before open, %ld KiB after open, %ld KiB after due()\n", r.rss_before_kib,
                r.rss_open_kib, r.rss_due_kib);
    return r;
}

// The restarted process: open, first due(), report through `fd`.
int reopen_child(const char* path, int fd) {
    restart_figures c;
    c.rss_before_kib = rss_kib();
    const auto t0 = clock_type::now();
    store_options opt;
    opt.path = path;
    message_store s{opt}; // sync, as the daemon runs
    const auto t1 = clock_type::now();
    c.rss_open_kib = rss_kib();
    const auto due = s.due(now_ms(), 1000);
    const auto t2 = clock_type::now();
    c.rss_due_kib = rss_kib();
    c.due_count = due.size();
    c.open_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
    c.due_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
    c.messages = s.get_stats().messages;
    return ::write(fd, &c, sizeof c) == static_cast<ssize_t>(sizeof c) ? 0 : 1;
}

} // namespace store_bench
