#pragma once
// Reads YAML into const structs once, with errors that name the file, line,
// column and YAML path:
//   carriers/acme.yaml:12:7: carriers.acme.window: expected a positive integer
// Every key a reader does not consume is an error when finish() runs, so a
// typo never passes silently.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace twinsms::config {

class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Parses a YAML file; syntax errors become config_error with file:line:column.
YAML::Node load_file(const std::string& path);

class reader {
public:
    reader(YAML::Node node, std::string file, std::string path);

    [[noreturn]] void fail(std::string_view message) const;
    const std::string& path() const noexcept { return path_; }
    const std::string& file() const noexcept { return file_; }
    const YAML::Node& node() const noexcept { return node_; }

    // Mappings. Each key read here counts as known for finish().
    bool has(std::string_view key) const;
    reader at(std::string_view key) const;             // required
    std::optional<reader> find(std::string_view key) const;
    std::vector<std::pair<std::string, reader>> entries() const; // all keys, in file order
    void finish() const;                                // unknown keys -> error

    // Sequences (a scalar is read as a sequence of one).
    std::vector<reader> items() const;

    // Scalars.
    std::string str() const;
    std::string non_empty_str() const;
    bool boolean() const;
    std::int64_t integer(std::int64_t min, std::int64_t max) const;
    std::uint32_t positive() const { return static_cast<std::uint32_t>(integer(1, 0xFFFFFFFF)); }
    double number(double min, double max) const;
    // "250ms", "30s", "5m", "72h", "1d"; a bare number is seconds.
    std::chrono::milliseconds duration() const;
    // One of `choices`, returning its index.
    std::size_t choice(std::initializer_list<std::string_view> choices) const;
    // A secret: inline string, {env: NAME} or {file: PATH} (trailing newline trimmed).
    std::string secret() const;

    // Shorthands for optional keys.
    std::string str_or(std::string_view key, std::string def) const;
    bool bool_or(std::string_view key, bool def) const;
    std::int64_t int_or(std::string_view key, std::int64_t def, std::int64_t min, std::int64_t max) const;
    std::chrono::milliseconds duration_or(std::string_view key, std::chrono::milliseconds def) const;

private:
    reader child(const YAML::Node& n, std::string path) const;
    std::string key_of(const YAML::Node& k) const;

    YAML::Node node_;
    std::string file_;
    std::string path_;
    // Shared by copies of the same mapping reader so at()/find() on a copy count.
    std::shared_ptr<std::set<std::string, std::less<>>> used_;
};

} // namespace twinsms::config
