#pragma once
// One twinsms-load run: N binds to one SMPP server, submit_sm paced by a
// shared token bucket (or as fast as each bind's window allows), every
// submit_sm_resp timed from the send, receipts counted (and timed from the
// submit when they name a message id we were given).
#include <cstdint>
#include <map>
#include <string>

#include "latency_sample.hpp"
#include "load_options.hpp"
#include "smpp/codec/command.hpp"

namespace twinsms::load {

struct load_result {
    unsigned binds_ok = 0, binds_failed = 0;
    std::string bind_error; // the first failure
    std::uint64_t sent = 0, ok = 0;
    std::map<smpp::command_status, std::uint64_t> refused;  // submit_sm_resp status != ESME_ROK
    std::map<std::string, std::uint64_t> transport_errors; // no response: timeout, closed, ...
    double send_seconds = 0;     // first send to last send
    double response_seconds = 0; // first send to last response
    latency_sample response_latency{};
    std::uint64_t receipts_due = 0;  // accepted submits that asked for a receipt (trx binds only)
    std::uint64_t receipts = 0, receipts_matched = 0, mo = 0;
    double receipt_seconds = 0;      // first send to last receipt
    latency_sample receipt_latency{}; // submit_sm sent -> receipt received
    bool interrupted = false;        // SIGINT/SIGTERM cut the sending short
};

load_result run_load(const load_options& o);

} // namespace twinsms::load
