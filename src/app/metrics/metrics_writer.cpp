// The Prometheus text format writer of node_metrics.hpp: escaping, # HELP
// and # TYPE lines, samples and histograms.
#include "app/metrics/node_metrics.hpp"

#include <charconv>
#include <cmath>

namespace twinsms::app {

std::string escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

namespace {
// HELP text escapes backslash and newline only.
std::string escape_help(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}
} // namespace

void metrics_writer::family(std::string_view name, std::string_view type, std::string_view help) {
    name_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void metrics_writer::sample_prefix(labels l, std::string_view suffix, std::string_view le) {
    out_ += name_;
    out_ += suffix;
    if (l.size() == 0 && le.empty()) {
        out_ += ' ';
        return;
    }
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : l) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"";
        out_ += escape_label_value(v);
        out_ += '"';
    }
    if (!le.empty()) {
        if (!first) out_ += ',';
        out_ += "le=\"";
        out_ += le;
        out_ += '"';
    }
    out_ += "} ";
}

void metrics_writer::sample(labels l, std::uint64_t value) {
    sample_prefix(l);
    out_ += std::to_string(value);
    out_ += '\n';
}

void metrics_writer::value(double v) {
    if (std::isnan(v)) out_ += "NaN";
    else if (std::isinf(v)) out_ += v > 0 ? "+Inf" : "-Inf";
    else {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v);
        out_.append(buf, r.ptr);
    }
    out_ += '\n';
}

void metrics_writer::sample(labels l, double v) {
    sample_prefix(l);
    value(v);
}

void metrics_writer::histogram(labels l, const metrics::histogram_snapshot& h, std::uint64_t unit) {
    const double div = static_cast<double>(unit ? unit : 1);
    std::uint64_t cumulative = 0;
    char le[64];
    for (std::size_t i = 0; i < h.upper.size(); ++i) {
        cumulative += h.in[i];
        // Shortest fixed notation: le="0.00005", not "5e-05" (both parse;
        // this one reads). Divided, not multiplied by 1e-6, so it rounds right.
        auto r = std::to_chars(le, le + sizeof le, static_cast<double>(h.upper[i]) / div, std::chars_format::fixed);
        sample_prefix(l, "_bucket", std::string_view{le, static_cast<std::size_t>(r.ptr - le)});
        out_ += std::to_string(cumulative);
        out_ += '\n';
    }
    cumulative += h.in[h.upper.size()];
    sample_prefix(l, "_bucket", "+Inf");
    out_ += std::to_string(cumulative);
    out_ += '\n';
    sample_prefix(l, "_sum");
    value(static_cast<double>(h.sum) / div);
    sample_prefix(l, "_count");
    out_ += std::to_string(cumulative); // the buckets' total: always le="+Inf"'s
    out_ += '\n';
}

} // namespace twinsms::app
