#pragma once
// The SMPP gateway that third-party ESMEs (Kannel) are tested against, run
// as a process: "an SMPP server on 127.0.0.1:port where `client` may bind,
// whose carrier is the SMSC on carrier_port". Today that is the engine relay
// (tools/relay, twinsms-demo-relay); start_gateway() is the one place that
// changes when twinsmsd --config DIR replaces it.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "interop/child_process.hpp"

#ifndef TWINSMS_RELAY_EXE
#error "TWINSMS_RELAY_EXE must name the twinsms-demo-relay executable"
#endif

namespace twinsms::test {

struct smpp_credentials {
    std::string system_id, password;
};

struct gateway_spec {
    std::uint16_t port = 0;         // client-facing SMPP port on 127.0.0.1
    std::uint16_t carrier_port = 0; // the carrier SMSC (our simulator) on 127.0.0.1
    smpp_credentials client;        // the account the ESME under test binds with
    smpp_credentials carrier;       // how the gateway binds to the carrier
    std::filesystem::path dir;      // scratch space for config and logs
};

// A port nothing listens on right now: bind port 0 on loopback, read it,
// close. For processes that must be told their port up front; another
// process could take it meanwhile, which on a test machine is rare.
inline std::uint16_t free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("free_loopback_port: socket");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("free_loopback_port: bind");
    return ntohs(a.sin_port);
}

// Whether something accepts TCP connections on 127.0.0.1:port (a loopback
// connect answers at once: accepted or refused).
inline bool loopback_listening(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// Whether a socket listens on 127.0.0.1:port (or any address), read from
// /proc/net/tcp without connecting: some servers log a probe connection
// that closes at once as an error (bearerbox: "Connection to box broke").
inline bool port_in_listen_state(std::uint16_t port) {
    std::ifstream in{"/proc/net/tcp"};
    std::string line;
    std::getline(in, line); // header
    char want_lo[32], want_any[32];
    std::snprintf(want_lo, sizeof want_lo, "0100007F:%04X", port);
    std::snprintf(want_any, sizeof want_any, "00000000:%04X", port);
    while (std::getline(in, line)) {
        std::istringstream f{line};
        std::string slot, local, remote, state;
        f >> slot >> local >> remote >> state;
        if (state == "0A" && (local == want_lo || local == want_any)) return true; // TCP_LISTEN
    }
    return false;
}

// Starts the gateway; the caller waits for loopback_listening(spec.port)
// and stops it with SIGTERM (then kill) when done.
inline std::unique_ptr<child_process> start_gateway(const gateway_spec& g) {
    // twinsms-demo-relay LISTEN_PORT CARRIER_PORT CLIENT_ID CLIENT_PW CARRIER_ID CARRIER_PW;
    // it sends MO of the carrier to CLIENT_ID, and receipts to whoever submitted.
    return std::make_unique<child_process>(std::vector<std::string>{
        TWINSMS_RELAY_EXE, std::to_string(g.port), std::to_string(g.carrier_port), g.client.system_id,
        g.client.password, g.carrier.system_id, g.carrier.password});
}

} // namespace twinsms::test
