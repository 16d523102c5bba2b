#pragma once
// libsmpp34's side of codec_bench, in its own translation unit because
// libsmpp34's headers define ~160 macros (U32, C_OCTET, Reserved, ...).
#include <cstdint>
#include <string_view>
#include <vector>

namespace twinsms::bench {

// The PDU codec_bench measures, field values shared by both sides.
struct sample_fields {
    std::uint32_t sequence_number;
    std::string_view source_addr;
    std::string_view destination_addr;
    std::string_view short_message;
    std::uint16_t user_message_reference;
    std::uint16_t source_port;
};

enum class l34_op { pack, unpack, pack_unpack };

// smpp34_pack of the sample, to check both sides encode the same bytes.
std::vector<std::uint8_t> libsmpp34_encode(const sample_fields& f);

// Wall and thread CPU time of a run. The machines this runs on are shared,
// so rates are computed per CPU second; on an idle machine the two agree.
struct run_time {
    double wall = 0;
    double cpu = 0;
};

// Thread CPU seconds so far (CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds();

// Runs `op` on the sample for about `seconds` of wall time; returns the
// operations done and sets `t` to the time taken.
std::uint64_t libsmpp34_run(const sample_fields& f, l34_op op, double seconds, run_time& t);

} // namespace twinsms::bench
