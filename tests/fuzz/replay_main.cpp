// The fuzz targets in the normal build: runs every file under the folders
// (or files) given on the command line through LLVMFuzzerTestOneInput once:
// the committed seed corpus and the regression inputs of crashes found by
// tools/fuzz. A failed FUZZ_CHECK aborts, which fails the ctest.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz_support.hpp"

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    std::size_t n = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path p{argv[i]};
        if (!fs::exists(p)) continue; // a target with no regressions yet
        std::vector<fs::path> files;
        if (fs::is_directory(p)) {
            for (const auto& e : fs::recursive_directory_iterator(p))
                if (e.is_regular_file()) files.push_back(e.path());
        } else {
            files.push_back(p);
        }
        for (const auto& f : files) {
            std::ifstream in{f, std::ios::binary};
            const std::vector<char> data{std::istreambuf_iterator<char>{in}, {}};
            std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), data.size());
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
            ++n;
        }
    }
    std::printf("replayed %zu inputs\n", n);
    return n == 0 ? 1 : 0; // no input at all means the corpus went missing
}
