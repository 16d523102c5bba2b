#include "settings/profile_digest.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

namespace twinsms::settings {
namespace {

YAML::Node parse(std::string_view yaml) {
    try {
        return YAML::Load(std::string{yaml});
    } catch (const YAML::Exception& e) {
        throw std::runtime_error{std::string{"not YAML: "} + e.what()};
    }
}

// Length-prefixed, so no two trees share a canonical form.
void canon(const YAML::Node& n, std::string& out, bool skip_state) {
    switch (n.Type()) {
    case YAML::NodeType::Scalar:
        out += 's' + std::to_string(n.Scalar().size()) + ':' + n.Scalar();
        return;
    case YAML::NodeType::Sequence:
        out += 'q' + std::to_string(n.size()) + ':';
        for (const auto& i : n) canon(i, out, false);
        return;
    case YAML::NodeType::Map: {
        std::vector<std::pair<std::string, std::string>> items;
        for (const auto& kv : n) {
            if (skip_state && kv.first.IsScalar() && kv.first.Scalar() == "state") continue;
            std::string k, v;
            canon(kv.first, k, false);
            canon(kv.second, v, false);
            items.emplace_back(std::move(k), std::move(v));
        }
        std::sort(items.begin(), items.end()); // key order is layout, not content
        out += 'm' + std::to_string(items.size()) + ':';
        for (const auto& [k, v] : items) out += k + v;
        return;
    }
    default:
        out += 'n';
    }
}

std::string sha256_hex(std::string_view in) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(in.data(), in.size(), md, &len, EVP_sha256(), nullptr);
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) out += hex[md[i] >> 4], out += hex[md[i] & 15];
    return out;
}

std::vector<std::string> split_lines(std::string_view s) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at <= s.size()) {
        const auto nl = s.find('\n', at);
        if (nl == std::string_view::npos) {
            if (at < s.size()) lines.emplace_back(s.substr(at));
            break;
        }
        lines.emplace_back(s.substr(at, nl - at));
        at = nl + 1;
    }
    return lines;
}

} // namespace

std::string_view root_of(std::string_view profile) noexcept {
    if (profile.starts_with("clients/")) return "client";
    if (profile.starts_with("carriers/")) return "carrier";
    return {};
}

std::string profile_digest(std::string_view yaml, std::string_view root) {
    const auto doc = parse(yaml);
    std::string c;
    if (doc.IsMap() && !root.empty()) {
        // The top level as usual, but the root's own `state:` left out.
        std::vector<std::pair<std::string, std::string>> items;
        for (const auto& kv : doc) {
            std::string k, v;
            canon(kv.first, k, false);
            canon(kv.second, v, kv.first.IsScalar() && kv.first.Scalar() == root);
            items.emplace_back(std::move(k), std::move(v));
        }
        std::sort(items.begin(), items.end());
        c += 'm' + std::to_string(items.size()) + ':';
        for (const auto& [k, v] : items) c += k + v;
    } else {
        canon(doc, c, false);
    }
    return sha256_hex(c);
}

std::string set_digest(const digest_map& profiles) {
    std::string in;
    for (const auto& [name, d] : profiles) in += std::to_string(name.size()) + ':' + name + '=' + d + '\n';
    return sha256_hex(in);
}

std::optional<std::string> state_of(std::string_view yaml, std::string_view root) {
    const auto doc = parse(yaml);
    if (!doc.IsMap() || root.empty()) return std::nullopt;
    const auto r = doc[std::string{root}];
    if (!r || !r.IsMap()) return std::nullopt;
    const auto s = r["state"];
    if (!s || !s.IsScalar()) return std::nullopt;
    return s.Scalar();
}

std::string with_state(std::string_view yaml, std::string_view root, const std::optional<std::string>& state) {
    const auto doc = parse(yaml);
    if (!doc.IsMap() || root.empty()) throw std::runtime_error{"no " + std::string{root} + ": mapping at the top"};
    const auto r = doc[std::string{root}];
    if (!r || !r.IsMap() || r.size() == 0) throw std::runtime_error{std::string{root} + " is not a mapping with keys"};
    if (r.Style() == YAML::EmitterStyle::Flow)
        throw std::runtime_error{std::string{root} + " is a flow mapping ({...}): its state cannot be rewritten line by line"};
    auto lines = split_lines(yaml);
    std::optional<YAML::Mark> key_at;
    YAML::Mark first = r.begin()->first.Mark();
    for (const auto& kv : r) {
        const auto m = kv.first.Mark();
        if (m.line < first.line || (m.line == first.line && m.column < first.column)) first = m;
        if (kv.first.IsScalar() && kv.first.Scalar() == "state") {
            if (kv.second.Mark().line != m.line) throw std::runtime_error{"state: and its value on different lines"};
            key_at = m;
        }
    }
    const auto valid_line = [&](int l) { return l >= 0 && static_cast<std::size_t>(l) < lines.size(); };
    if (key_at) {
        if (!valid_line(key_at->line)) throw std::runtime_error{"state: line out of range"};
        auto& l = lines[static_cast<std::size_t>(key_at->line)];
        if (state) l = l.substr(0, static_cast<std::size_t>(key_at->column)) + "state: " + *state;
        else lines.erase(lines.begin() + key_at->line);
    } else if (state) {
        if (!valid_line(first.line)) throw std::runtime_error{"first key line out of range"};
        lines.insert(lines.begin() + first.line, std::string(static_cast<std::size_t>(first.column), ' ') + "state: " + *state);
    }
    std::string out;
    for (const auto& l : lines) out += l + '\n';
    // What the rewrite promises, checked: the state is ours and nothing else changed.
    if (state_of(out, root) != state || profile_digest(out, root) != profile_digest(yaml, root))
        throw std::runtime_error{"the state could not be rewritten without changing the profile"};
    return out;
}

} // namespace twinsms::settings
