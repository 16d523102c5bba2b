#pragma once
// What bound clients send: submit_sm, data_sm and submit_multi become stored
// messages, answered OK only once committed (group commit across all
// sessions); query_sm, cancel_sm and replace_sm are answered from the store.
#include <functional>
#include <memory>
#include <string>

#include "engine/client_stats.hpp"
#include "engine/credit_book.hpp"
#include "engine/dispatcher.hpp"
#include "smpp/server/account.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::engine {

class intake {
public:
    // The client profile name of a bound system_id (routes name profiles).
    using profile_fn = std::function<std::string(std::string_view system_id)>;

    intake(boost::asio::any_io_executor ex, store::message_store& st, dispatcher& d,
           std::shared_ptr<route::route_table> routes, profile_fn profile_of, clock_fn now);

    void set_routes(std::shared_ptr<route::route_table> r) { routes_ = std::move(r); }
    // Where accounts with credit pay (message_engine's book).
    void set_credit_book(credit_book* b) { credits_ = b; }
    void set_profiles(profile_fn f) { profile_of_ = std::move(f); }
    // Sync replication: a client's OK waits until the gate runs its
    // continuation (the peer acknowledged the commit). None: after the commit.
    using commit_gate = std::function<void(std::function<void()>)>;
    void set_commit_gate(commit_gate g) { gate_ = std::move(g); }
    // query_sm for a message not in this store: another store that may hold
    // it (after a takeover, the dead peer's promoted replica).
    using finder = std::function<std::optional<store::message>(store::message_id, std::string_view account)>;
    void set_finder(finder f) { find_elsewhere_ = std::move(f); }
    void on_request(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    // A message the node itself sends (alert SMS), routed as client profile
    // `account`, stored and dispatched like a client's. False when no route
    // takes it; `done` reports the commit.
    bool submit_internal(const smpp::submit_sm& sm, const std::string& account,
                         std::function<void(const store::error_code&)> done);
    // Messages the node makes for a client account from another protocol
    // (email to SMS, HTTP): each routed and checked as that account's, all
    // committed in one transaction, so a mail or request is taken whole or
    // not at all. A refusal (ESME_RINVDSTADR when no route takes one) comes
    // back at once and nothing is written; otherwise `done` reports the
    // commit with the ids in the order of `sms`. Throughput is the caller's.
    using batch_fn = std::function<void(const store::error_code&, std::vector<store::message_id>)>;
    smpp::command_status submit_batch(const std::vector<smpp::submit_sm>& sms, const smpp::client_account& a,
                                      std::string_view via, batch_fn done);

    struct counters {
        std::uint64_t accepted = 0, refused = 0, store_full = 0, store_errors = 0;
        std::uint64_t backlogged = 0; // refused throttled: the carriers are max_backlog behind
        std::uint64_t sender_refused = 0; // ESME_RINVSRCADR: not among the account's senders
        std::uint64_t opted_out = 0;      // ESME_RX_R_APPN: the handset is on the account's opt-out list
        std::uint64_t no_credit = 0;      // ESME_RSUBMITFAIL: the account's credit does not cover it
    };
    const counters& stats() const noexcept { return stats_; }
    // Per account (client_stats.hpp); a front door that refuses a request
    // for the account's tps reports it here.
    const client_stats& clients() const noexcept { return clients_; }
    void count_throttled(std::string_view system_id);
    // An HTTP send API request of the account answered now (node_http.cpp).
    void count_http_send(std::string_view system_id, std::chrono::steady_clock::time_point since) {
        clients_.of(system_id).http_send_latency.observe_since(since);
    }

private:
    bool opted_out(const std::string& system_id, std::string_view destination);
    // Takes `cost` from the account's credit into `b`; false (counted, logged): not enough.
    bool charge(const std::string& system_id, std::int64_t cost, store::write_batch& b);
    struct prepared {
        smpp::command_status status = smpp::status::ok;
        store::message m;
        std::int64_t cost = 0; // credit, millionths (0: the account pays nothing)
    };
    template <class Sm> prepared prepare(const Sm& sm, const smpp::pdu& stored, const smpp::client_account& a,
                                         const std::string& profile, store::epoch_ms now);
    void on_submit(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    void on_submit_multi(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    void on_query(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    void on_cancel(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    void on_replace(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req);
    smpp::command_status store_status(const store::error_code& ec);
    // The carriers are behind (dispatcher::backlogged): counts the refusal.
    bool refuse_backlogged(client_counters& cs);
    // store_.write whose completion passes the commit gate first (a failure goes straight through).
    void write_gated(store::write_batch b, std::function<void(const store::error_code&)> done);

    boost::asio::any_io_executor executor_;
    store::message_store& store_;
    dispatcher& dispatcher_;
    std::shared_ptr<route::route_table> routes_;
    profile_fn profile_of_;
    commit_gate gate_;
    finder find_elsewhere_;
    credit_book* credits_ = nullptr;
    clock_fn now_;
    counters stats_;
    client_stats clients_;
};

} // namespace twinsms::engine
