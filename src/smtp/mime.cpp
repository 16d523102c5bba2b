#include "smtp/mime.hpp"

#include <algorithm>

#include "smtp/text_util.hpp"

namespace twinsms::smtp::mime {
namespace {
using namespace text;


bool header_name_ok(std::string_view n) noexcept {
    if (n.empty()) return false;
    for (unsigned char c : n)
        if (c <= 32 || c >= 127) return false;
    return true;
}

struct text_result {
    std::optional<std::string> text;
    std::string error;
};

std::string transfer_decode(const header_block& h, std::string_view body) {
    const auto* cte = h.find("Content-Transfer-Encoding");
    const auto enc = cte ? parse_field(*cte).value : std::string{};
    if (enc == "base64") return decode_base64(body);
    if (enc == "quoted-printable") return decode_quoted_printable(body);
    return std::string{body}; // 7bit, 8bit, binary
}

// The parts of a multipart body between its delimiters (RFC 2046 5.1.1).
std::vector<std::string_view> split_parts(std::string_view body, std::string_view boundary) {
    std::vector<std::string_view> parts;
    const std::string dash = "--" + std::string{boundary};
    std::optional<std::size_t> part_start;
    for (std::size_t at = 0; at < body.size();) {
        const auto l = line_at(body, at);
        if (l.text.starts_with(dash)) {
            auto rest = l.text.substr(dash.size());
            const bool close = rest.starts_with("--");
            if (close) rest.remove_prefix(2);
            if (trim(rest).empty()) {
                if (part_start) {
                    // The line break before a delimiter belongs to it.
                    auto end = at;
                    if (end > *part_start && body[end - 1] == '\n') --end;
                    if (end > *part_start && body[end - 1] == '\r') --end;
                    parts.push_back(body.substr(*part_start, end - *part_start));
                }
                if (close) return parts;
                part_start = l.next;
            }
        }
        at = l.next;
    }
    if (part_start && *part_start < body.size()) parts.push_back(body.substr(*part_start)); // no close delimiter
    return parts;
}

text_result plain_text(const header_block& h, std::string_view body, unsigned depth) {
    const auto* ct_raw = h.find("Content-Type");
    const auto ct = parse_field(ct_raw ? *ct_raw : "text/plain");
    if (ct.value == "text/plain" || ct.value.empty() || ct.value == "text") {
        const auto bytes = transfer_decode(h, body);
        const auto* cs = ct.param("charset");
        auto utf8 = to_utf8(cs ? *cs : std::string{}, bytes);
        if (!utf8) return {std::nullopt, "charset '" + *cs + "' is not supported"};
        return {std::move(utf8), {}};
    }
    if (!ct.value.starts_with("multipart/")) return {std::nullopt, {}};
    if (depth >= max_depth) return {std::nullopt, "multipart nested too deep"};
    const auto* boundary = ct.param("boundary");
    if (!boundary || boundary->empty()) return {std::nullopt, "multipart without a boundary"};
    std::string error;
    for (auto part : split_parts(body, *boundary)) {
        const auto ph = parse_headers(part);
        if (const auto* disp = ph.find("Content-Disposition"); disp && parse_field(*disp).value == "attachment") continue;
        auto r = plain_text(ph, part.substr(ph.body_offset), depth + 1);
        if (r.text) return r;
        if (error.empty()) error = std::move(r.error);
    }
    return {std::nullopt, std::move(error)};
}

} // namespace

const std::string* header_block::find(std::string_view name) const {
    for (const auto& h : headers)
        if (iequals(h.name, name)) return &h.value;
    return nullptr;
}

header_block parse_headers(std::string_view message) {
    header_block b;
    std::size_t at = 0;
    while (at < message.size()) {
        const auto l = line_at(message, at);
        if (l.text.empty()) { // the empty line ends the headers
            at = l.next;
            break;
        }
        if (is_wsp(l.text.front()) && !b.headers.empty()) {
            b.headers.back().value += l.text; // unfolding keeps the whitespace
            at = l.next;
            continue;
        }
        const auto colon = l.text.find(':');
        if (colon == std::string_view::npos || !header_name_ok(l.text.substr(0, colon))) break; // body without headers
        b.headers.push_back({std::string{l.text.substr(0, colon)}, std::string{l.text.substr(colon + 1)}});
        at = l.next;
    }
    for (auto& h : b.headers) h.value = std::string{trim(h.value)};
    b.body_offset = std::min(at, message.size());
    return b;
}

const std::string* field::param(std::string_view name) const {
    for (const auto& [k, v] : params)
        if (k == name) return &v;
    return nullptr;
}

field parse_field(std::string_view v) {
    field f;
    // Split on ';' outside quoted strings.
    std::vector<std::string> pieces{std::string{}};
    bool quoted = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (quoted && c == '\\' && i + 1 < v.size()) {
            pieces.back() += v[++i];
            continue;
        }
        if (c == '"') quoted = !quoted;
        if (c == ';' && !quoted) {
            pieces.emplace_back();
            continue;
        }
        pieces.back() += c;
    }
    f.value = lower(trim(pieces.front()));
    for (std::size_t i = 1; i < pieces.size(); ++i) {
        const std::string_view p = pieces[i];
        const auto eq = p.find('=');
        if (eq == std::string_view::npos) continue;
        auto val = trim(p.substr(eq + 1));
        std::string value;
        for (char c : val)
            if (c != '"') value += c;
        f.params.emplace_back(lower(trim(p.substr(0, eq))), std::move(value));
    }
    return f;
}

