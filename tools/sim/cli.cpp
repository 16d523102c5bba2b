#include "cli.hpp"

#include <charconv>

#include "control.hpp"

namespace twinsms::sim {
namespace {

template <class T> bool number(std::string_view s, T& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
}

bool endpoint(std::string_view s, tcp::endpoint& out) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) return false;
    std::string host{s.substr(0, colon)};
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || host == "*") host = "0.0.0.0";
    unsigned short port = 0;
    if (!number(s.substr(colon + 1), port)) return false;
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec) return false;
    out = tcp::endpoint{addr, port};
    return true;
}

} // namespace

std::string cli_usage() {
    return R"(usage: twinsms-smsc-sim [options]
  --listen HOST:PORT          listen address (default 127.0.0.1:2775; port 0 = any)
  --account SYSID:PASSWORD    accepted account (repeatable)
  --accept-any                accept any system_id/password
  --system-id ID              system_id in bind responses (default twinsms-sim)
  --receipt-delay-ms N        delay before delivery receipts (default 0)
  --receipt-state STATE[:ERR] final state for receipts (DELIVRD, UNDELIV:1, EXPIRED, REJECTD...)
  --receipt-rule PREFIX=STATE[:ERR]  state for destinations starting with PREFIX (repeatable)
  --mo-every-ms N             send an MO every N ms, with:
  --mo-account A --mo-from ADDR --mo-to ADDR --mo-text TEXT
  --throttle-every N          answer ESME_RTHROTTLED to every Nth submit
  --fail-status STATUS        answer every submit with STATUS (0x45, ESME_RSUBMITFAIL, 0x400...)
  --drop                      read submits, never answer them
  --response-delay-ms N       answer submits N ms late
  --id-prefix P               message id prefix
  --id-format hex|dec|uuid    message id format (default hex counter)
  --window N                  outstanding deliver_sm per session (default 100)
  --keep-records N            keep the last N received messages in memory (default 0)
  --direct                    no link relay (faster; 'enquire off' unavailable)
  --tls-cert FILE --tls-key FILE   SMPP over TLS with this certificate (PEM); no link relay
  --tls-client-ca FILE        with TLS: require client certificates signed by these CAs
  --stats                     print a logfmt stats line every second
  --log-level debug|info|warn|error|off
stdin commands: throttle N|off|for MS; fail STATUS [EVERY]|off; drop on|off; enquire on|off;
  refuse STATUS|off; delay MS; receipt-delay MS; receipt-state STATE[:ERR] [PREFIX];
  mo ACCOUNT FROM TO TEXT; reset; close; stats; help; quit
)";
}

std::optional<cli_options> parse_cli(int argc, const char* const* argv, std::string& error) {
    cli_options o;
    o.sim.listen = tcp::endpoint{asio::ip::make_address("127.0.0.1"), 2775};
    o.sim.max_records = 0;
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        std::string_view value;
        bool inline_value = false;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inline_value = true;
        }
        auto need = [&]() -> bool {
            if (inline_value) return true;
            if (i + 1 >= argc) {
                error = std::string{arg} + " needs a value";
                return false;
            }
            value = argv[++i];
            return true;
        };
        auto bad = [&](std::string_view what) {
            error = "bad " + std::string{arg} + " '" + std::string{value} + "': " + std::string{what};
            return std::nullopt;
        };
        unsigned n = 0;
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--accept-any") {
            o.sim.accept_any = true;
        } else if (arg == "--drop") {
            o.drop = true;
        } else if (arg == "--stats") {
            o.stats = true;
        } else if (arg == "--direct") {
            o.sim.link_faults = false;
        } else if (!arg.starts_with("--")) {
            error = "unexpected argument '" + std::string{arg} + "'";
            return std::nullopt;
        } else if (!need()) {
            return std::nullopt;
        } else if (arg == "--listen") {
            if (!endpoint(value, o.sim.listen)) return bad("expected HOST:PORT");
        } else if (arg == "--account") {
            const auto colon = value.find(':');
            if (colon == std::string_view::npos || colon == 0) return bad("expected SYSID:PASSWORD");
            o.sim.accounts.push_back({std::string{value.substr(0, colon)}, std::string{value.substr(colon + 1)}});
        } else if (arg == "--tls-cert") {
            o.tls.certificate = value;
        } else if (arg == "--tls-key") {
            o.tls.private_key = value;
        } else if (arg == "--tls-client-ca") {
            o.tls.client_ca = value;
        } else if (arg == "--system-id") {
            o.sim.system_id = value;
        } else if (arg == "--receipt-delay-ms") {
            if (!number(value, n)) return bad("expected milliseconds");
            o.sim.receipt_delay = milliseconds{n};
        } else if (arg == "--receipt-state") {
            auto r = parse_outcome(value);
            if (!r) return bad("expected STATE[:ERR]");
            o.sim.receipt_default = *r;
        } else if (arg == "--receipt-rule") {
            const auto eq = value.find('=');
            auto r = eq == std::string_view::npos ? std::nullopt : parse_outcome(value.substr(eq + 1));
            if (!r) return bad("expected PREFIX=STATE[:ERR]");
            o.sim.receipt_rules.push_back({std::string{value.substr(0, eq)}, *r});
        } else if (arg == "--mo-every-ms") {
            if (!number(value, n)) return bad("expected milliseconds");
            o.mo_every = milliseconds{n};
        } else if (arg == "--mo-account") {
            o.mo_account = value;
        } else if (arg == "--mo-from") {
            o.mo_from = value;
        } else if (arg == "--mo-to") {
            o.mo_to = value;
        } else if (arg == "--mo-text") {
            o.mo_text = value;
        } else if (arg == "--throttle-every") {
            if (!number(value, o.throttle_every)) return bad("expected a count");
        } else if (arg == "--fail-status") {
            o.fail_status = parse_status(value);
            if (!o.fail_status) return bad("expected a command_status");
        } else if (arg == "--response-delay-ms") {
            if (!number(value, n)) return bad("expected milliseconds");
            o.response_delay = milliseconds{n};
        } else if (arg == "--id-prefix") {
            o.sim.id_prefix = value;
        } else if (arg == "--id-format") {
            auto f = parse_id_format(value);
            if (!f) return bad("expected hex, dec or uuid");
            o.sim.ids = *f;
        } else if (arg == "--window") {
            if (!number(value, n) || n == 0) return bad("expected a positive count");
            o.sim.session.window = n;
        } else if (arg == "--keep-records") {
            if (!number(value, o.sim.max_records)) return bad("expected a count");
        } else if (arg == "--log-level") {
            o.log_level = value;
        } else {
            error = "unknown option " + std::string{arg};
            return std::nullopt;
        }
    }
    if (o.help) return o;
    if (o.tls.certificate.empty() != o.tls.private_key.empty() || (!o.tls.client_ca.empty() && o.tls.certificate.empty())) {
        error = "TLS needs both --tls-cert and --tls-key";
        return std::nullopt;
    }
    if (!o.sim.accept_any && o.sim.accounts.empty()) {
        error = "give at least one --account SYSID:PASSWORD, or --accept-any";
        return std::nullopt;
    }
    if (o.mo_every.count() > 0 && o.mo_account.empty()) {
        if (o.sim.accounts.size() != 1) {
            error = "--mo-every-ms needs --mo-account";
            return std::nullopt;
        }
        o.mo_account = o.sim.accounts.front().system_id;
    }
    return o;
}

} // namespace twinsms::sim
