#pragma once
// GET /metrics: the node's counters in the Prometheus text exposition
// format, version 0.0.4. The metric names are listed (and kept stable) at
// the top of node_metrics.cpp.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "http/server.hpp"
#include "metrics/histogram.hpp"

namespace twinsms::alert {
class alerter;
}
namespace twinsms::http {
class admin_http;
class admin_backend;
}

namespace twinsms::app {

class node;

// Label values escaped for the text format: backslash, double quote and
// newline become \\, \" and \n.
std::string escape_label_value(std::string_view v);

// Builds an exposition: family() writes the # HELP and # TYPE lines of a
// metric, sample() one sample of the family last started. Label names and
// the metric name are the caller's (constants); values are escaped here.
class metrics_writer {
public:
    using labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;
    // type: "counter", "gauge" or "histogram"
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(labels l, std::uint64_t value);
    void sample(labels l, double value);
    void sample(std::uint64_t value) { sample(labels{}, value); }
    // One histogram of the family last started (type "histogram"): its
    // cumulative name_bucket{..., le="..."} lines up to le="+Inf", name_sum
    // and name_count. Values are divided by `unit` (1'000'000: microseconds
    // shown as seconds).
    void histogram(labels l, const metrics::histogram_snapshot& h, std::uint64_t unit = 1);
    const std::string& text() const noexcept { return out_; }
    std::string take() noexcept { return std::move(out_); }

private:
    void sample_prefix(labels l, std::string_view suffix = {}, std::string_view le = {});
    void value(double v);
    std::string out_;
    std::string name_;
};

// Every twinsms_* metric of `n`, of `alerts` and of the admin listener
// `admin` when not null.
std::string render_metrics(node& n, const alert::alerter* alerts, const http::admin_http* admin = nullptr);

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The GET /metrics handler for the admin listener. It requires the admin
// Bearer token like every admin endpoint but /api/v1/health (a Prometheus
// scrape job sends it with `authorization: {credentials: <token>}`); there
// is deliberately no setting to make it public; `accounts` (may be null)
// also admits admin-role account tokens. `n`, `alerts`, `admin` and
// `accounts` (all but `n` may be null) must outlive the router.
http::handler metrics_handler(node& n, const alert::alerter* alerts, std::string token,
                              const http::admin_http* admin = nullptr, http::admin_backend* accounts = nullptr);

} // namespace twinsms::app
