#include "route/receipt_text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

namespace twinsms::route {
namespace {

struct state_name {
    message_state state;
    std::string_view stat;
    std::string_view name;
};
constexpr std::array<state_name, 8> states{{
    {message_state::enroute, "ENROUTE", "enroute"},
    {message_state::delivered, "DELIVRD", "delivered"},
    {message_state::expired, "EXPIRED", "expired"},
    {message_state::deleted, "DELETED", "deleted"},
    {message_state::undeliverable, "UNDELIV", "undeliverable"},
    {message_state::accepted, "ACCEPTD", "accepted"},
    {message_state::unknown, "UNKNOWN", "unknown"},
    {message_state::rejected, "REJECTD", "rejected"},
}};

constexpr char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
constexpr bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower(x) == lower(y);
           });
}

template <class T> bool parse_number(std::string_view s, T& out, int base) noexcept {
    if (s.empty()) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return ec == std::errc{} && p == s.data() + s.size();
}

enum key { k_id, k_sub, k_dlvrd, k_submit, k_done, k_stat, k_err, k_text, key_count };

struct spelling {
    key k;
    std::string_view text; // lowercase; ' ' also matches '_'
};
// Spellings seen from carriers; every one must be followed by ':'.
constexpr std::array<spelling, 14> spellings{{
    {k_id, "id"},
    {k_sub, "sub"},
    {k_dlvrd, "dlvrd"},
    {k_dlvrd, "dlvd"},
    {k_submit, "submit date"},
    {k_submit, "submitdate"},
    {k_done, "done date"},
    {k_done, "donedate"},
    {k_stat, "stat"},
    {k_stat, "status"},
    {k_err, "err"},
    {k_err, "error"},
    {k_text, "text"},
    {k_text, "txt"},
}};

struct key_match {
    key k;
    std::size_t value; // just after the ':'
};

// A known key starting at `at` (a word start), with optional spaces before ':'.
std::optional<key_match> key_at(std::string_view s, std::size_t at) noexcept {
    for (const auto& sp : spellings) {
        if (s.size() - at < sp.text.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < sp.text.size() && same; ++i) {
            const char c = lower(s[at + i]);
            same = sp.text[i] == ' ' ? (c == ' ' || c == '_') : c == sp.text[i];
        }
        if (!same) continue;
        std::size_t p = at + sp.text.size();
        while (p < s.size() && space(s[p])) ++p;
        if (p < s.size() && s[p] == ':') return key_match{sp.k, p + 1};
    }
    return std::nullopt;
}

std::size_t skip_spaces(std::string_view s, std::size_t p) noexcept {
    while (p < s.size() && space(s[p])) ++p;
    return p;
}

// The start of the next word at or after `from` that begins a known key.
std::size_t next_key(std::string_view s, std::size_t from) noexcept {
    for (std::size_t p = from; p < s.size(); ++p)
        if ((p == 0 || space(s[p - 1])) && !space(s[p]) && key_at(s, p)) return p;
    return s.size();
}

std::string_view trim_right(std::string_view s) noexcept {
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

void append_number(std::string& out, std::uint64_t v, int base) {
    char buf[24];
    auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v, base);
    out.append(buf, p);
}

void add_form(boost::container::small_vector<std::string, 3>& forms, std::string f) {
    if (std::find(forms.begin(), forms.end(), f) == forms.end()) forms.push_back(std::move(f));
}

std::string_view text_of(std::string_view short_message, const smpp::tlv_list& tlvs) noexcept {
    if (!short_message.empty()) return short_message;
    return smpp::message_payload(tlvs).value_or(std::string_view{});
}

std::optional<receipt_info> read(std::uint8_t esm_class, const smpp::tlv_list& tlvs, std::string_view text) noexcept {
    if (!is_receipt(esm_class, tlvs)) return std::nullopt;
    receipt_info info;
    info.text = parse_receipt(text);
    // Some carriers leave the NUL off the TLV: take the octets up to the first NUL.
    if (auto id = smpp::get_octets(tlvs, smpp::tag::receipted_message_id)) {
        info.message_id = id->substr(0, id->find('\0'));
    }
    if (info.message_id.empty() && info.text) info.message_id = info.text->id;
    if (auto st = smpp::message_state(tlvs)) info.state = state_from_tlv(*st);
    if (!info.state && info.text) info.state = info.text->state;
    if (info.text && info.text->has_err) info.err = info.text->err;
    else if (auto ne = smpp::network_error_code(tlvs)) info.err = ne->error_code;
    return info;
}

} // namespace

std::string_view stat_text(message_state s) noexcept {
    for (const auto& e : states)
        if (e.state == s) return e.stat;
    return "UNKNOWN";
}

std::optional<message_state> parse_stat(std::string_view s) noexcept {
    for (const auto& e : states)
        if (iequals(s, e.stat) || iequals(s, e.name)) return e.state;
    return std::nullopt;
}

std::optional<message_state> state_from_tlv(std::uint8_t v) noexcept {
    if (v < 1 || v > 8) return std::nullopt;
    return static_cast<message_state>(v);
}

bool is_final(message_state s) noexcept { return s != message_state::enroute; }

std::string format_receipt(const receipt_fields& f) {
    char nums[64];
    std::string s;
    s.reserve(120 + f.id.size() + f.text.size());
    s += "id:";
    s += f.id;
    std::snprintf(nums, sizeof nums, " sub:%03u dlvrd:%03u", f.sub % 1000, f.dlvrd % 1000);
    s += nums;
    s += " submit date:";
    s += f.submit_date;
    s += " done date:";
    s += f.done_date;
    s += " stat:";
    s += f.stat;
    std::snprintf(nums, sizeof nums, " err:%03u", f.err % 1000);
    s += nums;
    s += " text:";
    s += f.text;
    return s;
}

