#pragma once
// TLS sections of the profiles. The files they name are loaded once while
// reading (with the node's own OpenSSL code), so a missing file, a bad PEM
// or a key that does not match its certificate is a config error at
// --check and reload, not a surprise at the first connection.
//
//   node.tls:     {certificate, private_key, client_ca, handshake_timeout}
//   carrier.tls:  {enabled, ca_file, verify_peer, server_name, certificate, private_key, handshake_timeout}
//
// A relative file path is relative to the profile folder (`base`), like the
// store path, so a folder can be copied and run anywhere.
#include <filesystem>

#include "tls/context.hpp"

namespace twinsms::config {

class reader;
tls::server_settings read_server_tls(const reader& r, const std::filesystem::path& base);
tls::client_settings read_client_tls(const reader& r, const std::filesystem::path& base);

} // namespace twinsms::config
