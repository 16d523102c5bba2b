#include <atomic>
#include <chrono>
#include <cstdio>

#include "util/log.hpp"
#include "util/utc_time.hpp"

namespace twinsms::log {
namespace {

std::atomic<level> g_level{level::info};

const char* name_of(level l) noexcept {
    switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warn: return "warn";
    case level::error: return "error";
    case level::off: return "off";
    }
    return "?";
}

bool needs_quotes(std::string_view v) noexcept {
    if (v.empty()) return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

void append_value(std::string& out, std::string_view v) {
    if (!needs_quotes(v)) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

void set_level(level l) noexcept { g_level.store(l, std::memory_order_relaxed); }
level current_level() noexcept { return g_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view s, level& out) noexcept {
    for (auto l : {level::debug, level::info, level::warn, level::error, level::off})
        if (s == name_of(l)) {
            out = l;
            return true;
        }
    return false;
}

line::line(level l, std::string_view component, std::string_view event) : on_{enabled(l)} {
    if (!on_) return;
    const auto ts = format_utc_ms(std::chrono::system_clock::now());
    text_.reserve(160);
    text_ += "ts=";
    text_ += ts;
    text_ += " level=";
    text_ += name_of(l);
    text_ += " comp=";
    text_ += component;
    text_ += " event=";
    text_ += event;
}

line& line::kv(std::string_view key, std::string_view value) {
    if (!on_) return *this;
    text_ += ' ';
    text_ += key;
    text_ += '=';
    append_value(text_, value);
    return *this;
}

line::~line() {
    if (!on_) return;
    text_ += '\n';
    // One fwrite per line keeps lines whole when several threads log.
    std::fwrite(text_.data(), 1, text_.size(), stderr);
}

} // namespace twinsms::log
