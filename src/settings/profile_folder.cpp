#include "settings/profile_folder.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <yaml-cpp/yaml.h>

#include "config/profiles.hpp"

namespace twinsms::settings {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> slurp(const fs::path& p) {
    std::ifstream in{p, std::ios::binary};
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool is_peer_kind(std::string_view text, std::string_view root) {
    if (root.empty()) return false;
    try {
        const auto doc = YAML::Load(std::string{text});
        const auto k = doc[std::string{root}]["kind"];
        return k && k.IsScalar() && k.Scalar() == "peer";
    } catch (const YAML::Exception&) {
        return false;
    }
}

// Written, flushed to the disk, then renamed over `to`, and the folder
// synced so the rename survives a crash.
std::string write_atomic(const fs::path& to, std::string_view text) {
    const auto tmp = to.parent_path() / ("." + to.filename().string() + ".incoming");
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) return "cannot write " + tmp.string();
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    const bool ok = done == text.size() && ::fsync(fd) == 0;
    ::close(fd);
    std::error_code ec;
    if (!ok) {
        fs::remove(tmp, ec);
        return "cannot write " + tmp.string();
    }
    fs::rename(tmp, to, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return "cannot rename over " + to.string() + ": " + ec.message();
    }
    if (const int d = ::open(to.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);
        ::close(d);
    }
    return {};
}

bool valid_name(std::string_view p) {
    if (p == "routes.yaml") return true;
    for (std::string_view dir : {"clients/", "carriers/"})
        if (p.starts_with(dir)) {
            const auto f = p.substr(dir.size());
            return !f.empty() && f.front() != '.' && f.find('/') == std::string_view::npos &&
                   (f.ends_with(".yaml") || f.ends_with(".yml"));
        }
    return false;
}

} // namespace

profile_folder::profile_folder(fs::path dir, config::replicated_profiles kinds) : dir_{std::move(dir)}, kinds_{kinds} {}

digest_map profile_folder::scan() const {
    digest_map out;
    const auto add = [&](const std::string& key) {
        const auto text = slurp(dir_ / key);
        if (!text) return;
        const auto root = root_of(key);
        if (is_peer_kind(*text, root)) return;
        try {
            out.emplace(key, profile_digest(*text, root));
        } catch (const std::exception&) {
        }
    };
    for (auto [sub, on] : {std::pair{"clients", kinds_.clients}, std::pair{"carriers", kinds_.carriers}}) {
        if (!on || !fs::is_directory(dir_ / sub)) continue;
        for (const auto& e : fs::directory_iterator{dir_ / sub}) {
            const auto key = std::string{sub} + "/" + e.path().filename().string();
            if (e.is_regular_file() && valid_name(key)) add(key);
        }
    }
    if (kinds_.routes && fs::exists(dir_ / "routes.yaml")) add("routes.yaml");
    return out;
}

std::optional<std::string> profile_folder::read(std::string_view profile) const {
    if (!valid_name(profile)) return std::nullopt;
    return slurp(dir_ / std::string{profile});
}

std::string profile_folder::replace(std::string_view profile, std::string_view text) const {
    if (!valid_name(profile)) return "not a replicated profile name";
    const auto root = root_of(profile);
    if (is_peer_kind(text, root)) return "a profile of kind peer is never replicated";
    const auto target = dir_ / std::string{profile};
    const auto candidate = target.parent_path() / ("." + target.filename().string() + ".candidate");
    {
        std::ofstream out{candidate, std::ios::binary | std::ios::trunc};
        out << text;
        if (!out) return "cannot write " + candidate.string();
    }
    std::string why;
    try {
        (void)config::load_profiles(dir_, {{target, candidate}});
    } catch (const std::exception& e) {
        why = std::string{"does not validate here: "} + e.what();
    }
    std::error_code ec;
    fs::remove(candidate, ec);
    if (!why.empty()) return why;
    return write_atomic(target, text);
}

std::string profile_folder::remove(std::string_view profile) const {
    if (!valid_name(profile)) return "not a replicated profile name";
    const auto target = dir_ / std::string{profile};
    if (const auto text = slurp(target); text && is_peer_kind(*text, root_of(profile)))
        return "a profile of kind peer is never replicated";
    try {
        (void)config::load_profiles(dir_, {{target, fs::path{}}});
    } catch (const std::exception& e) {
        return std::string{"the folder does not validate without it: "} + e.what();
    }
    std::error_code ec;
    if (!fs::remove(target, ec) && ec) return "cannot remove " + target.string() + ": " + ec.message();
    if (const int d = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); d >= 0) {
        ::fsync(d);
        ::close(d);
    }
    return {};
}

digest_map load_base(const fs::path& file) {
    digest_map out;
    std::ifstream in{file};
    std::string name, digest;
    while (in >> name >> digest)
        if (valid_name(name) && digest.size() == 64) out.emplace(name, digest);
    return out;
}

bool save_base(const fs::path& file, const digest_map& base) {
    std::string text;
    for (const auto& [p, d] : base) text += p + ' ' + d + '\n';
    return write_atomic(file, text).empty();
}

} // namespace twinsms::settings
