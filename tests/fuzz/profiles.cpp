// The YAML profile loader on arbitrary profile folders. The input is split
// at NUL bytes into the files of a folder like profiles/demo (node.yaml,
// clients/demo.yaml, carriers/sim.yaml, routes.yaml, then extra clients and
// carriers), written to a temporary folder and loaded. Properties: the
// loader either returns a profile set or throws config_error, whose message
// names the file it is about (file:line:column where YAML gave a place);
// nothing else escapes, whatever the bytes.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/profiles.hpp"
#include "config/reader.hpp"
#include "fuzz_support.hpp"

using namespace twinsms;
namespace fs = std::filesystem;

namespace {

// Removed at exit (libFuzzer's end of run, the replay's return).
struct scratch {
    fs::path dir;
    ~scratch() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

const fs::path& folder() {
    static const scratch s{[] {
        // In memory where there is a tmpfs: the target writes a folder per input.
        std::error_code ec;
        const fs::path base = fs::is_directory("/dev/shm", ec) ? fs::path{"/dev/shm"} : fs::temp_directory_path();
        std::string tmpl = (base / "twinsms-fuzz-profiles-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) std::abort();
        const fs::path dir{tmpl};
        fs::create_directories(dir / "clients");
        fs::create_directories(dir / "carriers");
        return dir;
    }()};
    return s.dir;
}

const char* const names[] = {"node.yaml", "clients/demo.yaml", "carriers/sim.yaml", "routes.yaml",
                             "clients/extra.yaml", "carriers/extra.yaml"};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text{reinterpret_cast<const char*>(data), size};
    const auto& dir = folder();
    std::size_t at = 0;
    for (const char* n : names) {
        if (at > text.size()) { // fewer parts than files: the rest are absent
            std::error_code ec;
            fs::remove(dir / n, ec);
            continue;
        }
        auto end = text.find('\0', at);
        if (end == std::string_view::npos) end = text.size();
        std::ofstream{dir / n, std::ios::binary | std::ios::trunc} << text.substr(at, end - at);
        at = end + 1;
    }
    try {
        (void)config::load_profiles(dir);
    } catch (const config::config_error& e) {
        const std::string_view what = e.what();
        FUZZ_CHECK(what.find(".yaml") != std::string_view::npos || what.find(dir.string()) != std::string_view::npos,
                   "a profile error names its file");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "not a config_error: %s\n", e.what());
        FUZZ_CHECK(false, "every bad profile is a config_error");
    }
    return 0;
}
