#include "codec_bench_libsmpp34.hpp"

#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>

extern "C" {
#include <stdint.h>
#include <libsmpp34/smpp34.h>
#include <libsmpp34/smpp34_structs.h>
#include <libsmpp34/smpp34_params.h>
}

namespace twinsms::bench {
namespace {

template <std::size_t N> void set(std::uint8_t (&dst)[N], std::string_view v) {
    if (v.size() >= N) throw std::length_error("field too long for libsmpp34");
    std::memcpy(dst, v.data(), v.size());
    dst[v.size()] = 0;
}

// The struct plus the TLV nodes it links to, built once.
struct sample {
    submit_sm_t pdu{};
    tlv_t umr{};
    tlv_t port{};

    explicit sample(const sample_fields& f) {
        pdu.command_id = SUBMIT_SM;
        pdu.sequence_number = f.sequence_number;
        pdu.source_addr_ton = TON_International;
        pdu.source_addr_npi = NPI_ISDN_E163_E164;
        set(pdu.source_addr, f.source_addr);
        pdu.dest_addr_ton = TON_International;
        pdu.dest_addr_npi = NPI_ISDN_E163_E164;
        set(pdu.destination_addr, f.destination_addr);
        pdu.registered_delivery = 1;
        pdu.sm_length = static_cast<std::uint8_t>(f.short_message.size());
        std::memcpy(pdu.short_message, f.short_message.data(), f.short_message.size());
        umr.tag = TLVID_user_message_reference;
        umr.length = 2;
        umr.value.val16 = f.user_message_reference;
        umr.next = &port;
        port.tag = TLVID_source_port;
        port.length = 2;
        port.value.val16 = f.source_port;
        pdu.tlv = &umr;
    }
};

int pack(sample& s, std::uint8_t* buf, int size, int& len) {
    return smpp34_pack(SUBMIT_SM, buf, size, &len, &s.pdu);
}

// Unpack allocates one node per TLV; freeing them is part of the cost.
int unpack(submit_sm_t& out, const std::uint8_t* buf, int len) {
    out.tlv = nullptr;
    const int rc = smpp34_unpack(SUBMIT_SM, &out, buf, len);
    destroy_tlv(out.tlv);
    return rc;
}

} // namespace

std::vector<std::uint8_t> libsmpp34_encode(const sample_fields& f) {
    sample s{f};
    std::uint8_t buf[1024];
    int len = 0;
    if (pack(s, buf, sizeof buf, len) != 0) throw std::runtime_error(std::string{"smpp34_pack: "} + smpp34_strerror);
    return {buf, buf + len};
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::uint64_t libsmpp34_run(const sample_fields& f, l34_op op, double seconds, run_time& t) {
    using clock = std::chrono::steady_clock;
    sample s{f};
    submit_sm_t out{};
    std::uint8_t buf[1024];
    int len = 0;
    if (pack(s, buf, sizeof buf, len) != 0) throw std::runtime_error("smpp34_pack failed");
    std::uint64_t ops = 0;
    int failures = 0;
    const double cpu_start = thread_cpu_seconds();
    const auto start = clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    do {
        for (int i = 0; i < 256; ++i) {
            s.pdu.sequence_number = static_cast<std::uint32_t>(ops + i + 1);
            if (op != l34_op::unpack) failures += pack(s, buf, sizeof buf, len) != 0;
            if (op != l34_op::pack) failures += unpack(out, buf, len) != 0;
        }
        ops += 256;
    } while (clock::now() < until);
    t.wall = std::chrono::duration<double>(clock::now() - start).count();
    t.cpu = thread_cpu_seconds() - cpu_start;
    if (failures != 0) throw std::runtime_error("libsmpp34 failed during the run");
    return ops;
}

} // namespace twinsms::bench
