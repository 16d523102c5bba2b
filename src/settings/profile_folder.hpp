#pragma once
// The profile folder as settings replication sees it: which files are
// replicated (clients/*.yaml, carriers/*.yaml, routes.yaml as node.yaml's
// replication.profiles says; never node.yaml, never a profile of kind
// peer: the link is a client on the primary and a carrier on the
// secondary), their digests, and the atomic replacement of one of them by
// the peer's version once it validates with all the others here.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "config/replication.hpp"
#include "settings/profile_digest.hpp"

namespace twinsms::settings {

class profile_folder {
public:
    profile_folder(std::filesystem::path dir, config::replicated_profiles kinds);

    // Every replicated profile and the digest of its file as it is now. A
    // file that does not parse is left out (the reload that loaded the
    // folder said why; it is not replicated while broken).
    digest_map scan() const;
    std::optional<std::string> read(std::string_view profile) const;
    // Checks `text` as `profile` together with every other file of the
    // folder (load_profiles with it in place), then writes it under a
    // temporary name, syncs it and renames it over the old one: the folder
    // holds the old or the new file, whole, at every instant. Empty on
    // success, else why not (nothing changed then).
    std::string replace(std::string_view profile, std::string_view text) const;
    // Checks the folder without `profile` (no route may name a carrier that
    // goes, for one), then removes the file and syncs the folder. Empty on
    // success, else why not (nothing changed then).
    std::string remove(std::string_view profile) const;
    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    std::filesystem::path dir_;
    config::replicated_profiles kinds_;
};

// The agreed versions (profile_sync::base) kept across restarts: one
// "profile digest" line each, replaced atomically. Missing or unreadable:
// empty (nothing agreed yet).
digest_map load_base(const std::filesystem::path& file);
bool save_base(const std::filesystem::path& file, const digest_map& base);

} // namespace twinsms::settings
