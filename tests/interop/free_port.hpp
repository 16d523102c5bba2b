#pragma once
// Ports for the daemons a test starts, chosen by the test because the
// daemons read them from profile files written before they run.
//
// Why not bind(0) and close: the kernel hands bind(0) ports out of the
// ephemeral range, the range every connect() on the machine draws from too.
// Between the probe's close and the daemon's bind, the other node's
// connection to the carrier or a parallel test's client can take the port
// (CI saw site2 die on "bind: Address already in use"). A port below the
// ephemeral range is never given to connect(), and an flock on one file per
// port (held until this process exits) keeps parallel tests off each other's.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace twinsms::test {

// The lowest ephemeral port (connect() never picks one below it).
inline std::uint16_t ephemeral_low() {
    std::ifstream f{"/proc/sys/net/ipv4/ip_local_port_range"};
    unsigned low = 0;
    return f >> low && low > 12000 && low <= 65535 ? static_cast<std::uint16_t>(low) : 32768;
}

// Whether `port` on `addr` can be bound now.
inline bool port_bindable(const char* addr, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = ::inet_addr(addr);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// A port on `addr` that is free now, that no connect() will take, and that
// no other test process holds. The reservation lasts for the process.
inline std::uint16_t free_port(const char* addr = "127.0.0.1") {
    static const std::string dir = "/tmp/twinsms-test-ports";
    ::mkdir(dir.c_str(), 01777);
    const unsigned first = 12000, span = ephemeral_low() - first;
    static std::minstd_rand rng{static_cast<unsigned>(::getpid()) * 2654435761u ^ static_cast<unsigned>(::time(nullptr))};
    unsigned at = rng() % span;
    for (unsigned tried = 0; tried < span; ++tried, at = (at + 1) % span) {
        const auto port = static_cast<std::uint16_t>(first + at);
        const int fd = ::open((dir + "/" + std::to_string(port)).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) { ::close(fd); continue; } // another test holds it
        if (port_bindable(addr, port)) { rng.discard(7); return port; }     // fd stays open: the reservation
        ::close(fd);
    }
    throw std::runtime_error{std::string{"no free port on "} + addr};
}

} // namespace twinsms::test
