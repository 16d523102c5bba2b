#define BOOST_TEST_MODULE store_durability
// What survives a close and a crash: records, ids (never reused), commit
// sequence. The crash is real: a child process writes, reports what was
// committed, and is killed with SIGKILL without closing anything.
#include <csignal>
#include <cstdio>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_fixture.hpp"

using namespace store_test;

BOOST_AUTO_TEST_CASE(reopen_keeps_everything_and_never_reuses_ids) {
    temp_dir dir;
    std::uint64_t max_handed = 0, max_delivery = 0, seq = 0;
    std::vector<message_id> written;
    {
        message_store s{options(dir.path())};
        for (int i = 0; i < 50; ++i) {
            const auto id = s.next_message_id();
            written.push_back(id);
            write_batch b;
            b.put_message(make_message(id, 100 + i));
            BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
        }
        delivery d;
        d.id = s.next_delivery_id();
        d.account = "acme";
        write_batch b;
        b.put_delivery(d);
        BOOST_TEST_REQUIRE(!commit(s, std::move(b)));
        // Handed out but never written: must not come back either.
        for (int i = 0; i < 12'345; ++i) max_handed = s.next_message_id().value;
        max_delivery = s.next_delivery_id().value;
        seq = s.get_stats().last_commit_seq;
    }
    message_store s{options(dir.path())};
    for (const auto id : written) BOOST_TEST_REQUIRE(s.get(id).has_value());
    BOOST_TEST(s.deliveries_for("acme", 10).size() == 1u);
    BOOST_TEST(s.next_message_id().value > max_handed);
    BOOST_TEST(s.next_delivery_id().value > max_delivery);
    BOOST_TEST(s.get_stats().last_commit_seq == seq);
    BOOST_TEST(s.due(1'000, 100).size() == 50u);
}

namespace {

struct child_report {
    std::uint64_t committed = 0;  // messages whose write completed
    std::uint64_t last_id = 0;    // last id handed out (some never written)
    std::uint64_t first_id = 0;
    int failures = 0;
};

bool read_all(int fd, void* p, std::size_t n) {
    auto* c = static_cast<char*>(p);
    while (n > 0) {
        const auto r = ::read(fd, c, n);
        if (r <= 0) return false;
        c += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

// In the child: write `count` messages (each batch waited for), take more ids
// without writing them, report, then wait to be killed.
[[noreturn]] void child(const std::filesystem::path& path, bool sync, int count, int report_fd, int hold_fd) {
    child_report rep;
    try {
        auto* s = new message_store{options(path, sync)}; // never destroyed: the process dies
        asio::io_context io;
        auto work = asio::make_work_guard(io);
        int pending = 0;
        for (int i = 0; i < count; ++i) {
            const auto id = s->next_message_id();
            if (i == 0) rep.first_id = id.value;
            write_batch b;
            auto m = make_message(id, 10 + i);
            add_event(m, event{10 + i, msg_state::accepted, 0, "accepted"});
            b.put_message(m);
            ++pending;
            s->write(std::move(b), io.get_executor(), [&](const error_code& ec) {
                if (ec) ++rep.failures;
                else ++rep.committed;
                if (--pending == 0) work.reset();
            });
            rep.last_id = id.value;
        }
        io.run(); // every done has run: all committed (or failed)
        for (int i = 0; i < 25'000; ++i) rep.last_id = s->next_message_id().value;
    } catch (...) {
        rep.failures = -1;
    }
    (void)!::write(report_fd, &rep, sizeof rep);
    char c;
    (void)!::read(hold_fd, &c, 1); // blocks until SIGKILL
    ::_exit(3);
}

void crash_and_recover(bool sync) {
    temp_dir dir;
    constexpr int count = 3'000;
    int report[2], hold[2];
    BOOST_TEST_REQUIRE(::pipe(report) == 0);
    BOOST_TEST_REQUIRE(::pipe(hold) == 0);
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) child(dir.path(), sync, count, report[1], hold[0]);
    ::close(report[1]);
    ::close(hold[0]);

    child_report rep;
    const bool got = read_all(report[0], &rep, sizeof rep);
    ::kill(pid, SIGKILL);
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(pid, &status, 0) == pid);
    ::close(report[0]);
    ::close(hold[1]);
    BOOST_TEST_REQUIRE(got);
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(rep.failures == 0);
    BOOST_TEST(rep.committed == std::uint64_t{count});

    // The killed process left its lock file and reader table behind.
    message_store s{options(dir.path(), sync)};
    const auto st = s.get_stats();
    BOOST_TEST(st.messages == std::uint64_t{count});
    BOOST_TEST(st.queued == std::uint64_t{count});
    BOOST_TEST_REQUIRE(s.get({rep.first_id}).has_value());
    BOOST_TEST(s.history({rep.first_id}).size() == 1u);
    BOOST_TEST(s.due(1'000'000, 10'000).size() == std::size_t{count});
    const auto next = s.next_message_id().value;
    BOOST_TEST(next > rep.last_id, "id " << next << " after a crash, the child handed out up to " << rep.last_id);

    // And the store takes writes again.
    write_batch b;
    b.put_message(make_message({next}, 5));
    BOOST_TEST(!commit(s, std::move(b)));
}

} // namespace

BOOST_AUTO_TEST_CASE(crash_keeps_committed_writes_sync) { crash_and_recover(true); }

// Async mode: a commit is in the OS page cache, so a process crash (not a
// power loss) keeps it as well.
BOOST_AUTO_TEST_CASE(crash_keeps_committed_writes_async) { crash_and_recover(false); }
