#pragma once
// The witness's etcd (3.4) over its v3 JSON gateway (plain HTTP or HTTPS,
// no gRPC): lease grant, keep-alive and revoke, and the carrier key taken
// with a transaction that only creates it (create_revision == 0). Requests
// run one at a time on a worker thread of their own (blocking libcurl, a
// connection kept per endpoint), so a hung etcd never blocks the node's
// event loop; answers come back on the node's executor. An endpoint that
// does not answer is left for the next one, in the configured order.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/asio/any_io_executor.hpp>

#include "config/cluster.hpp"

namespace twinsms::witness {

struct answer {
    std::string error;   // transport or etcd error; empty when the call did what it asked
    std::string endpoint; // who answered (or was tried last)
    // grant / keepalive: the lease and its TTL (keepalive: 0 when etcd no longer has it)
    std::int64_t lease = 0;
    std::chrono::seconds ttl{0};
    // acquire: whether the key is ours now; the revision of our put, or of
    // the holder's key, and the holder's value (its node id).
    bool acquired = false;
    std::int64_t revision = 0;
    std::string holder;
    bool ok() const noexcept { return error.empty(); }
};

class etcd_client {
public:
    using done_fn = std::function<void(const answer&)>;

    etcd_client(boost::asio::any_io_executor ex, config::witness_settings s);
    ~etcd_client(); // stop()s
    etcd_client(const etcd_client&) = delete;
    etcd_client& operator=(const etcd_client&) = delete;

    void grant(done_fn done);
    void keepalive(std::int64_t lease, done_fn done);
    // Puts key = value under `lease` if the key does not exist, or if it
    // exists with our own value (a previous run of this node, whose lease
    // is going to expire anyway): compared on its mod_revision so nothing
    // written in between is overwritten.
    void acquire(std::int64_t lease, const std::string& value, done_fn done);
    void revoke(std::int64_t lease, done_fn done);
    // Joins the worker; calls not answered yet get no callback.
    void stop();

    const config::witness_settings& settings() const noexcept { return s_; }

private:
    struct job {
        std::function<answer()> call;
        done_fn done;
    };
    struct shared; // the worker and the posted completions share it
    void submit(std::function<answer()> call, done_fn done);
    void run();

    boost::asio::any_io_executor executor_;
    config::witness_settings s_;
    std::shared_ptr<shared> shared_;
    std::thread worker_;
};

} // namespace twinsms::witness
