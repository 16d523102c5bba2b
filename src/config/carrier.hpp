#pragma once
// A carrier SMSC link as plain data: where, how to bind, pacing and
// reconnect. smpp/carrier/carrier_client.hpp runs a link from it (as its
// carrier_config).
#include <chrono>
#include <cstdint>
#include <string>

#include "config/session.hpp"
#include "tls/context.hpp"
#include "util/backoff.hpp"

namespace twinsms::config {

struct carrier_settings {
    std::string name;
    std::string host = "127.0.0.1";
    std::uint16_t port = 2775;
    bind_type bind = bind_type::transceiver;
    std::string system_id;
    std::string password;
    std::string system_type;
    std::uint8_t interface_version = 0x34;
    std::uint8_t addr_ton = 0;
    std::uint8_t addr_npi = 0;
    std::string address_range;
    session_settings session{};  // window, response timeout, keepalive
    double tps = 0;              // 0: unlimited
    std::chrono::milliseconds throttle_pause{1'000};
    std::chrono::milliseconds connect_timeout{10'000};
    backoff_config reconnect{};
    tls::client_settings tls{}; // SMPP over TLS when tls.enabled
};

} // namespace twinsms::config
