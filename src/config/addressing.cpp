// The addressing keys of client and carrier profiles: numbering, senders,
// sender_override and destinations (config/addressing.hpp).
#include <algorithm>
#include <regex>

#include "config/profile_files.hpp"

namespace twinsms::config {
namespace {

bool all_digits(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

std::string digits(const reader& r, std::size_t max, bool may_be_empty = false) {
    auto s = r.str();
    if (s.empty() && !may_be_empty) r.fail("expected digits");
    if (!all_digits(s)) r.fail("expected digits only");
    if (s.size() > max) r.fail("at most " + std::to_string(max) + " digits");
    return s;
}

// A number prefix as a handset or a client writes it: digits, or '+'
// followed by digits.
std::string number_prefix(const reader& r) {
    auto s = r.str();
    const std::string_view rest = !s.empty() && s[0] == '+' ? std::string_view{s}.substr(1) : std::string_view{s};
    if (s.empty() || !all_digits(rest)) r.fail("expected a number prefix: digits, or '+' and digits");
    if (s.size() > 20) r.fail("a prefix is at most 20 characters");
    return s;
}

std::vector<std::string> prefix_list(const reader& r) {
    std::vector<std::string> out;
    for (const auto& p : r.items()) out.push_back(digits(p, 20));
    return out;
}

} // namespace

numbering_settings read_numbering(const reader& r) {
    numbering_settings n;
    if (auto c = r.find("country")) n.country = digits(*c, 3);
    if (auto t = r.find("trunk")) {
        n.trunk = digits(*t, 4);
        if (n.country.empty()) t->fail("a trunk prefix needs the country code (country)");
    }
    if (auto i = r.find("international")) {
        n.international.clear();
        for (const auto& p : i->items()) n.international.push_back(number_prefix(p));
        if (n.international.empty()) i->fail("at least one prefix (the usual ones are \"+\" and \"00\")");
    }
    // Longest first, so "00" wins over "0" and the longest rewrite is tried first.
    const auto longest = [](const std::string& a, const std::string& b) { return a.size() > b.size(); };
    std::stable_sort(n.international.begin(), n.international.end(), longest);
    if (!n.trunk.empty())
        for (const auto& p : n.international)
            if (p == n.trunk) r.at("trunk").fail("the trunk prefix is also listed as international");
    if (auto rw = r.find("rewrite")) {
        for (const auto& e : rw->items()) {
            numbering_settings::rewrite w;
            w.prefix = number_prefix(e.at("prefix"));
            if (auto to = e.find("replacement")) {
                w.replacement = to->str();
                if (!w.replacement.empty()) w.replacement = number_prefix(*to);
            }
            e.finish();
            n.rewrites.push_back(std::move(w));
        }
        std::stable_sort(n.rewrites.begin(), n.rewrites.end(),
                         [](const auto& a, const auto& b) { return a.prefix.size() > b.prefix.size(); });
    }
    if (auto s = r.find("short_codes")) {
        n.short_code_max = static_cast<unsigned>(s->int_or("max_digits", n.short_code_max, 0, 15));
        n.short_code_ton = static_cast<std::uint8_t>(s->int_or("ton", n.short_code_ton, 0, 6));
        n.short_code_npi = static_cast<std::uint8_t>(s->int_or("npi", n.short_code_npi, 0, 18));
        s->finish();
    }
    if (auto f = r.find("format")) {
        switch (f->choice({"international", "plus", "national"})) {
        case 0: n.format = number_format::international; break;
        case 1: n.format = number_format::plus; break;
        default:
            n.format = number_format::national;
            if (n.trunk.empty()) f->fail("the national format needs country and trunk");
        }
    }
    r.finish();
    return n;
}

sender_settings read_senders(const reader& r) {
    sender_settings s;
    if (auto a = r.find("allowed"))
        for (const auto& e : a->items()) {
            auto v = e.non_empty_str();
            if (v.size() > 20) e.fail("a sender is at most 20 characters (SMPP 3.4 source_addr)");
            s.allowed.push_back(std::move(v));
        }
    if (auto p = r.find("prefixes"))
        for (const auto& e : p->items()) s.prefixes.push_back(e.non_empty_str());
    if (auto x = r.find("regex")) {
        s.regex = x->non_empty_str();
        try {
            std::regex{*s.regex, std::regex::ECMAScript};
        } catch (const std::regex_error& e) {
            x->fail(std::string{"not a valid regular expression: "} + e.what());
        }
    }
    if (auto d = r.find("default")) {
        s.default_sender = d->non_empty_str();
        if (s.default_sender.size() > 20) d->fail("a sender is at most 20 characters (SMPP 3.4 source_addr)");
    }
    r.finish();
    return s;
}

std::string read_sender_override(const reader& r) {
    auto s = r.non_empty_str();
    if (s.size() > 20) r.fail("a sender is at most 20 characters (SMPP 3.4 source_addr)");
    return s;
}

destination_settings read_destinations(const reader& r) {
    destination_settings d;
    if (auto a = r.find("allowed")) d.allowed = prefix_list(*a);
    if (auto n = r.find("denied")) d.denied = prefix_list(*n);
    r.finish();
    return d;
}

} // namespace twinsms::config