std::string mailbox_address(std::string_view v) {
    // An angle address outside quotes and comments wins.
    bool quoted = false;
    int comment = 0;
    std::string bare;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const char c = v[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
            continue;
        }
        if (comment) {
            if (c == '(') ++comment;
            else if (c == ')') --comment;
            continue;
        }
        if (c == '"') quoted = true;
        else if (c == '(') ++comment;
        else if (c == '<') {
            const auto close = v.find('>', i + 1);
            if (close == std::string_view::npos) return {};
            return lower(trim(v.substr(i + 1, close - i - 1)));
        } else if (c == ',') break; // the first of several mailboxes
        else bare += c;
    }
    const auto t = trim(bare);
    return t.find('@') == std::string_view::npos ? std::string{} : lower(t);
}

std::string clean_text(std::string_view text) {
    std::string norm; // CR LF and a lone CR (old Macs) become LF
    norm.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\r') norm += text[i];
        else if (i + 1 >= text.size() || text[i + 1] != '\n') norm += '\n';
    }
    std::vector<std::string_view> lines;
    const std::string_view all{norm};
    for (std::size_t at = 0; at < all.size();) {
        const auto l = line_at(all, at);
        if (l.text == "-- ") break; // the signature separator: the rest is the signature
        lines.push_back(l.text);
        at = l.next;
    }
    for (auto& l : lines)
        while (!l.empty() && is_wsp(l.back())) l.remove_suffix(1);
    while (!lines.empty() && lines.back().empty()) lines.pop_back();
    std::size_t first = 0;
    while (first < lines.size() && lines[first].empty()) ++first;
    std::string out;
    for (std::size_t i = first; i < lines.size(); ++i) {
        if (i > first) out += '\n';
        out += lines[i];
    }
    return out;
}

message parse_message(std::string_view raw) {
    message m;
    const auto h = parse_headers(raw);
    if (const auto* f = h.find("From")) m.from = mailbox_address(*f);
    if (const auto* s = h.find("Subject")) m.subject = decode_header_value(*s);
    auto r = plain_text(h, raw.substr(h.body_offset), 0);
    if (r.text) m.body = clean_text(*r.text);
    else m.body_error = std::move(r.error);
    return m;
}

} // namespace twinsms::smtp::mime
