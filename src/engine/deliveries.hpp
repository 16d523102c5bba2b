#pragma once
// Sends stored deliveries (receipts and MO) to the client they belong to,
// on any of its receiver/transceiver binds, and erases each one only after
// the client answered deliver_sm_resp OK. Clients that are not bound keep
// theirs in the store until they bind or the delivery expires.
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "engine/clock.hpp"
#include "metrics/histogram.hpp"
#include "smpp/server/listener.hpp"
#include "store/message_store.hpp"

namespace twinsms::engine {

struct deliveries_config {
    std::size_t max_in_memory_per_account = 5'000;
    std::chrono::milliseconds retry_after{5'000};  // after a client error or a lost bind
    std::chrono::milliseconds tick{1'000};
};

// A way out for an account's deliveries other than its SMPP binds (the
// HTTP webhook). Sinks that accept a delivery get it instead of the binds.
class delivery_sink {
public:
    // handed_over: the other node of the pair committed it for the client (delivery_handoff.hpp).
    enum class result { delivered, retry, undeliverable, handed_over };
    using done_fn = std::function<void(result, std::string why)>;
    virtual ~delivery_sink() = default;
    virtual bool accepts(const store::delivery& d) const = 0;
    virtual bool has_room() const = 0;
    // `done` is called exactly once, later, on the manager's executor.
    virtual void deliver(const store::delivery& d, done_fn done) = 0;
    // The pause after `failures` failed attempts in a row (>= 1).
    virtual std::chrono::milliseconds retry_delay(unsigned failures) const = 0;
};

class delivery_manager {
public:
    // Bound sessions of an account that may receive deliver_sm, on every listener.
    using receivers_fn = std::function<std::vector<std::shared_ptr<smpp::session>>(std::string_view account)>;

    // The sink of an account, or nullptr (deliveries go to its binds).
    using sink_fn = std::function<std::shared_ptr<delivery_sink>(std::string_view account)>;

    delivery_manager(boost::asio::any_io_executor ex, store::message_store& st, receivers_fn receivers,
                     deliveries_config cfg, clock_fn now);
    void set_sinks(sink_fn f) { sinks_ = std::move(f); }

    void start();
    void stop();
    // A delivery just committed.
    void added(store::delivery d);
    // A client bound with a receiver or transceiver: what the store holds for it goes out.
    void on_bound(const std::string& account);
    // Whether a receipt for `message` is queued for `account` here, or was
    // delivered lately: a second one is a duplicate (a receipt handed over
    // twice, a carrier's repeat after a resubmission).
    bool holds_receipt(std::string_view account, std::uint64_t message) const;

    struct counters {
        std::uint64_t sent = 0, acknowledged = 0, client_errors = 0, expired = 0, store_failures = 0;
        std::uint64_t undeliverable = 0; // refused for good (an undecodable PDU, a webhook's 4xx)
        std::uint64_t handed_over = 0;   // committed by the other node, which serves the client now
        std::uint64_t duplicates = 0;    // a second receipt for one message: dropped
        // A receipt's delivery from its creation (the carrier's receipt
        // received) to the client's acknowledgement, microseconds (/metrics).
        metrics::histogram receipt_latency{metrics::latency_us};
    };
    const counters& stats() const noexcept { return stats_; }
    std::size_t pending() const noexcept;
    // Deliveries sent and not answered yet (or their erase not committed).
    std::size_t in_flight() const noexcept;
    // One account's: waiting in memory (more may wait in the store while
    // it is not bound or beyond max_in_memory_per_account), sent and not
    // answered yet, and acknowledged receipts and MO.
    struct account_counters {
        std::size_t pending = 0, in_flight = 0;
        std::uint64_t receipts = 0, mo = 0;
    };
    account_counters account(std::string_view account) const;

private:
    struct queue {
        std::deque<store::delivery> ready;
        std::set<std::uint64_t> known;  // ids in `ready` or in flight
        std::set<std::uint64_t> receipts; // the messages their receipts in `known` report
        bool spilled = true;            // the store may hold more than `ready`
        store::epoch_ms hold_until = 0; // after a client error: back off
        unsigned failures = 0;          // in a row, for a sink's backoff
        std::uint64_t receipts_acked = 0, mo = 0; // acknowledged (deliver_sm_resp OK, webhook 2xx)
    };

    boost::asio::awaitable<void> run();
    void pump(const std::string& account, queue& q);
    void load(const std::string& account, queue& q);
    void on_answer(const std::string& account, store::delivery d, const smpp::error_code& ec, const smpp::pdu* resp);
    void on_result(const std::string& account, store::delivery d, delivery_sink::result r, const std::string& why,
                   const delivery_sink* sink);
    void drop(queue& q, const store::delivery& d);
    // Takes `d` into `q` (false: a duplicate receipt, erased from the store).
    bool take(const std::string& account, queue& q, const store::delivery& d);
    void forget(queue& q, const store::delivery& d);
    void remember_delivered(const store::delivery& d);
    void erase(const store::delivery& d);
    void flush_erases();

    boost::asio::any_io_executor executor_;
    store::message_store& store_;
    receivers_fn receivers_;
    sink_fn sinks_;
    deliveries_config cfg_;
    clock_fn now_;
    boost::asio::steady_timer timer_;
    std::map<std::string, queue, std::less<>> queues_;
    // Messages whose receipt was delivered (or handed over) lately, oldest
    // first. Message ids are unique across the pair, so the id alone is the
    // key. Bounded: duplicates are told apart within the last
    // `recent_limit` receipts only (about 3 MB).
    static constexpr std::size_t recent_limit = 100'000;
    std::unordered_set<std::uint64_t> recent_;
    std::deque<std::uint64_t> recent_order_;
    // Erases of acknowledged deliveries, gathered until the event loop is
    // done with what it read, then written as one batch.
    store::write_batch erases_;
    // Ids of deliveries whose erase is gathered or being committed: a load
    // from the store in between must not take them again.
    std::unordered_set<std::uint64_t> erasing_;
    std::vector<std::uint64_t> erasing_batch_; // those in erases_

    bool flush_posted_ = false;
    bool stopping_ = false;
    counters stats_;
};

} // namespace twinsms::engine
