#include "control.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <vector>

namespace twinsms::sim {
namespace {

std::string upper(std::string_view s) {
    std::string r{s};
    for (auto& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return r;
}

template <class T> std::optional<T> parse_number(std::string_view s) {
    T v{};
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s.remove_prefix(2);
        base = 16;
    }
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Splits off the first `n` words; the remainder (leading blanks trimmed) is last.
std::vector<std::string_view> words(std::string_view line, std::size_t n) {
    std::vector<std::string_view> out;
    auto skip = [&] {
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front()))) line.remove_prefix(1);
    };
    skip();
    while (!line.empty() && out.size() < n) {
        std::size_t e = 0;
        while (e < line.size() && !std::isspace(static_cast<unsigned char>(line[e]))) ++e;
        out.push_back(line.substr(0, e));
        line.remove_prefix(e);
        skip();
    }
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
    if (!line.empty()) out.push_back(line);
    return out;
}

control_reply ok(std::string t) { return {true, false, "ok " + std::move(t)}; }
control_reply error(std::string t) { return {false, false, "error: " + std::move(t)}; }

std::optional<bool> on_off(std::string_view s) {
    if (s == "on" || s == "1" || s == "yes") return true;
    if (s == "off" || s == "0" || s == "no") return false;
    return std::nullopt;
}

constexpr std::string_view help_text =
    "commands: throttle N|off|for MS; fail STATUS [EVERY]|off; drop on|off; enquire on|off; "
    "refuse STATUS|off; delay MS; receipt-delay MS; receipt-state STATE[:ERR] [PREFIX]; "
    "mo ACCOUNT FROM TO TEXT; reset; close; stats; binds; help; quit";

} // namespace

std::optional<command_status> parse_status(std::string_view s) {
    if (s.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(s.front()))) return parse_number<command_status>(s);
    std::string want = upper(s);
    if (!want.starts_with("ESME_R")) want = "ESME_R" + want;
    for (command_status st = 0; st <= 0x4FF; ++st)
        if (smpp::status_name(st) == want) return st;
    return std::nullopt;
}

control_reply run_command(smsc_simulator& sim, std::string_view line) {
    const auto w = words(line, 4);
    if (w.empty()) return {true, false, ""};
    const std::string_view cmd = w[0];
    const std::string_view a1 = w.size() > 1 ? w[1] : std::string_view{};
    const std::string_view a2 = w.size() > 2 ? w[2] : std::string_view{};

    if (cmd == "throttle") {
        if (a1 == "off") return sim.throttle_off(), ok("throttle off");
        if (a1 == "for") {
            auto ms = parse_number<unsigned>(a2);
            if (!ms) return error("usage: throttle for MS");
            sim.throttle_for(milliseconds{*ms});
            return ok("throttle all for " + std::to_string(*ms) + "ms");
        }
        auto n = parse_number<unsigned>(a1);
        if (!n) return error("usage: throttle N|off|for MS");
        sim.throttle_every(*n);
        return ok("throttle every " + std::to_string(*n));
    }
    if (cmd == "fail") {
        if (a1 == "off") return sim.fail_off(), ok("fail off");
        auto st = parse_status(a1);
        auto every = a2.empty() ? std::optional<unsigned>{1} : parse_number<unsigned>(a2);
        if (!st || !every || *every == 0) return error("usage: fail STATUS [EVERY]|off");
        sim.fail_with(*st, *every);
        return ok("fail " + smpp::status_name(*st) + " every " + std::to_string(*every));
    }
    if (cmd == "drop" || cmd == "enquire") {
        auto on = on_off(a1);
        if (!on) return error("usage: " + std::string{cmd} + " on|off");
        if (cmd == "drop") {
            sim.set_drop(*on);
        } else if (!sim.set_answer_enquire_link(*on)) {
            return error("enquire_link filtering needs link faults (started with --direct)");
        }
        return ok(std::string{cmd} + (*on ? " on" : " off"));
    }
    if (cmd == "refuse") {
        if (a1 == "off") return sim.accept_binds(), ok("refuse off");
        auto st = parse_status(a1);
        if (!st) return error("usage: refuse STATUS|off");
        sim.refuse_binds(*st);
        return ok("refuse binds " + smpp::status_name(*st));
    }
    if (cmd == "delay" || cmd == "receipt-delay") {
        auto ms = parse_number<unsigned>(a1);
        if (!ms) return error("usage: " + std::string{cmd} + " MS");
        if (cmd == "delay") sim.set_response_delay(milliseconds{*ms});
        else sim.set_receipt_delay(milliseconds{*ms});
        return ok(std::string{cmd} + " " + std::to_string(*ms) + "ms");
    }
    if (cmd == "receipt-state") {
        auto o = parse_outcome(a1);
        if (!o || w.size() > 3) return error("usage: receipt-state STATE[:ERR] [PREFIX]");
        if (a2.empty()) sim.set_receipt_outcome(*o);
        else sim.set_receipt_rule(std::string{a2}, *o);
        return ok("receipt-state " + std::string{stat_text(o->state)} + " err " + std::to_string(o->err) +
                  (a2.empty() ? std::string{} : " prefix " + std::string{a2}));
    }
    if (cmd == "mo") {
        if (w.size() < 5) return error("usage: mo ACCOUNT FROM TO TEXT");
        sim.send_mo(std::string{w[1]}, std::string{w[2]}, std::string{w[3]}, std::string{w[4]});
        return ok("mo queued for " + std::string{w[1]});
    }
    if (cmd == "reset") return sim.reset_faults(), ok("faults off");
    if (cmd == "close") {
        const auto n = sim.bound_sessions();
        sim.close_all();
        return ok("closed (" + std::to_string(n) + " bound)");
    }
    if (cmd == "stats") return {true, false, stats_logfmt(sim)};
    if (cmd == "binds") { // the bind log: who held the carrier when (ms since the first bind)
        const auto& log = sim.bind_log();
        std::string out = "ok " + std::to_string(log.size()) + " binds";
        for (const auto& b : log) {
            const auto ms = [&](auto t) {
                return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(t - log.front().bound_at).count());
            };
            out += "\nbind conn=" + std::to_string(b.conn) + " account=" + b.account + " system_type=" +
                   (b.system_type.empty() ? "-" : b.system_type) + " remote=" + b.remote + " from_ms=" + ms(b.bound_at) +
                   " to_ms=" + (b.closed_at ? ms(*b.closed_at) : std::string{"bound"}) +
                   " submits=" + std::to_string(b.submits) +
                   " last_submit_ms=" + (b.last_submit_at ? ms(*b.last_submit_at) : std::string{"-"});
        }
        return {true, false, out};
    }
    if (cmd == "help") return {true, false, std::string{help_text}};
    if (cmd == "quit" || cmd == "exit") return {true, true, "ok quit"};
    return error("unknown command '" + std::string{cmd} + "' (try help)");
}

