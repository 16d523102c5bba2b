#pragma once
// A copy of profiles/example in a temporary folder, for config tests that
// rewrite a file and expect an error from load_profiles.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/profiles.hpp"
#include "config/reader.hpp"

namespace twinsms::test {

struct profiles_copy {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("twinsms-conf-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    profiles_copy() {
        ::setenv("ACME_SMPP_PASSWORD", "acme-pw", 1);
        ::setenv("UK_MNO_PASSWORD", "uk-pw", 1);
        std::filesystem::create_directories(dir);
        std::filesystem::copy(std::filesystem::path{TWINSMS_SOURCE_DIR} / "profiles/example", dir,
                              std::filesystem::copy_options::recursive);
    }
    ~profiles_copy() { std::filesystem::remove_all(dir); }
    std::string read(const std::string& rel) const {
        std::ifstream in{dir / rel};
        return {std::istreambuf_iterator<char>{in}, {}};
    }
    void write(const std::string& rel, const std::string& text) const { std::ofstream{dir / rel} << text; }
    // Replaces the first `from` in `rel` (which must be there).
    void replace(const std::string& rel, const std::string& from, const std::string& to) const {
        auto s = read(rel);
        const auto at = s.find(from);
        BOOST_REQUIRE_MESSAGE(at != std::string::npos, rel + " has no '" + from + "'");
        write(rel, s.replace(at, from.size(), to));
    }
    // "acme.yaml:LINE:COLUMN" of the first line of `rel` holding `text`, as
    // errors name it (the example files change; the lines are not fixed here).
    std::string at(const std::string& rel, const std::string& text, int column) const {
        const auto s = read(rel);
        const auto pos = s.find(text);
        BOOST_REQUIRE_MESSAGE(pos != std::string::npos, rel + " has no '" + text + "'");
        const auto line = 1 + std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(pos), '\n');
        return std::filesystem::path{rel}.filename().string() + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    std::string error() const {
        try {
            config::load_profiles(dir);
        } catch (const config::config_error& e) {
            return e.what();
        }
        return "(no error)";
    }
};

} // namespace twinsms::test
