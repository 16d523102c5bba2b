#pragma once
// Moves stored messages to carriers and records every step.
//
// The store is the queue; this keeps a bounded working set of it in memory
// (newly accepted messages go straight in, the rest is read back from the
// store's queue index when there is room), picks a carrier per message from
// its route, marks the attempt in flight before handing it over (so a crash
// is counted as a possible duplicate on restart), and stores the carrier's
// verdict: submitted with its id and receipt mapping, retry with backoff,
// failover to the next carrier, or a final state with the failure receipt
// the client asked for. Carrier receipts for our messages finish them.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/container/small_vector.hpp>

#include "engine/carrier_pool.hpp"
#include "engine/credit_book.hpp"
#include "engine/clock.hpp"
#include "engine/retry_policy.hpp"
#include "metrics/histogram.hpp"
#include "route/route_table.hpp"
#include "store/merge_plan.hpp"
#include "store/message_store.hpp"

namespace twinsms::engine {

struct dispatcher_config {
    retry_config retry{};
    std::size_t max_in_memory = 20'000;      // working set of messages
    std::size_t max_backlog = 0;             // backlogged() above this many ready (0: never)
    std::chrono::milliseconds receipt_map_ttl{72LL * 3600 * 1000};
    std::chrono::milliseconds client_delivery_ttl{72LL * 3600 * 1000}; // receipts waiting for a bind
    std::chrono::milliseconds rescan_interval{1'000}; // store queue poll, parked expiry
    // A receipt that matches nothing while attempts to its carrier await
    // their response may belong to one of them: the carrier (or the peer's
    // delivery queue) is asked to send it again later, for this long after
    // it was first seen. A carrier that runs its receipt path ahead of its
    // responses does that (the primary of a pair whose sync replication
    // holds the submit_sm_resp back does, to the secondary).
    std::chrono::milliseconds receipt_grace{10'000};
};

class dispatcher {
public:
    // A receipt (or failure receipt) committed for a client: deliver it.
    using delivery_fn = std::function<void(store::delivery)>;
    using status_fn = std::function<void(smpp::command_status)>;

    dispatcher(boost::asio::any_io_executor ex, store::message_store& st, carrier_pool& carriers,
               std::shared_ptr<route::route_table> routes, dispatcher_config cfg, clock_fn now, delivery_fn on_delivery);

    // Counts the attempts a crash left in flight, then starts dispatching.
    void start();
    void stop();
    void set_routes(std::shared_ptr<route::route_table> routes) { routes_ = std::move(routes); }
    // Refunds of accounts whose credit says refund_failures.
    void set_credit_book(credit_book* b) { credits_ = b; }
    const route::route_table& routes() const noexcept { return *routes_; }

    // A message just committed in a queued state.
    void enqueue(store::message m);
    // A link has room again.
    void wake();
    // Carrier links went up or down: parked messages are tried again at once.
    void links_changed();

    // A receipt from `carrier` for its message id `carrier_id`. `state` is
    // the SMPP message_state (5.2.28), `err` the carrier's error code.
    // `done` gets the status to answer the carrier with, after the commit.
    // `unknown`, when given, takes over a receipt no message of ours maps
    // (the pair hands it to the peer, which may have sent that message);
    // without it such a receipt is acknowledged and logged.
    void on_receipt(const std::string& carrier, std::string_view carrier_id, std::uint8_t state,
                    std::uint32_t err, status_fn done, std::function<void(status_fn)> unknown = {});

    // query_sm / cancel_sm / replace_sm support. A message is found only by
    // the account that submitted it.
    std::optional<store::message> find(store::message_id id, std::string_view account) const;
    void cancel(store::message_id id, std::string_view account, status_fn done);
    struct replacement {
        std::string short_message;
        std::uint8_t registered_delivery = 0;
        store::epoch_ms not_before = 0, expires_at = 0; // 0: unchanged
    };
    void replace(store::message_id id, std::string_view account, replacement r, status_fn done);

    // What the peer's engine did for messages of this store while it ran
    // this node's promoted replica (store/merge_plan.hpp), merged after a
    // failback to this node that did not restart. An image replaces ours
    // unless an attempt of ours is under way or ours went as far; a mapping
    // lets a receipt of the peer's send find its message. `done` gets the
    // counts once every write is committed (or failed).
    struct adoption {
        std::size_t messages = 0, mappings = 0, busy = 0, behind = 0, failed = 0;
    };
    void adopt(std::vector<store::message> images, std::vector<store::merge_plan::mapping> mappings,
               std::function<void(adoption)> done); // dispatcher_adopt.cpp
    // Until `until` (epoch ms) a receipt that matches nothing is asked again
    // later (ESME_RX_T_APPN) however long ago it was first seen: a merge of
    // the peer's work, with the mappings of its sends, is under way.
    void expect_receipts_until(store::epoch_ms until) noexcept { expect_until_ = until; }
    // Another store that maps receipt ids exactly (message_engine's ports):
    // a guess of ours (another reading of the id) yields to it.
    using mapped_fn = std::function<bool(std::string_view carrier, std::string_view carrier_id)>;
    void set_mapped_elsewhere(mapped_fn f) { mapped_elsewhere_ = std::move(f); }

    struct counters {
        std::uint64_t dispatched = 0, submitted = 0, retries = 0, failovers = 0, finished = 0;
        std::uint64_t expired = 0, undeliverable = 0, receipts = 0, unknown_receipts = 0;
        std::uint64_t duplicate_receipts = 0, recovered_in_flight = 0, store_failures = 0, spills = 0;
        std::uint64_t receipts_before_response = 0; // unknown while responses were due: asked again
        std::uint64_t guesses_yielded = 0; // ours by another reading only, the peer's as given: handed over
        std::uint64_t held = 0; // put back until a quiet-hours window of its route or client ends
        std::uint64_t refunds = 0; // failed messages whose price went back to the account's credit
        std::uint64_t charset_refused = 0; // a carrier's charset could not take the text (dispatcher_parts.cpp)
        std::uint64_t split_messages = 0, split_parts = 0; // messages sent in parts for their carrier, and those parts
        // From a message's acceptance (or its schedule time) to its first
        // attempt handed to a carrier link, microseconds (/metrics).
        metrics::histogram commit_to_submit{metrics::latency_us};
    };
    const counters& stats() const noexcept { return stats_; }
    std::size_t in_memory() const noexcept { return tracked_.size(); }
    // Messages due now that wait for room on a bound carrier link (not those
    // whose carriers are all down: parked).
    std::size_t backlog() const noexcept { return ready_.size(); }
    // Intake takes no more (ESME_RTHROTTLED): the carriers are behind by
    // max_backlog messages.
    bool backlogged() const noexcept { return cfg_.max_backlog && ready_.size() >= cfg_.max_backlog; }
    std::size_t parked() const noexcept { return parked_.size(); }
    // Messages with a store write or a carrier attempt under way (after
    // stop(), what must finish before the store may be copied or closed).
    std::size_t busy() const noexcept;

private:
    struct tracked {
        store::message m;                    // the image last written (or being written)
        std::vector<std::string> failed_on;  // carriers that refused it permanently
        bool busy = false;                   // a write or a carrier attempt is under way
        std::uint64_t mark = 0;              // the in-flight mark of its attempt (marks_), 0: none
        std::string refusal{};               // why a carrier's charset could not take its text (last one)
    };
    struct parts_attempt; // dispatcher_parts.cpp

    boost::asio::awaitable<void> run();
    void pump();
    void refill();
    bool try_dispatch(std::uint64_t id);
    // dispatcher_send.cpp: an attempt picked for a carrier waits in
    // picked_; at the end of the round mark_and_send() writes one
    // in-flight mark for all of them and hands each to its carrier once it
    // is committed. attempt_done() ends an attempt's part in its mark.
    void send(tracked& t, const std::string& carrier);
    void mark_and_send();
    void hand_over(std::uint64_t id, const std::string& carrier);
    void not_taken(tracked& t);
    void attempt_done(tracked& t);
    // `parts`: the carrier's ids of every part when the message went in
    // several (the first is `out`'s); each maps to the message.
    void on_outcome(std::uint64_t id, const std::string& carrier, const smpp::submit_outcome& out,
                    const std::vector<std::string>* parts = nullptr);
    // dispatcher_parts.cpp: a carrier's charset key that cannot take the
    // text (the next carrier of the route is tried), and a message that
    // goes to its carrier in several parts, whose outcome is the parts'.
    void refused_text(tracked& t, const std::string& carrier, std::string reason);
    void hand_over_parts(tracked& t, const std::string& carrier,
                         boost::container::small_vector<smpp::owned_pdu, 1> pdus);
    void part_outcome(std::uint64_t id, const std::string& carrier, parts_attempt& a, std::size_t i,
                      const smpp::submit_outcome& o);
    void parts_done(std::uint64_t id, const std::string& carrier, const parts_attempt& a);
    void retry_later(tracked& t, std::uint32_t status);
    void hold(tracked& t, std::int64_t until); // quiet hours
    void finish(tracked& t, store::msg_state s, std::uint32_t status, std::string detail,
                std::function<void(const store::error_code&)> committed = {});
    void write_and_release(tracked& t, store::message next, store::write_batch b,
                           std::function<void(const store::error_code&)> after = {});
    void write_outcome(std::uint64_t id, store::write_batch b, std::function<void(const store::error_code&)> after,
                       unsigned failures);
    const route::compiled_rule* rule_of(const store::message& m) const;
    void untrack(std::uint64_t id);

    boost::asio::any_io_executor executor_;
    store::message_store& store_;
    carrier_pool& carriers_;
    std::shared_ptr<route::route_table> routes_;
    dispatcher_config cfg_;
    clock_fn now_;
    delivery_fn on_delivery_;
    boost::asio::steady_timer signal_;

    std::unordered_map<std::uint64_t, tracked> tracked_;
    std::deque<std::uint64_t> ready_;   // due now, in arrival order
    std::vector<std::uint64_t> parked_; // no usable carrier at the moment
    // Carrier ids whose "submitted" record is not committed yet: a fast
    // receipt can overtake it.
    std::unordered_map<std::string, std::uint64_t> submitting_;
    // Per carrier: messages picked for it whose in-flight mark is still
    // being committed. They count against its room, or one pump would mark
    // the whole ready queue in flight (and a crash would over-report).
    std::map<std::string, std::size_t, std::less<>> handing_over_;
    struct picked {
        std::uint64_t id;
        std::string carrier;
    };
    std::vector<picked> picked_;
    // In-flight marks written (or being written), by our number: the key
    // and how many of its attempts have not ended. The last one to end
    // erases it: every outcome is stored by then.
    struct mark {
        std::string key;
        std::size_t open = 0;
    };
    std::unordered_map<std::uint64_t, mark> marks_;
    std::uint64_t last_mark_ = 0;
    // Per carrier: attempts sent that have no response yet.
    std::map<std::string, std::size_t, std::less<>> awaiting_response_;
    // Unknown receipts answered "later" (carrier \0 id -> first seen, ms),
    // so one that never matches is acknowledged after receipt_grace.
    std::unordered_map<std::string, std::int64_t> early_receipts_;
    bool early_receipt(const std::string& carrier, std::string_view carrier_id, std::int64_t now);
    store::epoch_ms expect_until_ = 0;
    mapped_fn mapped_elsewhere_;
    credit_book* credits_ = nullptr;
    bool spilled_ = false; // the store holds queued messages not in memory
    std::optional<store::message_store::queue_pos> scan_pos_;
    bool stopping_ = false, woken_ = false;
    counters stats_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0); // outlived by write retries' timers
};

} // namespace twinsms::engine
