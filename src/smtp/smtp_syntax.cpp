// The arguments of SMTP commands (smtp_session_logic.hpp): paths with their
// parameters, phone numbers, allowed-sender lists, AUTH PLAIN responses.
#include <cctype>

#include "smtp/mime.hpp"
#include "smtp/smtp_session_logic.hpp"
#include "smtp/text_util.hpp"

namespace twinsms::smtp {
using namespace text;

std::optional<path_arg> parse_path(std::string_view arg) {
    arg = ltrim(arg);
    path_arg p;
    std::string_view rest;
    if (arg.starts_with('<')) {
        const auto close = arg.find('>');
        if (close == std::string_view::npos) return std::nullopt;
        auto addr = arg.substr(1, close - 1);
        if (addr.starts_with('@')) { // source route "@a,@b:user@host" (RFC 5321 4.1.2: ignore it)
            const auto colon = addr.find(':');
            if (colon == std::string_view::npos) return std::nullopt;
            addr.remove_prefix(colon + 1);
        }
        p.address = std::string{addr};
        rest = arg.substr(close + 1);
    } else { // lenient: a bare address
        const auto sp = arg.find(' ');
        p.address = std::string{arg.substr(0, sp)};
        rest = sp == std::string_view::npos ? std::string_view{} : arg.substr(sp);
        if (p.address.empty()) return std::nullopt;
    }
    if (p.address.size() > 254) return std::nullopt;
    for (unsigned char c : p.address)
        if (c <= 32 || c == 127 || c == '<' || c == '>') return std::nullopt;
    if (!p.address.empty()) {
        const auto at = p.address.rfind('@');
        if (at == std::string::npos || at == 0 || at + 1 == p.address.size()) return std::nullopt;
    }
    rest = rtrim(rest);
    if (!rest.empty() && rest.front() != ' ') return std::nullopt;
    while (!(rest = ltrim(rest)).empty()) {
        const auto sp = rest.find(' ');
        const auto tok = rest.substr(0, sp);
        const auto eq = tok.find('=');
        p.params.emplace_back(upper(tok.substr(0, eq)), eq == std::string_view::npos ? std::string{} : std::string{tok.substr(eq + 1)});
        rest = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp);
    }
    return p;
}

std::optional<std::string> parse_number(std::string_view local) {
    if (local.starts_with('+')) local.remove_prefix(1);
    if (local.size() < 3 || local.size() > 20) return std::nullopt;
    for (char c : local)
        if (c < '0' || c > '9') return std::nullopt;
    return std::string{local};
}

int sender_rank(const std::vector<std::string>& allowed, std::string_view address) {
    int best = 0;
    for (const auto& a : allowed) {
        if (a == address) return 2;
        if (a.starts_with('@') && address.ends_with(a)) best = 1;
    }
    return best;
}

bool sender_allowed(const std::vector<std::string>& allowed, std::string_view address) {
    return sender_rank(allowed, address) > 0;
}

std::optional<plain_credentials> decode_plain(std::string_view b64) {
    b64 = rtrim(ltrim(b64));
    if (b64.empty() || b64.size() % 4 != 0) return std::nullopt;
    for (std::size_t i = 0; i < b64.size(); ++i) {
        const char c = b64[i];
        const bool pad_ok = c == '=' && i + 2 >= b64.size();
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/' && !pad_ok) return std::nullopt;
    }
    const auto raw = mime::decode_base64(b64);
    const auto a = raw.find('\0');
    const auto b = a == std::string::npos ? a : raw.find('\0', a + 1);
    if (b == std::string::npos || raw.find('\0', b + 1) != std::string::npos) return std::nullopt;
    return plain_credentials{raw.substr(0, a), raw.substr(a + 1, b - a - 1), raw.substr(b + 1)};
}

} // namespace twinsms::smtp
