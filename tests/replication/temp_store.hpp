#pragma once
// A temporary folder for the replication tests' stores, removed afterwards,
// and store options for a store in it (small map, no fsync).
#include <filesystem>
#include <random>
#include <string>

#include "store/message_store.hpp"

namespace twinsms::test {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() /
               ("twinsms-replication-test-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

inline store::store_options temp_store_options(const std::filesystem::path& p, std::uint64_t map_size = 32 << 20) {
    store::store_options o;
    o.path = p;
    o.map_size = map_size;
    o.sync = false;
    return o;
}

} // namespace twinsms::test
