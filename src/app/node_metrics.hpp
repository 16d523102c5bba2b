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

namespace twinsms::alert {
class alerter;
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
    // type: "counter" or "gauge"
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(labels l, std::uint64_t value);
    void sample(labels l, double value);
    void sample(std::uint64_t value) { sample(labels{}, value); }
    const std::string& text() const noexcept { return out_; }
    std::string take() noexcept { return std::move(out_); }

private:
    void sample_prefix(labels l);
    std::string out_;
    std::string name_;
};

// Every twinsms_* metric of `n`, and of `alerts` when not null.
std::string render_metrics(node& n, const alert::alerter* alerts);

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

// The GET /metrics handler for the admin listener. It requires the admin
// Bearer token like every admin endpoint but /api/v1/health (a Prometheus
// scrape job sends it with `authorization: {credentials: <token>}`); there
// is deliberately no setting to make it public. `n`, `alerts` (may be null)
// must outlive the router.
http::handler metrics_handler(node& n, const alert::alerter* alerts, std::string token);

} // namespace twinsms::app
