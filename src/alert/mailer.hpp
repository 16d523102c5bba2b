#pragma once
// Email through an SMTP server with libcurl (plain or STARTTLS, AUTH when a
// username is set), off the node's thread: the node runs on one io_context
// thread, and an SMTP server that is slow, down or black-holing must never
// hold up routing. send() only queues; a worker thread of the mailer's own
// runs curl, one message at a time (alerts are few), and posts the outcome
// back to the caller's executor.
//
// The queue is bounded: beyond max_queue the oldest waiting message is
// dropped (its completion says so) with a logged warning, since during an
// SMTP outage the newest alerts say the most about the current state.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/any_io_executor.hpp>

#include "config/cluster.hpp"

namespace twinsms::alert {

struct email {
    std::string subject; // one line (CR/LF become spaces); UTF-8 is fine
    std::string body;    // UTF-8 text; any line ending, sent as CRLF
    // Date header; the epoch (default) means the time send() is called.
    std::chrono::system_clock::time_point date{};
};

struct mail_result {
    bool ok = false;
    std::string error; // curl's error text with its detail and the last SMTP code, when !ok
};

// The RFC 5322 message curl uploads: From, To, Subject (RFC 2047 encoded
// when not ASCII), Date, Message-ID, MIME-Version, Content-Type text/plain
// utf-8, 8bit body; CRLF line endings. Dot-stuffing is curl's job.
std::string format_message(const config::smtp_settings& s, const email& m, std::string_view message_id);
// "Name <a@b>" -> "a@b"; a bare address is returned as is (envelope use).
std::string_view bare_address(std::string_view addr) noexcept;

class mailer {
public:
    using completion = std::function<void(const mail_result&)>;

    // Starts the worker thread. Completions run on `ex`.
    mailer(boost::asio::any_io_executor ex, config::smtp_settings settings, std::size_t max_queue = 100);
    // stop() with the default grace.
    ~mailer();
    mailer(const mailer&) = delete;
    mailer& operator=(const mailer&) = delete;

    // Queues `m` for every address in settings.to (one SMTP transaction) and
    // returns at once. `done` (optional) is posted to the executor with the
    // outcome; also when the message is dropped or abandoned by stop(). After
    // stop() it fails at once ("mailer stopped").
    void send(email m, completion done = {});

    // Lets the worker finish what is queued for at most `grace`, then aborts
    // the transfer in progress (its connection is shut down under curl) and
    // abandons the rest (their completions get an error), and joins the
    // thread. Blocks the caller for about `grace` at most (plus ~100 ms; a
    // DNS lookup in progress can still hold curl up). Idempotent.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds{2'000});

    std::size_t queued() const; // waiting, not counting the one in progress
    std::uint64_t dropped() const noexcept { return dropped_.load(); }
    const config::smtp_settings& settings() const noexcept { return settings_; }

private:
    struct job {
        std::string message;
        completion done;
    };
    struct curl_state; // the curl multi handle, worker-owned
    void run();
    mail_result perform(const job& j);
    bool past_deadline(); // stopping and the grace is over
    void finish(job& j, mail_result r);

    boost::asio::any_io_executor ex_;
    const config::smtp_settings settings_;
    const std::size_t max_queue_;
    std::unique_ptr<curl_state> curl_;

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<job> queue_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point deadline_{}; // with stopping_: end of the grace
    std::condition_variable exited_cv_;
    bool exited_ = false; // the worker has left run()
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> sequence_{0}; // Message-ID uniqueness
    std::thread worker_;
};

} // namespace twinsms::alert
