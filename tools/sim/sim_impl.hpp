#pragma once
// Internals of smsc_simulator shared by its .cpp files. Not installed.
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "delay_queue.hpp"
#include "link_relay.hpp"
#include "smsc_sim.hpp"

namespace twinsms::sim {

struct connection;

// One deliver_sm the simulator owes an ESME: a receipt or an MO.
struct delivery {
    bool receipt = false;
    std::string account;
    std::string source, destination;
    std::uint8_t source_ton = 0, source_npi = 0, dest_ton = 0, dest_npi = 0;
    std::uint8_t esm_class = 0, data_coding = 0;
    std::string short_message;
    std::string receipted_id;       // receipts only
    std::uint8_t message_state = 0; // receipts only
    unsigned attempts = 0;
};

// An accepted connection; the session's handler.
struct connection final : smpp::session_handler, std::enable_shared_from_this<connection> {
    smsc_simulator::impl* owner = nullptr; // cleared when the simulator stops
    std::shared_ptr<smpp::session> s;
    std::shared_ptr<link_relay> relay;
    std::uint64_t id = 0;
    std::string remote;
    std::string account;
    smpp::bind_type type = smpp::bind_type::transceiver;
    std::string system_type;
    bool bound = false;

    command_status on_bind(smpp::session&, smpp::bind_type t, const smpp::bind_params& p) override;
    void on_bound(smpp::session&) override;
    void on_request(smpp::session&, const smpp::pdu& req) override;
    void on_closed(smpp::session&, const smpp::error_code& why) override;

    bool can_receive() const noexcept {
        return bound && s && smpp::is_bound(s->state()) && type != smpp::bind_type::transmitter;
    }
};

struct smsc_simulator::impl : std::enable_shared_from_this<smsc_simulator::impl> {
    impl(asio::any_io_executor ex, smsc_config c);

    asio::any_io_executor ex;
    smsc_config cfg;
    tcp::acceptor acceptor;
    tcp::acceptor inner; // loopback end of the link relays
    std::shared_ptr<link_faults> link;
    id_generator ids;
    delay_queue later;
    bool running = false; // accepting
    bool stopped = false; // stop() ran: no more deliveries

    std::vector<std::shared_ptr<connection>> conns;
    std::uint64_t next_conn_id = 0;
    std::map<std::string, std::string, std::less<>> passwords;
    std::map<std::string, std::deque<delivery>, std::less<>> waiting; // per account: no receiver bound
    std::map<std::string, std::size_t, std::less<>> round_robin;
    std::size_t deliveries_outstanding = 0;

    std::deque<received_message> records;
    std::vector<bind_record> binds;
    std::uint64_t record_seq = 0;
    sim_counters counters;
    std::function<void(const received_message&)> on_message;

    // Faults.
    unsigned throttle_every = 0;
    std::uint64_t throttle_count = 0;
    delay_queue::clock::time_point throttle_until{};
    std::optional<command_status> fail_status;
    unsigned fail_every = 1;
    std::uint64_t fail_count = 0;
    bool drop = false;
    std::optional<command_status> refuse;
    milliseconds response_delay{0};

    // Lifecycle (smsc_sim.cpp).
    void start();
    asio::awaitable<void> accept_loop();
    void adopt(tcp::socket sock);
    asio::awaitable<void> adopt_tls(tcp::socket sock);
    std::set<tcp::socket**> handshakes; // TLS handshakes in progress (stop() closes them)
    void start_connection(smpp::transport stream, std::shared_ptr<connection> c);
    void stop();
    void forget(const connection& c); // after on_closed

    // Binds and requests (sim_requests.cpp).
    command_status on_bind(connection& c, smpp::bind_type t, const smpp::bind_params& p);
    void on_bound(connection& c);
    void on_request(connection& c, const smpp::pdu& req);
    command_status decide_submit_status();
    void record(received_message&& m);

    // Receipts and MO (sim_deliver.cpp).
    receipt_outcome outcome_for(std::string_view destination) const;
    void schedule_receipts(const received_message& m);
    void queue_delivery(delivery d, milliseconds delay);
    void dispatch(delivery d);
    void flush_waiting(const std::string& account);
    connection* pick_receiver(const std::string& account);
};

} // namespace twinsms::sim
