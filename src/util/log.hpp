#pragma once
// One structured line per event on stderr, in logfmt (key=value) so that
// journald, grep and log shippers read it without a parser of ours:
//   ts=2026-11-22T05:01:02.123Z level=warn comp=session event=decode_failed peer=10.0.0.1:4000 error="..."
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace twinsms::log {

enum class level { debug = 0, info, warn, error, off };

void set_level(level l) noexcept;
level current_level() noexcept;
inline bool enabled(level l) noexcept { return l >= current_level(); }
// Parses debug|info|warn|error|off; false if unknown.
bool parse_level(std::string_view s, level& out) noexcept;

class line {
public:
    line(level l, std::string_view component, std::string_view event);
    ~line();
    line(const line&) = delete;
    line& operator=(const line&) = delete;

    line& kv(std::string_view key, std::string_view value);
    line& kv(std::string_view key, const char* value) { return kv(key, std::string_view{value}); }
    line& kv(std::string_view key, const std::string& value) { return kv(key, std::string_view{value}); }
    template <class T>
        requires std::is_arithmetic_v<T>
    line& kv(std::string_view key, T value) {
        if (on_) kv(key, std::string_view{std::to_string(value)});
        return *this;
    }

private:
    bool on_;
    std::string text_;
};

inline line debug(std::string_view c, std::string_view e) { return {level::debug, c, e}; }
inline line info(std::string_view c, std::string_view e) { return {level::info, c, e}; }
inline line warn(std::string_view c, std::string_view e) { return {level::warn, c, e}; }
inline line error(std::string_view c, std::string_view e) { return {level::error, c, e}; }

} // namespace twinsms::log
