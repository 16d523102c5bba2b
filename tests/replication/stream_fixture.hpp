#pragma once
// A sender over a real store and a receiver with its replica, on one
// io_context over loopback TCP, plain or TLS (the replication stream
// tests): started and stopped here, run until a condition holds.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "replication/receiver.hpp"
#include "replication/sender.hpp"
#include "replication/temp_store.hpp"

namespace twinsms::test {

namespace asio = boost::asio;
using namespace std::chrono_literals;

inline store::epoch_ms now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct stream_fixture {
    asio::io_context io;
    // Store completions are posted from the writer thread: without work the
    // loop would stop before they arrive.
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    temp_dir dir;
    store::message_store primary{temp_store_options(dir.path / "primary")};
    std::unique_ptr<replication::sender> snd;
    std::unique_ptr<replication::replica> rep;
    std::unique_ptr<replication::receiver> rcv;

    ~stream_fixture() {
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
    void start_sender(std::size_t buffer = 1 << 20, bool sync = false,
                      std::optional<tls::server_settings> tls = std::nullopt) {
        replication::sender_config c;
        c.sync = sync;
        c.sync_timeout = 300ms;
        c.listen = {asio::ip::make_address("127.0.0.1"), 0};
        c.token = "pair-secret";
        c.max_buffer_bytes = buffer;
        c.snapshot_file = dir.path / "outgoing.snapshot";
        c.tls = std::move(tls);
        snd = std::make_unique<replication::sender>(io.get_executor(), primary, c, now_ms);
        snd->start();
    }
    void start_receiver(std::string token = "pair-secret", std::optional<tls::client_settings> tls = std::nullopt) {
        if (!rep) rep = std::make_unique<replication::replica>(temp_store_options(dir.path / "replica"));
        replication::receiver_config c;
        c.peer = snd->local_endpoint();
        c.node = "site2";
        c.token = std::move(token);
        c.reconnect_initial = 20ms;
        c.reconnect_max = 100ms;
        c.snapshot_file = dir.path / "incoming.snapshot";
        c.tls = std::move(tls);
        rcv = std::make_unique<replication::receiver>(io.get_executor(), *rep, c);
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

} // namespace twinsms::test
