// Codec throughput: encode + decode of one submit_sm (160-char text, two
// TLVs), ours and libsmpp34's side by side on the same PDU, single thread.
// Prints per-op figures, then headline `name: value unit` lines. Rates are
// per CPU second of the benchmark thread, so other load on a shared machine
// does not masquerade as codec cost; wall-clock rates are printed too.
//
//   codec_bench [seconds per headline run = 2]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "codec_bench_libsmpp34.hpp"
#include "smpp/codec/codec.hpp"

using namespace twinsms;
using namespace twinsms::smpp;
using clock_type = std::chrono::steady_clock;

namespace {

enum class op { encode, decode, encode_decode };

struct result {
    double ops_per_s;     // per CPU second of this thread
    double ns_per_op;     // CPU time
    double wall_ops_per_s;
    double cpu_share;     // CPU time / wall time: below 1 when the machine is busy
};

result make_result(std::uint64_t ops, const bench::run_time& t) {
    return {ops / t.cpu, t.cpu * 1e9 / ops, ops / t.wall, t.cpu / t.wall};
}

pdu sample_pdu(const bench::sample_fields& f) {
    submit_sm s;
    s.source_addr_ton = 1;
    s.source_addr_npi = 1;
    s.source_addr = f.source_addr;
    s.dest_addr_ton = 1;
    s.dest_addr_npi = 1;
    s.destination_addr = f.destination_addr;
    s.registered_delivery = 1;
    s.short_message = f.short_message;
    s.tlvs.push_back(tlv::u16(tag::user_message_reference, f.user_message_reference));
    s.tlvs.push_back(tlv::u16(tag::source_port, f.source_port));
    pdu p;
    p.sequence_number = f.sequence_number;
    p.body = s;
    return p;
}

// The sequence number changes every iteration and a checksum of decoded
// fields is kept, so neither side can be optimised into a constant.
result run_ours(pdu p, op what, double seconds, std::uint64_t& checksum) {
    std::uint8_t buf[1024];
    std::size_t len = 0;
    if (encode(p, buf, len)) std::abort();
    pdu out;
    std::uint64_t ops = 0;
    const double cpu_start = bench::thread_cpu_seconds();
    const auto start = clock_type::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    do {
        for (int i = 0; i < 1024; ++i) {
            p.sequence_number = static_cast<std::uint32_t>(ops + i + 1);
            if (what != op::decode && encode(p, buf, len)) std::abort();
            if (what != op::encode) {
                if (decode({buf, len}, out)) std::abort();
                checksum += out.sequence_number + out.as<submit_sm>()->short_message.size();
            } else {
                checksum += buf[15];
            }
        }
        ops += 1024;
    } while (clock_type::now() < until);
    return make_result(ops, {std::chrono::duration<double>(clock_type::now() - start).count(),
                             bench::thread_cpu_seconds() - cpu_start});
}

result run_libsmpp34(const bench::sample_fields& f, bench::l34_op what, double seconds) {
    bench::run_time t;
    const std::uint64_t ops = bench::libsmpp34_run(f, what, seconds, t);
    return make_result(ops, t);
}

void print(const char* name, const result& r) {
    std::printf("  %-26s %12.0f ops/s %9.1f ns/op   (wall %12.0f ops/s, cpu share %3.0f%%)\n", name, r.ops_per_s,
                r.ns_per_op, r.wall_ops_per_s, r.cpu_share * 100);
}

} // namespace

int main(int argc, char** argv) {
    const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::string text(160, 'x');
    const bench::sample_fields fields{1, "447700900123", "447700900456", text, 0x1234, 8080};
    const pdu p = sample_pdu(fields);

    // Both sides must be measuring the very same PDU.
    std::vector<std::uint8_t> ours;
    if (encode(p, ours)) return 1;
    if (ours != bench::libsmpp34_encode(fields)) {
        std::fprintf(stderr, "codec_bench: libsmpp34 and twinsms encode the sample differently\n");
        return 1;
    }
    std::printf("codec_bench: submit_sm, 160-char short_message, 2 TLVs, %zu bytes; single thread\n", ours.size());
    std::printf("rates per CPU second of the benchmark thread; wall-clock rates alongside\n");
    std::printf("per-operation figures (%.2f s each):\n", seconds / 4);
    std::uint64_t checksum = 0;
    print("twinsms encode", run_ours(p, op::encode, seconds / 4, checksum));
    print("twinsms decode", run_ours(p, op::decode, seconds / 4, checksum));
    print("libsmpp34 smpp34_pack", run_libsmpp34(fields, bench::l34_op::pack, seconds / 4));
    print("libsmpp34 smpp34_unpack", run_libsmpp34(fields, bench::l34_op::unpack, seconds / 4));
    std::printf("encode + decode (%.2f s each):\n", seconds);
    const result a = run_ours(p, op::encode_decode, seconds, checksum);
    print("twinsms encode+decode", a);
    const result b = run_libsmpp34(fields, bench::l34_op::pack_unpack, seconds);
    print("libsmpp34 pack+unpack", b);
    std::printf("(checksum %llu)\n", static_cast<unsigned long long>(checksum));
    std::printf("twinsms_codec_encode_decode: %.0f ops/s\n", a.ops_per_s);
    std::printf("libsmpp34_encode_decode: %.0f ops/s\n", b.ops_per_s);
    std::printf("ratio: %.0f x\n", a.ops_per_s / b.ops_per_s);
    return 0;
}
