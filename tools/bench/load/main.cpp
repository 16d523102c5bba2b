// twinsms-load: an SMPP load generator on our own session layer. Binds N
// sessions to an SMPP server, submits at an offered rate (or as fast as the
// windows allow) for a duration or a message count, and reports
// submit_sm_resp statuses, throughput, response latency percentiles and
// delivery receipts, ending with `name: value unit` headline lines.
//
//   twinsms-load --port 2775 --system-id load --password loadpw
//                --binds 4 --window 100 --rate 0 --duration 5 --registered-delivery 1
#include <cstdio>
#include <string>

#include "load_run.hpp"
#include "util/log.hpp"

using namespace twinsms;
using namespace twinsms::load;

namespace {

double ms(std::uint32_t micros) { return static_cast<double>(micros) / 1000.0; }
double per_second(std::uint64_t n, double s) { return s > 0 ? static_cast<double>(n) / s : 0.0; }
unsigned long long ull(std::uint64_t v) { return static_cast<unsigned long long>(v); }
std::string fmt_seconds(double s) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", s);
    return b;
}

void report(const load_options& o, const load_result& r) {
    std::printf("binds: %u ok, %u failed%s%s\n", r.binds_ok, r.binds_failed, r.bind_error.empty() ? "" : ": ",
                r.bind_error.c_str());
    std::printf("offered: %s, %s, window %u per bind, registered_delivery %u, %s binds%s\n",
                o.rate > 0 ? (std::to_string(static_cast<long long>(o.rate)) + " msg/s").c_str() : "max rate",
                o.count > 0 ? (std::to_string(o.count) + " messages").c_str()
                            : (fmt_seconds(o.duration_s) + " s").c_str(),
                o.window, static_cast<unsigned>(o.registered_delivery),
                o.bind == bind_kind::transceiver ? "trx" : "tx", r.interrupted ? " (interrupted)" : "");
    std::printf("sent %llu submit_sm in %.3f s; answered ESME_ROK %llu", ull(r.sent), r.sent ? r.send_seconds : 0.0,
                ull(r.ok));
    for (const auto& [st, n] : r.refused) std::printf(", %s %llu", smpp::status_name(st).c_str(), ull(n));
    for (const auto& [why, n] : r.transport_errors) std::printf(", no response (%s) %llu", why.c_str(), ull(n));
    std::printf("\n");
    const auto& l = r.response_latency;
    std::printf("submit_sm_resp latency (ms): p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  (%zu samples)\n",
                ms(l.quantile(0.5)), ms(l.quantile(0.9)), ms(l.quantile(0.99)), ms(l.quantile(0.999)), ms(l.max()),
                l.size());
    std::printf("receipts: %llu of %llu due (%llu matched to a submit), MO: %llu\n", ull(r.receipts),
                ull(r.receipts_due), ull(r.receipts_matched), ull(r.mo));
    if (r.receipt_latency.size() > 0)
        std::printf("receipt latency from submit (ms): p50 %.3f  p99 %.3f  max %.3f\n",
                    ms(r.receipt_latency.quantile(0.5)), ms(r.receipt_latency.quantile(0.99)),
                    ms(r.receipt_latency.max()));

    std::uint64_t errors = 0;
    for (const auto& [st, n] : r.refused) errors += n;
    for (const auto& [why, n] : r.transport_errors) errors += n;
    std::printf("load_binds: %u binds\n", r.binds_ok);
    std::printf("load_sent: %llu msgs\n", ull(r.sent));
    std::printf("load_submit_ok: %llu msgs\n", ull(r.ok));
    std::printf("load_submit_errors: %llu msgs\n", ull(errors));
    std::printf("load_throughput: %.0f msg/s\n", per_second(r.ok, r.response_seconds));
    std::printf("load_submit_resp_p50: %.3f ms\n", ms(l.quantile(0.5)));
    std::printf("load_submit_resp_p99: %.3f ms\n", ms(l.quantile(0.99)));
    std::printf("load_submit_resp_p999: %.3f ms\n", ms(l.quantile(0.999)));
    std::printf("load_receipts: %llu msgs\n", ull(r.receipts));
    std::printf("load_receipt_rate: %.0f msg/s\n", per_second(r.receipts, r.receipt_seconds));
    if (r.receipt_latency.size() > 0)
        std::printf("load_receipt_p99: %.3f ms\n", ms(r.receipt_latency.quantile(0.99)));
}

} // namespace

int main(int argc, char** argv) {
    std::string err;
    auto o = parse_load_options(argc, argv, err);
    if (!o) {
        std::fprintf(stderr, "twinsms-load: %s\n%s", err.c_str(), load_usage().c_str());
        return 2;
    }
    if (o->help) {
        std::fputs(load_usage().c_str(), stdout);
        return 0;
    }
    log::set_level(log::level::warn);
    const load_result r = run_load(*o);
    report(*o, r);
    std::fflush(stdout);
    return r.binds_failed == 0 && r.ok > 0 ? 0 : 1;
}
