#pragma once
// A strict parser of the Prometheus text format 0.0.4 for the /metrics
// tests: every line a # HELP, a # TYPE or a sample `name{label="value",...}
// value`, a TYPE before a family's samples, a family's samples together,
// no duplicate series, and histograms whole: name_bucket{le} cumulative
// with ascending le up to "+Inf", name_count equal to it, name_sum present.
#include <cstdlib>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace twinsms::test {

struct sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
    std::string family; // name, or the histogram's for _bucket/_sum/_count
};

struct histogram_series {
    std::vector<std::pair<double, double>> buckets; // (le, cumulative count), +Inf last
    double sum = 0, count = 0;
};

struct exposition {
    std::vector<sample> samples;
    std::map<std::string, std::string> types; // family name -> type
    std::vector<std::string> errors;          // "line N: why"

    const sample* find(std::string_view name, const std::map<std::string, std::string>& labels = {}) const {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return &s;
        return nullptr;
    }
    // The histogram `name` with these labels (le aside), if present.
    std::optional<histogram_series> histogram(std::string_view name, const std::map<std::string, std::string>& labels = {}) const {
        histogram_series h;
        bool any = false;
        for (const auto& s : samples) {
            if (s.family != name) continue;
            auto l = s.labels;
            const auto le = l.find("le");
            std::string le_value;
            if (le != l.end()) le_value = le->second, l.erase(le);
            if (l != labels) continue;
            any = true;
            if (s.name.ends_with("_bucket")) h.buckets.emplace_back(le_value == "+Inf" ? 1e300 : std::strtod(le_value.c_str(), nullptr), s.value);
            else if (s.name.ends_with("_sum")) h.sum = s.value;
            else if (s.name.ends_with("_count")) h.count = s.value;
        }
        if (!any) return std::nullopt;
        return h;
    }
};

inline bool valid_name(std::string_view n) {
    static const std::regex re{"[a-zA-Z_:][a-zA-Z0-9_:]*"};
    return std::regex_match(n.begin(), n.end(), re);
}
inline bool valid_label_name(std::string_view n) {
    static const std::regex re{"[a-zA-Z_][a-zA-Z0-9_]*"};
    return std::regex_match(n.begin(), n.end(), re);
}

namespace detail {
// The family a sample name belongs to: itself when typed, else the
// histogram it is a _bucket, _sum or _count of; empty when none.
inline std::string family_of(const exposition& e, const std::string& name) {
    if (e.types.count(name)) return e.types.at(name) == "histogram" ? std::string{} : name;
    for (std::string_view suffix : {"_bucket", "_sum", "_count"})
        if (name.size() > suffix.size() && name.ends_with(suffix)) {
            const auto base = name.substr(0, name.size() - suffix.size());
            if (e.types.count(base) && e.types.at(base) == "histogram") return base;
        }
    return {};
}

inline void check_histograms(exposition& e) {
    std::map<std::pair<std::string, std::map<std::string, std::string>>, bool> seen;
    for (const auto& s : e.samples) {
        if (e.types.at(s.family) != "histogram") continue;
        auto l = s.labels;
        l.erase("le");
        if (seen.count({s.family, l})) continue;
        seen[{s.family, l}] = true;
        const auto where = s.family + "{...}";
        const auto h = e.histogram(s.family, l);
        if (!h || h->buckets.empty()) { e.errors.push_back(where + ": no buckets"); continue; }
        for (std::size_t i = 1; i < h->buckets.size(); ++i) {
            if (h->buckets[i].first <= h->buckets[i - 1].first) e.errors.push_back(where + ": le not ascending");
            if (h->buckets[i].second < h->buckets[i - 1].second) e.errors.push_back(where + ": buckets not cumulative");
        }
        if (h->buckets.back().first != 1e300) e.errors.push_back(where + ": no le=\"+Inf\" bucket last");
        if (!e.find(s.family + "_count", l) || !e.find(s.family + "_sum", l)) e.errors.push_back(where + ": no _count or _sum");
        else if (h->count != h->buckets.back().second) e.errors.push_back(where + ": _count is not le=\"+Inf\"");
    }
}
} // namespace detail

