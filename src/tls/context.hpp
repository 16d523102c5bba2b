#pragma once
// TLS settings as the profiles give them, and the OpenSSL contexts built
// from them (Boost.Asio ssl over OpenSSL; TLS 1.2 and later only).
//
// Settings are plain structs (config keeps them, reload compares them); a
// context is built from the files each time one is needed, so a certificate
// renewed in place is picked up by the next listener start, reload or
// carrier reconnect. This header pulls in no OpenSSL headers.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace twinsms::tls {

// Our side of a TLS listener (SMPP listen_tls, the admin API over HTTPS).
struct server_settings {
    std::string certificate; // PEM: our certificate, then any intermediates
    std::string private_key; // PEM, not encrypted
    std::string client_ca;   // PEM CAs; set: clients must present a certificate one of them signed
    // From accept until the handshake is done; a silent client is closed then.
    std::chrono::milliseconds handshake_timeout{10'000};
    bool operator==(const server_settings&) const = default;
};

// Our side of a TLS connection to a carrier (or to the primary on the peer link).
struct client_settings {
    bool enabled = false;
    std::string ca_file;     // PEM CAs to trust; empty: the system's trust store
    bool verify_peer = true; // check the chain and that it names server_name
    std::string server_name; // SNI and the name (or IP address) checked; empty: the carrier's host
    std::string certificate; // optional client certificate (PEM) ...
    std::string private_key; // ... and its key
    std::chrono::milliseconds handshake_timeout{10'000};
    bool operator==(const client_settings&) const = default;
};

// A context that could not be built. `key` names the setting at fault
// ("certificate", "private_key", "client_ca", "ca_file"), for the config
// loader to point at; what() says why, with the file.
class setup_error : public std::runtime_error {
public:
    setup_error(std::string key, const std::string& what) : std::runtime_error{what}, key_{std::move(key)} {}
    const std::string& key() const noexcept { return key_; }

private:
    std::string key_;
};

// Throw setup_error.
std::shared_ptr<boost::asio::ssl::context> server_context(const server_settings& s);
std::shared_ptr<boost::asio::ssl::context> client_context(const client_settings& s);

// The notAfter of the certificate `ctx` presents (the first of its chain),
// in seconds since the Unix epoch; nullopt when it has none. What the
// context loaded, not the file as it is now: a renewal that was never
// reloaded still shows the old expiry (twinsms_tls_certificate_expiry_timestamp_seconds).
std::optional<std::int64_t> certificate_not_after(const boost::asio::ssl::context& ctx);

} // namespace twinsms::tls
