#pragma once
// Command line of twinsms-load.
#include <cstdint>
#include <optional>
#include <string>

namespace twinsms::load {

enum class bind_kind { transmitter, transceiver };

struct load_options {
    std::string host = "127.0.0.1";
    std::string port = "2775";
    std::string system_id = "load";
    std::string password = "loadpw";
    unsigned binds = 1;
    unsigned window = 100;        // outstanding submit_sm per bind
    double rate = 0;              // msg/s offered over all binds; 0: as fast as the windows allow
    double duration_s = 5;        // sending time, unless count is set
    std::uint64_t count = 0;      // total messages; 0: send for duration_s
    std::uint8_t registered_delivery = 0;
    bind_kind bind = bind_kind::transceiver; // trx receives the receipts on the same binds
    double receipt_wait_s = -1;   // after sending; -1: 10 s when receipts are asked for, else 0
    double connect_wait_s = 0;    // keep retrying a refused connect for this long (a server starting up)
    std::string from = "TWLOAD";
    std::string to = "447700900001";
    std::string text = "twinsms load test message";
    bool help = false;
};

// nullopt (and `err` set) on a bad command line.
std::optional<load_options> parse_load_options(int argc, char** argv, std::string& err);
std::string load_usage();

} // namespace twinsms::load
