#pragma once
// The message engine over one store: a message's life from a client's submit
// to the carrier and what comes back (receipts, MO) to the client. It owns
// the intake, the dispatcher and the deliveries of that store and nothing
// else: the store, the route table and the carrier pool are given to it, and
// everything it needs from its surroundings is one of its ports. So one
// process can run several engines (its own store and, after a takeover, the
// replica of the peer's), each in its own id space, over one carrier pool.
//
// Inputs: client requests (on_request, submit_batch, submit_internal),
// carrier outcomes (through the pool, to the dispatcher), what carriers send
// (on_carrier_deliver: receipts, receipts.cpp; MO, mo.cpp), deliveries made
// elsewhere (take_delivery). Outputs: the responses (SMPP responders,
// callbacks), deliveries to the receivers and sinks its ports name, and its
// counters.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "engine/carrier_pool.hpp"
#include "engine/deliveries.hpp"
#include "engine/dispatcher.hpp"
#include "engine/intake.hpp"
#include "route/mo_router.hpp"
#include "store/message_store.hpp"

namespace twinsms::engine {

// What the engine asks of the node around it.
struct engine_ports {
    // Bound sessions of a client system_id that may receive deliver_sm.
    delivery_manager::receivers_fn receivers;
    // A way out other than the binds (webhook, the pair's handoff); may be empty.
    delivery_manager::sink_fn sink;
    // The client profile name of a system_id (routes name profiles).
    intake::profile_fn profile_of;
    // The account of the client profile an MO rule names; nullptr when none.
    std::function<const smpp::client_account*(std::string_view profile)> account_of;
    // Sync replication: clients' OKs wait for it (intake::commit_gate); may be empty.
    intake::commit_gate replicated;
    // query_sm of a message this store does not hold (intake::finder); may be empty.
    intake::finder find_elsewhere;
    // A receipt id (as the carrier gave it, lower case) that another store
    // maps exactly: the peer's replica, in a pair that shares the carrier.
    // A message of ours that only another reading of the id names is then
    // not taken for it (dispatcher::set_mapped_elsewhere); may be empty.
    std::function<bool(std::string_view carrier, std::string_view carrier_id)> mapped_elsewhere;
};

struct engine_config {
    dispatcher_config dispatch{};
    deliveries_config deliveries{};
    // How long a receipt or MO waits for its client before it is dropped.
    std::chrono::milliseconds client_delivery_ttl{72LL * 3600 * 1000};
};

class message_engine {
public:
    message_engine(boost::asio::any_io_executor ex, store::message_store& st, carrier_pool& carriers,
                   std::shared_ptr<route::route_table> routes, route::mo_router mo_routes, engine_config cfg,
                   engine_ports ports, clock_fn now);
    message_engine(const message_engine&) = delete;
    message_engine& operator=(const message_engine&) = delete;

    // Counts what a crash left in flight and starts dispatching and delivering.
    void start();
    // What is not finished stays in the store for the next start.
    void stop();
    void set_routes(std::shared_ptr<route::route_table> routes, route::mo_router mo_routes);

    // A request of a bound client (submit, data_sm, submit_multi, query,
    // cancel, replace); answered on its session once committed.
    void on_request(smpp::session& s, const smpp::client_account& a, const smpp::pdu& req) {
        intake_.on_request(s, a, req);
    }

    // A receipt's carrier id that no message of this engine maps: `unknown`
    // takes the receipt over (another engine, the peer) and answers `done`.
    // It is called, if at all, before on_carrier_deliver returns, so it may
    // refer to the request.
    using unknown_receipt_fn = std::function<void(dispatcher::status_fn done)>;
    // A deliver_sm or data_sm from `carrier`: a receipt for one of our
    // messages, or MO for a client the MO routes name. Answered through `r`
    // once what it changes is committed (a refusal when it cannot be, so
    // the carrier resends it). Without `unknown` a receipt not ours is
    // acknowledged and logged.
    void on_carrier_deliver(const std::string& carrier, const smpp::pdu& req, smpp::responder r,
                            unknown_receipt_fn unknown = {});
    // A receipt or MO made elsewhere (handed over by the peer node, or a
    // receipt to forward to it) committed in this store and delivered.
    // `admit`: new to the pair, so refused on a full store.
    // `with` (an opt-out list change) is committed in the same transaction.
    void take_delivery(store::delivery d, bool admit, std::function<void(const store::error_code&)> done,
                       store::write_batch with = {});
    // A new delivery's id and expiry, from this store and the engine's TTL.
    store::delivery new_delivery(std::string account) const;

    // What the peer's engine did for this store while it ran this node's
    // promoted replica (store/merge_plan.hpp, replication/live_merge.hpp):
    // images and mappings through the dispatcher (adopt), deliveries stored
    // under new ids and delivered. `done` once every write committed.
    struct merged {
        dispatcher::adoption adopted;
        std::size_t deliveries = 0, delivery_failures = 0;
    };
    void merge_peer_work(store::merge_plan plan, std::function<void(merged)> done); // peer_work.cpp

    store::message_store& store() noexcept { return store_; }
    const store::message_store& store() const noexcept { return store_; }
    dispatcher& dispatch() noexcept { return dispatcher_; }
    const dispatcher& dispatch() const noexcept { return dispatcher_; }
    delivery_manager& deliveries() noexcept { return deliveries_; }
    const delivery_manager& deliveries() const noexcept { return deliveries_; }
    intake& submissions() noexcept { return intake_; }
    const intake& submissions() const noexcept { return intake_; }

    // What carriers sent this engine.
    struct counters {
        std::uint64_t mo_received = 0, mo_unrouted = 0, receipts_received = 0;
        std::uint64_t mo_not_stored = 0; // decoded but did not encode again (stored_bytes)
        // MO keywords that put a handset on its client's opt-out list, or took it off.
        std::uint64_t opt_outs = 0, opt_ins = 0;
        struct from_carrier {
            std::uint64_t receipts = 0, mo = 0;
        };
        std::map<std::string, from_carrier, std::less<>> by_carrier; // carrier profile -> what it sent
    };
    const counters& stats() const noexcept { return stats_; }
    // The clients' credit balances in this store (config/credit.hpp).
    credit_book& credits() noexcept { return credits_; }

private:
    void on_mo(const std::string& carrier, const smpp::pdu& req, smpp::responder r); // mo.cpp

    boost::asio::any_io_executor executor_;
    store::message_store& store_;
    route::mo_router mo_routes_;
    engine_config cfg_;
    engine_ports ports_;
    clock_fn now_;
    credit_book credits_; // before the intake and the dispatcher, which use it
    dispatcher dispatcher_;
    delivery_manager deliveries_;
    intake intake_;
    counters stats_;
};

} // namespace twinsms::engine
