#pragma once
// The simulator's line-based control channel (stdin of twinsms-smsc-sim) and
// its stats output, as library code so tests drive it without a process.
//
// Commands (one per line, words separated by blanks):
//   throttle N | throttle off | throttle for MS
//   fail STATUS [EVERY] | fail off        STATUS: 0x45, 69, ESME_RSUBMITFAIL, SUBMITFAIL
//   drop on|off                           read submits, never answer
//   enquire on|off                        answer enquire_link or ignore it
//   refuse STATUS | refuse off            refuse binds with STATUS
//   delay MS                              answer submits MS later (0 = at once)
//   receipt-delay MS
//   receipt-state STATE[:ERR] [PREFIX]    e.g. "receipt-state UNDELIV:1 4479"
//   mo ACCOUNT FROM TO TEXT...            TEXT is the rest of the line
//   reset                                 all faults off
//   close                                 drop every connection
//   stats | help | quit
#include <optional>
#include <string>
#include <string_view>

#include "smsc_sim.hpp"

namespace twinsms::sim {

struct control_reply {
    bool ok = true;
    bool quit = false;
    std::string text; // one line, "ok ..." or "error: ..."
};

control_reply run_command(smsc_simulator& sim, std::string_view line);

// "0x45", "69", "ESME_RSUBMITFAIL" or "SUBMITFAIL" (any case).
std::optional<command_status> parse_status(std::string_view s);

// One logfmt line: counters, sessions, pending deliveries; with `prev` and
// the seconds since it, per-second rates too.
std::string stats_logfmt(const smsc_simulator& sim, const sim_counters* prev = nullptr, double seconds = 0);
// The final "name: value unit" block, one per line.
std::string stats_block(const smsc_simulator& sim, double uptime_seconds);

} // namespace twinsms::sim
