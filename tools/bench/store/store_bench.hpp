#pragma once
// Shared by store_bench's parts: the PDU stored, clocks, RSS, a temporary
// directory, and the two scenarios besides the throughput one.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "smpp/codec/codec.hpp"
#include "store/message_store.hpp"

namespace store_bench {

using namespace twinsms;
using namespace twinsms::store;
using clock_type = std::chrono::steady_clock;

inline std::vector<std::uint8_t> submit_pdu() {
    const std::string text(160, 'x');
    smpp::pdu p{smpp::status::ok, 0, smpp::submit_sm{}};
    auto& sm = *p.as<smpp::submit_sm>();
    sm.source_addr = "12345";
    sm.destination_addr = "447700900123";
    sm.registered_delivery = 1;
    sm.short_message = text;
    std::vector<std::uint8_t> out;
    smpp::encode(p, out);
    return out;
}

inline epoch_ms now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

inline long rss_kib() {
    std::ifstream in{"/proc/self/status"};
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return -1;
}

struct temp_dir {
    std::string path;
    temp_dir() {
        const char* base = std::getenv("TMPDIR");
        path = std::string{base && *base ? base : "/tmp"} + "/twinsms-store-bench.XXXXXX";
        if (!::mkdtemp(path.data())) {
            std::perror("mkdtemp");
            std::exit(2);
        }
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
};

inline write_batch accept_batch(message_store& s, const std::vector<std::uint8_t>& pdu, epoch_ms at) {
    message m;
    m.id = s.next_message_id();
    m.account = "bench";
    m.accepted_at = at;
    m.next_attempt = at;
    m.route = "default";
    m.pdu = pdu;
    add_event(m, event{at, msg_state::accepted, 0, ""});
    write_batch b;
    b.put_message(m);
    return b;
}

struct restart_figures {
    double fill_records_per_s = 0, open_ms = 0, due_ms = 0;
    long rss_before_kib = 0, rss_open_kib = 0, rss_due_kib = 0;
    std::size_t due_count = 0;
    std::uint64_t messages = 0;
};

// (c): fill with `count` queued messages, close, reopen in a fresh process.
restart_figures run_restart(std::uint64_t count);
// That fresh process (store_bench --reopen DIR FD): open, first due(), report through `fd`.
int reopen_child(const char* path, int fd);

} // namespace store_bench
