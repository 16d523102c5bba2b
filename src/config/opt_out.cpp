// The `opt_out` key of client profiles (config/opt_out.hpp).
#include <algorithm>
#include <cctype>

#include "config/profile_files.hpp"

namespace twinsms::config {
namespace {

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// Keywords are one word (the MO's first word is compared), kept upper case.
std::vector<std::string> keyword_list(const reader& r) {
    std::vector<std::string> out;
    for (const auto& i : r.items()) {
        auto k = i.non_empty_str();
        if (k.find_first_of(" \t\r\n") != std::string::npos) i.fail("a keyword is one word, got '" + k + "'");
        out.push_back(upper(std::move(k)));
    }
    if (out.empty()) r.fail("at least one keyword");
    return out;
}

} // namespace

opt_out_settings read_opt_out(const reader& r) {
    opt_out_settings s;
    if (auto k = r.find("stop")) s.stop = keyword_list(*k);
    if (auto k = r.find("start")) s.start = keyword_list(*k);
    for (const auto& k : s.start)
        if (std::find(s.stop.begin(), s.stop.end(), k) != s.stop.end())
            r.at(r.find("start") ? "start" : "stop").fail("'" + k + "' is both a stop and a start keyword");
    s.enforce = r.bool_or("enforce", true);
    r.finish();
    return s;
}

} // namespace twinsms::config
