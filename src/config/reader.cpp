#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/reader.hpp"

namespace twinsms::config {
namespace {

std::string where(const std::string& file, const YAML::Mark& m) {
    if (m.is_null()) return file;
    return file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
}

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string{key} : path + "." + std::string{key};
}

} // namespace

YAML::Node load_file(const std::string& path) {
    std::ifstream in{path};
    if (!in) throw config_error(path + ": cannot open: " + std::strerror(errno));
    try {
        return YAML::Load(in);
    } catch (const YAML::Exception& e) {
        throw config_error(where(path, e.mark) + ": " + e.msg);
    }
}

reader::reader(YAML::Node node, std::string file, std::string path)
    : node_{std::move(node)}, file_{std::move(file)}, path_{std::move(path)},
      used_{std::make_shared<std::set<std::string, std::less<>>>()} {}

reader reader::child(const YAML::Node& n, std::string path) const { return reader{n, file_, std::move(path)}; }

void reader::fail(std::string_view message) const {
    throw config_error(where(file_, node_.Mark()) + ": " + (path_.empty() ? "(top)" : path_) + ": " +
                       std::string{message});
}

bool reader::has(std::string_view key) const {
    return node_.IsMap() && node_[std::string{key}].IsDefined() && !node_[std::string{key}].IsNull();
}

std::optional<reader> reader::find(std::string_view key) const {
    if (!node_.IsMap()) fail("expected a mapping");
    used_->insert(std::string{key});
    const YAML::Node n = node_[std::string{key}];
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    return child(n, join(path_, key));
}

reader reader::at(std::string_view key) const {
    if (auto r = find(key)) return *r;
    fail("missing required key '" + std::string{key} + "'");
}

// A mapping key as a name: YAML allows any node as a key (`? {a: 1}: x`),
// a profile never has one.
std::string reader::key_of(const YAML::Node& k) const {
    if (!k.IsScalar()) throw config_error(where(file_, k.Mark()) + ": " + path_ + ": a key must be a plain name");
    return k.Scalar();
}

std::vector<std::pair<std::string, reader>> reader::entries() const {
    if (!node_.IsMap()) fail("expected a mapping");
    std::vector<std::pair<std::string, reader>> out;
    for (const auto& kv : node_) {
        auto key = key_of(kv.first);
        used_->insert(key);
        out.emplace_back(key, child(kv.second, join(path_, key)));
    }
    return out;
}

void reader::finish() const {
    if (!node_.IsMap()) return;
    for (const auto& kv : node_) {
        const auto key = key_of(kv.first);
        if (!used_->contains(key)) {
            throw config_error(where(file_, kv.first.Mark()) + ": " + join(path_, key) + ": unknown key");
        }
    }
}

std::vector<reader> reader::items() const {
    std::vector<reader> out;
    if (node_.IsScalar()) {
        out.push_back(*this);
        return out;
    }
    if (!node_.IsSequence()) fail("expected a list");
    std::size_t i = 0;
    for (const auto& n : node_) out.push_back(child(n, path_ + "[" + std::to_string(i++) + "]"));
    return out;
}

std::string reader::str() const {
    if (!node_.IsScalar()) fail("expected a string");
    return node_.Scalar();
}

std::string reader::non_empty_str() const {
    auto s = str();
    if (s.empty()) fail("must not be empty");
    return s;
}

bool reader::boolean() const {
    const auto s = str();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail("expected true or false, got '" + s + "'");
}

std::int64_t reader::integer(std::int64_t min, std::int64_t max) const {
    const auto s = str();
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        fail(min >= 1 ? "expected a positive integer, got '" + s + "'" : "expected an integer, got '" + s + "'");
    if (v < min || v > max)
        fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
    return v;
}

double reader::number(double min, double max) const {
    const auto s = str();
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) fail("expected a number, got '" + s + "'");
    if (v < min || v > max) {
        std::ostringstream m;
        m << "must be between " << min << " and " << max << ", got " << s;
        fail(m.str());
    }
    return v;
}

std::chrono::milliseconds reader::duration() const {
    const auto s = str();
    std::size_t digits = 0;
    while (digits < s.size() && (std::isdigit(static_cast<unsigned char>(s[digits])) || s[digits] == '.')) ++digits;
    const std::string_view unit = std::string_view{s}.substr(digits);
    double n = 0;
    char* end = nullptr;
    const std::string num = s.substr(0, digits);
    n = std::strtod(num.c_str(), &end);
    double scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s" || unit.empty()) scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    if (digits == 0 || end != num.c_str() + num.size() || scale == 0 || n * scale > 1e15)
        fail("expected a duration such as 500ms, 30s, 5m, 72h or 1d, got '" + s + "'");
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::llround(n * scale))};
}

std::size_t reader::choice(std::initializer_list<std::string_view> choices) const {
    const auto s = str();
    std::size_t i = 0;
    std::string list;
    for (auto c : choices) {
        if (s == c) return i;
        list += (i++ ? ", " : "") + std::string{c};
    }
    fail("expected one of " + list + ", got '" + s + "'");
}

std::string reader::secret() const {
    if (node_.IsScalar()) return str();
    if (!node_.IsMap() || node_.size() != 1) fail("expected a string, {env: NAME} or {file: PATH}");
    if (auto e = find("env")) {
        const auto name = e->non_empty_str();
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) e->fail("environment variable " + name + " is not set");
        return v;
    }
    if (auto f = find("file")) {
        const auto p = f->non_empty_str();
        std::ifstream in{p};
        if (!in) f->fail("cannot read secret file " + p + ": " + std::strerror(errno));
        std::string v{std::istreambuf_iterator<char>{in}, {}};
        while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
        return v;
    }
    finish();
    fail("expected a string, {env: NAME} or {file: PATH}");
}

std::string reader::str_or(std::string_view key, std::string def) const {
    auto r = find(key);
    return r ? r->str() : def;
}
bool reader::bool_or(std::string_view key, bool def) const {
    auto r = find(key);
    return r ? r->boolean() : def;
}
std::int64_t reader::int_or(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const {
    auto r = find(key);
    return r ? r->integer(min, max) : def;
}
std::chrono::milliseconds reader::duration_or(std::string_view key, std::chrono::milliseconds def) const {
    auto r = find(key);
    return r ? r->duration() : def;
}

} // namespace twinsms::config
