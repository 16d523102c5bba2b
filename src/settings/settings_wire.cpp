#include "settings/settings_wire.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/secret_equal.hpp"

namespace twinsms::settings {
namespace {

constexpr std::uint8_t version = 1;

void put_u(std::string& out, std::uint64_t v, int n) {
    for (int i = n - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}
void put_s(std::string& out, std::string_view s) {
    put_u(out, s.size(), 4);
    out += s;
}

struct cursor {
    std::string_view in;
    bool ok = true;
    std::uint64_t u(int n) {
        if (in.size() < static_cast<std::size_t>(n)) return ok = false, 0;
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[static_cast<std::size_t>(i)]);
        in.remove_prefix(static_cast<std::size_t>(n));
        return v;
    }
    std::string s() {
        const auto n = u(4);
        if (!ok || in.size() < n) return ok = false, std::string{};
        std::string r{in.substr(0, n)};
        in.remove_prefix(n);
        return r;
    }
    // A count no larger than what is left could hold (a forged count cannot allocate).
    std::uint64_t count() {
        const auto n = u(4);
        if (n > in.size()) ok = false;
        return ok ? n : 0;
    }
};

} // namespace

std::string encode(const payload& p, std::size_t& sent) {
    std::string out;
    out += static_cast<char>(version);
    put_u(out, p.index.size(), 4);
    for (const auto& [name, d] : p.index) put_s(out, name), put_s(out, d);
    put_u(out, p.verdicts.size(), 4);
    for (const auto& v : p.verdicts)
        put_s(out, v.profile), put_s(out, v.digest), put_u(out, static_cast<std::uint8_t>(v.result), 1), put_s(out, v.detail);
    std::string edits;
    sent = 0;
    for (const auto& [e, text] : p.edits) {
        std::string one;
        put_s(one, e.profile), put_s(one, e.base), put_s(one, e.digest);
        put_u(one, e.prior.size(), 4);
        for (const auto& d : e.prior) put_s(one, d);
        put_u(one, e.id, 8);
        put_s(one, text);
        if (out.size() + 4 + edits.size() + one.size() > max_payload) break;
        edits += one;
        ++sent;
    }
    put_u(out, sent, 4);
    return out + edits;
}

std::optional<payload> decode(std::string_view bytes) {
    cursor c{bytes};
    if (c.u(1) != version) return std::nullopt;
    payload p;
    for (auto n = c.count(); c.ok && n > 0; --n) {
        auto name = c.s();
        auto d = c.s();
        p.index.emplace(std::move(name), std::move(d));
    }
    for (auto n = c.ok ? c.count() : 0; c.ok && n > 0; --n) {
        verdict v;
        v.profile = c.s();
        v.digest = c.s();
        const auto r = c.u(1);
        if (r < 1 || r > 4) return std::nullopt;
        v.result = static_cast<outcome>(r);
        v.detail = c.s();
        p.verdicts.push_back(std::move(v));
    }
    for (auto n = c.ok ? c.count() : 0; c.ok && n > 0; --n) {
        edit_with_text w;
        w.e.profile = c.s();
        w.e.base = c.s();
        w.e.digest = c.s();
        for (auto k = c.count(); c.ok && k > 0; --k) w.e.prior.push_back(c.s());
        w.e.id = c.u(8);
        w.text = c.s();
        p.edits.push_back(std::move(w));
    }
    if (!c.ok || !c.in.empty()) return std::nullopt;
    return p;
}

std::string payload_mac(std::string_view sequence, std::string_view payload, std::string_view secret) {
    std::string in = "twinsms-settings";
    in += '\0';
    in += sequence;
    in += payload;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(in.data()),
         in.size(), out, &len);
    return std::string{reinterpret_cast<const char*>(out), len};
}

bool attach(smpp::tlv_list& tlvs, std::string payload, std::string_view secret, std::string& storage) {
    const auto seq = smpp::get_octets(tlvs, tag::report_sequence);
    if (!seq || secret.empty()) return false;
    storage = payload_mac(*seq, payload, secret) + payload;
    const std::string_view s{storage};
    tlvs.push_back(smpp::tlv{tag::mac, s.substr(0, 32)});
    tlvs.push_back(smpp::tlv{tag::payload, s.substr(32)});
    return true;
}

std::optional<payload> extract(const smpp::tlv_list& tlvs, std::string_view secret, std::string& why) {
    why.clear();
    const auto body = smpp::get_octets(tlvs, tag::payload);
    if (!body) return std::nullopt;
    const auto mac = smpp::get_octets(tlvs, tag::mac);
    const auto seq = smpp::get_octets(tlvs, tag::report_sequence);
    if (!mac || !seq || secret.empty() || !secret_equal(*mac, payload_mac(*seq, *body, secret))) {
        why = "settings payload without a valid MAC under cluster.secret";
        return std::nullopt;
    }
    auto p = decode(*body);
    if (!p) why = "malformed settings payload";
    return p;
}

} // namespace twinsms::settings
