#pragma once
// twinsms carrier simulator: an SMSC of our own for tests, the demo and
// benchmarks. Listens for ESME binds, answers submit_sm / submit_multi /
// data_sm with unique message ids, records what it received, sends delivery
// receipts and MO messages, and injects faults on request.
//
// Runs on one executor: construct it, call start(), and call every method
// from that executor's thread (as with smpp::session).
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "message_id.hpp"
#include "receipt.hpp"
#include "smpp/session/session.hpp"

namespace twinsms::sim {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using smpp::command_status;
using std::chrono::milliseconds;

struct account {
    std::string system_id;
    std::string password;
};

// Outcome for destinations starting with `prefix` (longest prefix wins).
struct receipt_rule {
    std::string prefix;
    receipt_outcome outcome;
};

struct smsc_config {
    tcp::endpoint listen{asio::ip::make_address("127.0.0.1"), 0};
    std::vector<account> accounts;
    bool accept_any = false;            // any system_id/password binds
    std::string system_id = "twinsms-sim"; // in bind responses

    id_format ids = id_format::hex;
    std::string id_prefix;
    std::uint64_t id_start = 1;

    milliseconds receipt_delay{0};
    // With a response delay: the receipt clock starts at the submit, not at
    // the answer, so a receipt can arrive before its submit_sm_resp (a
    // carrier whose receipt path runs ahead of its responses).
    bool receipt_before_response = false;
    receipt_outcome receipt_default{};
    std::vector<receipt_rule> receipt_rules;
    milliseconds redelivery_delay{1000}; // retry of a refused or failed deliver_sm
    unsigned max_delivery_attempts = 0;  // 0: retry until delivered

    std::size_t max_records = 100'000; // oldest records are dropped beyond this (0: keep none)
    // Route each connection through a link_relay so enquire_link answering
    // can be switched off. Costs one extra loopback hop; false for benchmarks.
    bool link_faults = true;
    // SMPP over TLS: each connection handshakes first (tls::server_context).
    // The link relay is not used then (enquire_link answering stays on).
    std::shared_ptr<asio::ssl::context> tls;
    milliseconds handshake_timeout{10'000};
    // Template for every accepted session (name and system_id are set per
    // connection). max_incoming_pending is unbounded by default: in drop
    // mode requests are never answered, and the session would otherwise
    // start answering ESME_RTHROTTLED itself once 1000 of them piled up.
    smpp::session_config session = default_session_config();

    static smpp::session_config default_session_config() {
        smpp::session_config c;
        c.max_incoming_pending = static_cast<std::size_t>(-1);
        return c;
    }
};

// One received submit_sm / submit_multi / data_sm, as it reached the carrier.
struct received_message {
    std::string account; // system_id of the bind it arrived on
    smpp::command_id command = smpp::command_id::submit_sm;
    std::string service_type;
    std::string source;
    std::uint8_t source_ton = 0, source_npi = 0;
    std::string destination;               // first destination for submit_multi
    std::vector<std::string> destinations; // every destination (one for submit_sm/data_sm)
    std::uint8_t dest_ton = 0, dest_npi = 0;
    std::string text; // short_message, or message_payload when short_message is empty
    std::string short_message;
    std::uint8_t data_coding = 0, esm_class = 0, registered_delivery = 0, protocol_id = 0, priority = 0;
    std::map<std::uint16_t, std::string> tlvs; // tag -> value bytes
    std::string message_id;                   // empty unless accepted
    command_status status = 0;                // what was answered
    bool answered = true;                     // false in drop mode
    std::uint64_t seq = 0;                    // 1-based arrival order in the simulator's life
    std::chrono::system_clock::time_point at;
};

struct sim_counters {
    std::uint64_t connections = 0, binds_accepted = 0, binds_refused = 0;
    std::uint64_t submits_received = 0; // submit_sm + submit_multi + data_sm
    std::uint64_t submits_accepted = 0, submits_throttled = 0, submits_failed = 0, submits_dropped = 0;
    std::uint64_t receipts_scheduled = 0, receipts_sent = 0; // sent: acknowledged with ESME_ROK
    std::uint64_t mo_requested = 0, mo_sent = 0;
    std::uint64_t delivery_retries = 0, deliveries_abandoned = 0;
    std::uint64_t other_requests = 0; // query_sm, cancel_sm, replace_sm (refused)
    std::uint64_t enquire_links_ignored = 0; // swallowed by set_answer_enquire_link(false)
    std::uint64_t tls_failures = 0;          // handshakes that failed or timed out
};

// An MO message (deliver_sm from the network to the ESME).
struct mo_message {
    std::string account;
    std::string source, destination;
    std::string text;
    std::uint8_t data_coding = 0;
    std::uint8_t source_ton = 1, source_npi = 1, dest_ton = 0, dest_npi = 0;
};

// One bind the simulator accepted, from bound until its connection closed:
// the evidence that two nodes never held the carrier at once. The owner is
// the bind's system_type (a pair's carrier profiles can each set their own).
struct bind_record {
    std::uint64_t conn = 0;
    std::string account, system_type, remote;
    std::chrono::steady_clock::time_point bound_at;
    std::optional<std::chrono::steady_clock::time_point> closed_at; // empty: still bound
    std::uint64_t submits = 0;                                          // submit_sm, submit_multi, data_sm on it
    std::optional<std::chrono::steady_clock::time_point> last_submit_at;
};

class smsc_simulator {
public:
    smsc_simulator(asio::any_io_executor ex, smsc_config cfg);
    smsc_simulator(asio::io_context& io, smsc_config cfg) : smsc_simulator(io.get_executor(), std::move(cfg)) {}
    ~smsc_simulator(); // closes everything at once (use shutdown() for a graceful end)
    smsc_simulator(const smsc_simulator&) = delete;
    smsc_simulator& operator=(const smsc_simulator&) = delete;

