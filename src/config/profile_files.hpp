#pragma once
// Readers of the single profile files, shared by the parts of
// load_profiles (profiles.cpp): node.yaml (node_profile.cpp), clients and
// carriers (account_profiles.cpp). Each throws config_error with the YAML
// path and file:line:column of what is wrong. Internal to src/config.
#include <filesystem>
#include <string_view>

#include "config/profiles.hpp"
#include "config/reader.hpp"

namespace twinsms::config {

// The top-level key of a profile file, which must be the only one.
reader single_root(const std::filesystem::path& file, std::string_view key);
// Window, timeouts and keepalive of an SMPP session, over the defaults in `s`.
void read_session(const reader& r, session_settings& s);
node_profile read_node(const std::filesystem::path& file);
client_profile read_client(const std::filesystem::path& file);
carrier_profile read_carrier(const std::filesystem::path& file);
// The addressing keys (config/addressing.cpp).
numbering_settings read_numbering(const reader& r);
sender_settings read_senders(const reader& r);
std::string read_sender_override(const reader& r);
destination_settings read_destinations(const reader& r);
// quiet_hours of routes and clients (config/quiet_hours.cpp).
quiet_window read_quiet_hours(const reader& r);
// opt_out of clients (config/opt_out.cpp).
opt_out_settings read_opt_out(const reader& r);
// credit of clients (config/credit.cpp).
credit_settings read_credit(const reader& r);
// A carrier's charset key (config/charset.cpp).
sms::carrier_charset read_charset(const reader& r);

} // namespace twinsms::config