// Parses `text` strictly; anything not the format is in errors.
inline exposition parse(const std::string& text) {
    exposition e;
    std::istringstream in{text};
    std::string line, current_family;
    std::set<std::string> done_families;
    int no = 0;
    auto fail = [&](const std::string& why) { e.errors.push_back("line " + std::to_string(no) + ": " + why + ": " + line); };
    if (!text.empty() && text.back() != '\n') e.errors.push_back("does not end in a newline");
    while (std::getline(in, line)) {
        ++no;
        if (line.empty()) { fail("empty line"); continue; }
        if (line[0] == '#') {
            std::istringstream l{line};
            std::string hash, kind, name, rest;
            l >> hash >> kind >> name;
            std::getline(l, rest);
            if (hash != "#" || (kind != "HELP" && kind != "TYPE") || !valid_name(name)) { fail("bad comment"); continue; }
            if (kind == "TYPE") {
                if (rest != " counter" && rest != " gauge" && rest != " histogram") { fail("bad type"); continue; }
                if (e.types.count(name)) fail("second TYPE");
                e.types[name] = rest.substr(1);
            }
            continue;
        }
        sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
        s.name = line.substr(0, i);
        if (!valid_name(s.name)) { fail("bad metric name"); continue; }
        bool ok = true;
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (ok && i < line.size() && line[i] != '}') {
                const auto eq = line.find('=', i);
                if (eq == std::string::npos) { ok = false; break; }
                const auto lname = line.substr(i, eq - i);
                if (!valid_label_name(lname) || eq + 1 >= line.size() || line[eq + 1] != '"') { ok = false; break; }
                std::string value;
                std::size_t j = eq + 2;
                for (; j < line.size() && line[j] != '"'; ++j) {
                    if (line[j] == '\\') {
                        if (++j >= line.size()) { ok = false; break; }
                        if (line[j] == 'n') value += '\n';
                        else if (line[j] == '\\' || line[j] == '"') value += line[j];
                        else { ok = false; break; }
                    } else {
                        value += line[j];
                    }
                }
                if (!ok || j >= line.size()) { ok = false; break; }
                if (s.labels.count(lname)) ok = false;
                s.labels[lname] = value;
                i = j + 1;
                if (i < line.size() && line[i] == ',') ++i;
                else if (i >= line.size() || line[i] != '}') ok = false;
            }
            if (!ok || i >= line.size()) { fail("bad labels"); continue; }
            ++i; // '}'
        }
        if (i >= line.size() || line[i] != ' ') { fail("no value"); continue; }
        const auto v = line.substr(i + 1);
        char* end = nullptr;
        if (v == "NaN" || v == "+Inf" || v == "-Inf") s.value = 0;
        else {
            s.value = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0') { fail("bad value"); continue; }
        }
        s.family = detail::family_of(e, s.name);
        if (s.family.empty()) { fail("sample without a TYPE before it"); continue; }
        if (s.family != current_family) {
            if (done_families.count(s.family)) fail("family not together");
            if (!current_family.empty()) done_families.insert(current_family);
            current_family = s.family;
        }
        const bool is_bucket = e.types.at(s.family) == "histogram" && s.name == s.family + "_bucket";
        if (is_bucket != (s.labels.count("le") == 1)) fail("le label on a non-bucket sample, or a bucket without one");
        for (const auto& o : e.samples)
            if (o.name == s.name && o.labels == s.labels) fail("duplicate sample");
        e.samples.push_back(std::move(s));
    }
    detail::check_histograms(e);
    return e;
}

inline std::string errors_of(const exposition& e) {
    std::string s;
    for (const auto& x : e.errors) s += "\n  " + x;
    return s;
}

} // namespace twinsms::test