std::string stats_logfmt(const smsc_simulator& sim, const sim_counters* prev, double seconds) {
    const auto& c = sim.counters();
    std::string s = "event=stats";
    auto kv = [&s](std::string_view k, auto v) {
        s += ' ';
        s += k;
        s += '=';
        s += std::to_string(v);
    };
    kv("sessions", sim.bound_sessions());
    kv("submits", c.submits_received);
    kv("accepted", c.submits_accepted);
    kv("throttled", c.submits_throttled);
    kv("failed", c.submits_failed);
    kv("dropped", c.submits_dropped);
    kv("receipts_sent", c.receipts_sent);
    kv("mo_sent", c.mo_sent);
    kv("pending_deliveries", sim.pending_deliveries());
    if (prev && seconds > 0) {
        char buf[32];
        auto rate = [&](std::string_view k, std::uint64_t now, std::uint64_t before) {
            std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(now - before) / seconds);
            s += ' ';
            s += k;
            s += '=';
            s += buf;
        };
        rate("submit_rate", c.submits_received, prev->submits_received);
        rate("receipt_rate", c.receipts_sent, prev->receipts_sent);
    }
    return s;
}

std::string stats_block(const smsc_simulator& sim, double uptime) {
    const auto& c = sim.counters();
    std::string s;
    auto line = [&s](std::string_view name, std::uint64_t v, std::string_view unit) {
        s += name;
        s += ": ";
        s += std::to_string(v);
        s += ' ';
        s += unit;
        s += '\n';
    };
    line("connections", c.connections, "conns");
    line("binds_accepted", c.binds_accepted, "binds");
    line("binds_refused", c.binds_refused, "binds");
    line("submits_received", c.submits_received, "msgs");
    line("submits_accepted", c.submits_accepted, "msgs");
    line("submits_throttled", c.submits_throttled, "msgs");
    line("submits_failed", c.submits_failed, "msgs");
    line("submits_dropped", c.submits_dropped, "msgs");
    line("receipts_sent", c.receipts_sent, "msgs");
    line("mo_sent", c.mo_sent, "msgs");
    line("deliveries_pending", sim.pending_deliveries(), "msgs");
    line("deliveries_abandoned", c.deliveries_abandoned, "msgs");
    char buf[64];
    std::snprintf(buf, sizeof buf, "uptime: %.3f s\n", uptime);
    s += buf;
    const double rate = uptime > 0 ? static_cast<double>(c.submits_received) / uptime : 0.0;
    std::snprintf(buf, sizeof buf, "submit_rate_avg: %.1f msgs/s\n", rate);
    s += buf;
    return s;
}

} // namespace twinsms::sim
