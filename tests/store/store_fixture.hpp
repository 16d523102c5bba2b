#pragma once
// Helpers for the store tests: a temporary directory removed at the end,
// messages to store, and a synchronous write (waits on an io_context, not
// on the clock).
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include "store/message_store.hpp"
#include "store/printers.hpp"

namespace store_test {

namespace asio = boost::asio;
using namespace twinsms::store;

class temp_dir {
public:
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        std::string tmpl = std::string{base && *base ? base : "/tmp"} + "/twinsms-store-test.XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::system_error(errno, std::generic_category(), "mkdtemp");
        path_ = tmpl;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    std::filesystem::path sub(const char* name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline store_options options(const std::filesystem::path& p, bool sync = true) {
    store_options o;
    o.path = p;
    o.map_size = 8ull << 20;
    o.sync = sync;
    return o;
}

inline message make_message(message_id id, epoch_ms next_attempt, msg_state state = msg_state::queued,
                            std::size_t pdu_size = 160) {
    message m;
    m.id = id;
    m.account = "acme";
    m.accepted_at = 1'700'000'000'000;
    m.next_attempt = next_attempt;
    m.state = state;
    if (is_final(state)) m.done_at = next_attempt;
    m.route = "default";
    m.pdu.assign(pdu_size, static_cast<std::uint8_t>(id.value & 0xff));
    return m;
}

// Writes `b` and waits for its completion; checks it completes once.
inline error_code commit(message_store& s, write_batch b) {
    asio::io_context io;
    auto work = asio::make_work_guard(io);
    error_code out = make_error_code(store_error::io);
    int calls = 0;
    s.write(std::move(b), io.get_executor(), [&](const error_code& ec) {
        out = ec;
        ++calls;
        work.reset();
    });
    io.run();
    // The writer may still be inside post() (Asio signals after unlocking):
    // flush() returns once it is out, so `io` can go.
    s.flush();
    BOOST_TEST(calls == 1);
    return out;
}

inline error_code put(message_store& s, const message& m, const message* before = nullptr) {
    write_batch b;
    b.put_message(m, before);
    return commit(s, std::move(b));
}

} // namespace store_test
