#pragma once
// HTTP POSTs on a worker thread of their own (libcurl's multi interface:
// many transfers at once, connections kept alive and reused), so a slow or
// dead webhook receiver never blocks the node's event loop. Results come
// back on the node's executor.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/any_io_executor.hpp>

namespace twinsms::webhook {

struct post_request {
    std::string url;
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    std::chrono::milliseconds timeout{5'000};
    std::optional<std::string> ca_file; // https: this CA instead of the system store
    bool verify_peer = true;
};

struct post_result {
    long status = 0;   // HTTP status; 0 when there was no answer
    std::string error; // transport error (connect refused, timeout, TLS), empty when answered
    bool ok() const noexcept { return error.empty() && status >= 200 && status < 300; }
};

class poster {
public:
    using done_fn = std::function<void(const post_result&)>;

    poster(boost::asio::any_io_executor ex, std::size_t max_queued = 10'000);
    ~poster(); // stop()s
    poster(const poster&) = delete;
    poster& operator=(const poster&) = delete;

    // false (and `done` is not called) when the queue is full or stopped.
    // Otherwise `done` runs once on the executor, unless stop() came first.
    bool post(post_request r, done_fn done);
    // Joins the worker; transfers not finished are abandoned without a
    // callback (whoever posted them still holds what they carried).
    void stop();

    struct counters {
        std::size_t queued = 0, running = 0;
    };
    counters snapshot() const;
    const boost::asio::any_io_executor& executor() const noexcept { return executor_; }

private:
    struct job {
        post_request req;
        done_fn done;
    };
    struct shared; // what the worker and the posted completions share
    void run();

    boost::asio::any_io_executor executor_;
    std::size_t max_queued_;
    std::shared_ptr<shared> shared_;
    std::thread worker_;
};

} // namespace twinsms::webhook
