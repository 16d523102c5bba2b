#pragma once
// SMPP session settings as plain data: what a profile says about a link
// (window, timeouts, keepalive). smpp/session uses these structs as its
// session_config, so config needs nothing from the session code.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace twinsms::config {

// Which directions a bind covers (SMPP 3.4 bind_transmitter/receiver/transceiver).
enum class bind_type { transmitter, receiver, transceiver };

struct keepalive_settings {
    std::chrono::milliseconds interval{30'000}; // 0 disables probing and death
    unsigned misses = 3;
    std::chrono::milliseconds inactivity{0}; // 0 = off; no traffic other than keepalive
};

struct codec_settings {
    std::uint32_t max_pdu_size = 64 * 1024; // smpp::default_max_pdu_size
};

struct session_settings {
    std::string name;          // for logs: account, carrier or peer name
    std::string system_id = "twinsms"; // returned in bind_resp (smsc role)
    codec_settings codec{};
    std::size_t window = 100;  // outstanding requests we send
    std::chrono::milliseconds response_timeout{30'000};
    keepalive_settings keepalive{};
    std::chrono::milliseconds bind_timeout{30'000};   // smsc role: must bind within this
    // Graceful unbind: bounds the drain of outstanding requests, then
    // (afresh) the wait for unbind_resp.
    std::chrono::milliseconds unbind_timeout{5'000};
    // Requests the peer may have outstanding with us; beyond this we answer
    // ESME_RTHROTTLED instead of queueing without bound.
    std::size_t max_incoming_pending = 1000;
    // Stop reading while this many encoded bytes wait to be written (the
    // peer is not reading its responses).
    std::size_t write_high_water = 4 * 1024 * 1024;
};

} // namespace twinsms::config
