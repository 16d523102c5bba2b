#pragma once
// The SMPP gateway that third-party ESMEs (Kannel) are tested against, run
// as a process: "an SMPP server on 127.0.0.1:port where `client` may bind,
// whose carrier is the SMSC on carrier_port". That is twinsmsd, started on
// a profile folder written here; start_gateway() is the one place that
// knows which gateway runs and how it is configured.
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
#include "interop/free_port.hpp"

#ifndef TWINSMSD_EXE
#error "TWINSMSD_EXE must name the twinsmsd executable"
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
    std::filesystem::path dir;      // scratch space: the profile folder goes in dir/twinsmsd
    // More keys for the client's and the carrier's profile (YAML lines
    // indented two spaces): the operator rules, for the tests with them on.
    std::string client_yaml, carrier_yaml;
};

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

// The profile folder twinsmsd runs on (the layout of profiles/demo): one
// node listening on 127.0.0.1:port with its store inside the folder, the
// ESME's account, one carrier (the simulator) that every MT route goes to,
// and every MO routed to the ESME's account. Returns the folder.
inline std::filesystem::path write_gateway_profiles(const gateway_spec& g) {
    namespace fs = std::filesystem;
    const fs::path dir = g.dir / "twinsmsd";
    fs::create_directories(dir / "clients");
    fs::create_directories(dir / "carriers");
    auto write = [](const fs::path& file, const std::string& text) {
        std::ofstream out{file};
        out << text;
        if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
    };
    write(dir / "node.yaml", "node:\n"
                             "  id: interop\n"
                             "  role: primary\n"
                             "  listen: [127.0.0.1:" + std::to_string(g.port) + "]\n"
                             "  store:\n"
                             "    path: store          # relative: inside this folder, removed with it\n"
                             "    map_size_mb: 64\n"
                             "    durability: sync\n"
                             "  client_sessions:\n"
                             "    window: 100\n"
                             "    enquire_link_interval: 30s\n"
                             "  log_level: info\n");
    // The file's stem is the profile name the mo: rule below refers to.
    write(dir / "clients" / (g.client.system_id + ".yaml"), "client:\n"
                                                          "  state: active\n"
                                                          "  system_id: " + g.client.system_id + "\n"
                                                          "  password: " + g.client.password + "\n"
                                                          "  binds: [transmitter, receiver, transceiver]\n" +
                                                          g.client_yaml);
    // Reconnect quickly: the fixture waits for this bind before starting
    // the ESME, and the simulator is listening already.
    write(dir / "carriers" / "sim.yaml", "carrier:\n"
                                         "  state: active\n"
                                         "  host: 127.0.0.1\n"
                                         "  port: " + std::to_string(g.carrier_port) + "\n"
                                         "  bind: transceiver\n"
                                         "  system_id: " + g.carrier.system_id + "\n"
                                         "  password: " + g.carrier.password + "\n"
                                         "  window: 50\n"
                                         "  enquire_link_interval: 5s\n"
                                         "  reconnect: {initial: 100ms, max: 1s}\n" +
                                         g.carrier_yaml);
    write(dir / "routes.yaml", "routes:\n"
                               "  - name: all\n"
                               "    carriers: [sim]\n"
                               "mo:\n"
                               "  - name: all-mo\n"
                               "    client: " + g.client.system_id + "\n");
    return dir;
}

// Starts the gateway: twinsmsd --config DIR on the folder above. The caller
// waits for loopback_listening(spec.port) (failing at once if the child
// exited: exit 3 is a profile it refused, 4 an unusable port or store) and
// stops it with SIGTERM (then kill) when done.
inline std::unique_ptr<child_process> start_gateway(const gateway_spec& g) {
    const auto dir = write_gateway_profiles(g);
    return std::make_unique<child_process>(std::vector<std::string>{TWINSMSD_EXE, "--config", dir.string()});
}

} // namespace twinsms::test