std::optional<parsed_receipt> parse_receipt(std::string_view s) noexcept {
    std::array<std::optional<std::string_view>, key_count> v{};
    std::size_t p = 0;
    while ((p = skip_spaces(s, p)) < s.size()) {
        const auto m = key_at(s, p);
        if (!m) { // an unknown word: skip it
            while (p < s.size() && !space(s[p])) ++p;
            continue;
        }
        std::size_t start = m->value, end;
        if (m->k == k_text) {
            end = v[k_id] && v[k_stat] ? s.size() : next_key(s, start);
        } else {
            start = skip_spaces(s, start);
            end = start;
            // "err: stat:DELIVRD": the value is missing, not "stat:DELIVRD".
            if (start < s.size() && !key_at(s, start))
                while (end < s.size() && !space(s[end])) ++end;
        }
        if (!v[m->k]) v[m->k] = m->k == k_text ? trim_right(s.substr(start, end - start)) : s.substr(start, end - start);
        p = end;
    }
    parsed_receipt r;
    r.id = v[k_id].value_or("");
    r.stat = v[k_stat].value_or("");
    if (r.id.empty() && r.stat.empty()) return std::nullopt;
    if (!parse_number(v[k_sub].value_or(""), r.sub, 10)) r.sub = 0;
    if (!parse_number(v[k_dlvrd].value_or(""), r.dlvrd, 10)) r.dlvrd = 0;
    r.submit_date = v[k_submit].value_or("");
    r.done_date = v[k_done].value_or("");
    r.state = parse_stat(r.stat);
    const auto err = v[k_err].value_or("");
    r.has_err = parse_number(err, r.err, 10) || parse_number(err, r.err, 16);
    if (!r.has_err) r.err = 0;
    r.text = v[k_text].value_or("");
    return r;
}

std::string receipt_excerpt(std::string_view sm, std::uint8_t dc) {
    constexpr std::size_t n = 20;
    std::string out;
    if (dc == 0x08) { // UCS-2 big endian
        for (std::size_t i = 0; i + 1 < sm.size() && out.size() < n; i += 2) {
            const unsigned u = (static_cast<unsigned char>(sm[i]) << 8) | static_cast<unsigned char>(sm[i + 1]);
            out += (u >= 0x20 && u < 0x7F) ? static_cast<char>(u) : '?';
        }
        return out;
    }
    if (dc == 0x02 || dc == 0x04 || (dc & 0xF4) == 0xF4) return out; // 8-bit binary
    for (std::size_t i = 0; i < sm.size() && out.size() < n; ++i) {
        const auto c = static_cast<unsigned char>(sm[i]);
        out += (c >= 0x20 && c != 0x7F) ? static_cast<char>(c) : '.';
    }
    return out;
}

boost::container::small_vector<std::string, 3> message_id_forms(std::string_view id) {
    boost::container::small_vector<std::string, 3> forms;
    std::string exact{id};
    std::transform(exact.begin(), exact.end(), exact.begin(), lower);
    forms.push_back(exact);
    std::uint64_t n = 0;
    if (parse_number(id, n, 10)) {
        std::string dec, hex;
        append_number(dec, n, 10);
        append_number(hex, n, 16);
        add_form(forms, std::move(dec)); // leading zeros dropped: "00123" is 123
        add_form(forms, std::move(hex));
    } else if (parse_number(id, n, 16)) {
        std::string hex, dec;
        append_number(hex, n, 16);
        append_number(dec, n, 10);
        add_form(forms, std::move(hex));
        add_form(forms, std::move(dec));
    }
    return forms;
}

boost::container::small_vector<std::string, 2> message_id_keys(std::string_view id) {
    const auto forms = message_id_forms(id);
    boost::container::small_vector<std::string, 2> keys{forms.front()};
    std::uint64_t n = 0;
    const int base = parse_number(id, n, 10) ? 10 : parse_number(id, n, 16) ? 16 : 0;
    if (base) {
        std::string same;
        append_number(same, n, base);
        if (same != keys.front()) keys.push_back(std::move(same));
    }
    return keys;
}

boost::container::small_vector<std::string, 4> receipt_id_lookups(std::string_view id) {
    const auto forms = message_id_forms(id);
    boost::container::small_vector<std::string, 4> out(forms.begin(), forms.end());
    std::uint64_t n = 0, h = 0;
    if (parse_number(id, n, 10) && parse_number(id, h, 16)) {
        std::string dec;
        append_number(dec, h, 10);
        if (std::find(out.begin(), out.end(), dec) == out.end()) out.push_back(std::move(dec));
    }
    return out;
}

bool message_ids_match(std::string_view submitted, std::string_view receipted) {
    if (iequals(submitted, receipted)) return true;
    const auto a = message_id_forms(submitted);
    const auto b = message_id_forms(receipted);
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) != b.end()) return true;
    return false;
}

bool is_receipt(std::uint8_t esm_class, const smpp::tlv_list& tlvs) noexcept {
    return (esm_class & 0x3C) == 0x04 || smpp::find(tlvs, smpp::tag::receipted_message_id) != nullptr;
}
bool is_receipt(const smpp::deliver_sm& d) noexcept { return is_receipt(d.esm_class, d.tlvs); }
bool is_receipt(const smpp::data_sm& d) noexcept { return is_receipt(d.esm_class, d.tlvs); }

std::optional<receipt_info> read_receipt(const smpp::deliver_sm& d) noexcept {
    return read(d.esm_class, d.tlvs, text_of(d.short_message, d.tlvs));
}
std::optional<receipt_info> read_receipt(const smpp::data_sm& d) noexcept {
    return read(d.esm_class, d.tlvs, text_of({}, d.tlvs));
}

} // namespace twinsms::route
