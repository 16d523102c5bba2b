#pragma once
// Command line of twinsms-smsc-sim, parsed into a simulator config plus the
// executable's own settings. Library code so tests can check the parsing.
#include <optional>
#include <string>
#include <vector>

#include "smsc_sim.hpp"
#include "tls/context.hpp"

namespace twinsms::sim {

struct cli_options {
    smsc_config sim;
    std::string log_level = "info";
    bool stats = false;                  // one logfmt stats line per second on stdout
    milliseconds mo_every{0};            // periodic MO; 0 = off
    std::string mo_account, mo_from = "447700900000", mo_to = "12345", mo_text = "hello from the sim";
    unsigned throttle_every = 0;
    std::optional<command_status> fail_status;
    bool drop = false;
    milliseconds response_delay{0};
    bool help = false;
    tls::server_settings tls; // --tls-cert/--tls-key: SMPP over TLS (main builds the context)
};

// argv[0] is skipped. On error returns nullopt and fills `error`.
std::optional<cli_options> parse_cli(int argc, const char* const* argv, std::string& error);
std::string cli_usage();

} // namespace twinsms::sim