    // Binds the listening socket (throws boost::system::system_error) and accepts.
    void start();
    tcp::endpoint local_endpoint() const;
    unsigned short port() const;
    // Stops accepting and closes every connection at once.
    void stop();
    // Stops accepting, unbinds every bound session (waiting for unbind_resp,
    // at most `limit`), closes the rest.
    asio::awaitable<void> shutdown(milliseconds limit = milliseconds{3000});

    // Accounts.
    void add_account(std::string system_id, std::string password);
    void set_accept_any(bool on);

    // What reached the carrier.
    const std::deque<received_message>& messages() const;
    void clear_messages();
    const sim_counters& counters() const;
    // Called for every received message, after it is recorded and answered.
    void on_message(std::function<void(const received_message&)> f);
    // Every accepted bind, in order (bind_record).
    const std::vector<bind_record>& bind_log() const;
    // Bound sessions (of one account, or all when empty).
    std::size_t bound_sessions(std::string_view account = {}) const;
    // Accepted TLS connections whose handshake is not done yet.
    std::size_t handshakes_in_progress() const;
    std::size_t receivers(std::string_view account = {}) const; // bound rx/trx
    // deliver_sm (receipts and MO) queued, waiting, or in flight.
    std::size_t pending_deliveries() const;

    // Delivery receipts.
    void set_receipt_delay(milliseconds d);
    void set_receipt_outcome(receipt_outcome o);                 // global default
    void set_receipt_rule(std::string prefix, receipt_outcome o); // per destination prefix
    void clear_receipt_rules();

    // MO: deliver_sm to a bound receiver/transceiver of the account, queued
    // (and retried) until one is bound.
    void send_mo(mo_message m);
    void send_mo(std::string account, std::string from, std::string to, std::string text,
                 std::uint8_t data_coding = 0);

    // Fault injection. Precedence: drop, then throttle, then fail.
    void throttle_every(unsigned n);       // every Nth submit gets ESME_RTHROTTLED; 0 = off
    void throttle_for(milliseconds d);     // all submits throttled for d from now
    void throttle_off();
    void fail_with(command_status st, unsigned every = 1); // every Nth submit answered `st`
    void fail_off();
    void set_drop(bool on);                // read submits, never answer them
    // false when link_faults is off in the config (no relay to filter with).
    bool set_answer_enquire_link(bool on);
    void close_all();                      // abrupt TCP close of every connection
    void refuse_binds(command_status st);  // e.g. ESME_RBINDFAIL, ESME_RINVPASWD
    void accept_binds();
    void set_response_delay(milliseconds d); // every answer to a submit waits d
    void reset_faults();

    struct fault_state {
        unsigned throttle_every = 0;
        bool throttling_now = false; // a throttle_for window is open
        std::optional<command_status> fail_status;
        unsigned fail_every = 1;
        bool drop = false;
        bool answer_enquire_link = true;
        std::optional<command_status> refuse_binds;
        milliseconds response_delay{0};
    };
    fault_state faults() const;
    const smsc_config& config() const;

    struct impl;

private:
    std::shared_ptr<impl> impl_;
};

} // namespace twinsms::sim
