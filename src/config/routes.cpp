#include <regex>

#include "config/profile_files.hpp"

namespace twinsms::config {
namespace {

std::vector<std::string> strings(const reader& r) {
    std::vector<std::string> out;
    for (const auto& i : r.items()) out.push_back(i.non_empty_str());
    return out;
}

route_rule read_rule(const reader& r, std::size_t index, const profile_set& set) {
    route_rule rule;
    rule.name = r.str_or("name", "route" + std::to_string(index + 1));
    if (auto m = r.find("match")) {
        if (auto p = m->find("prefix")) rule.prefixes = strings(*p);
        if (auto x = m->find("regex")) {
            rule.regex = x->non_empty_str();
            try {
                std::regex test{*rule.regex};
            } catch (const std::regex_error& e) {
                x->fail(std::string{"invalid regular expression: "} + e.what());
            }
        }
        if (auto c = m->find("client")) {
            for (const auto& i : c->items()) {
                const auto name = i.non_empty_str();
                if (!set.client(name)) i.fail("no client profile named '" + name + "'");
                rule.clients.push_back(name);
            }
        }
        if (auto s = m->find("source_prefix")) rule.source_prefixes = strings(*s);
        if (auto s = m->find("service_type")) rule.service_type = s->str();
        m->finish();
    }
    if (auto s = r.find("strategy")) rule.strategy = s->choice({"failover", "weighted"}) == 0 ? route_strategy::failover : route_strategy::weighted;
    for (const auto& t : r.at("carriers").items()) {
        route_rule::target tg;
        if (t.node().IsMap()) {
            tg.carrier = t.at("carrier").non_empty_str();
            tg.weight = static_cast<unsigned>(t.int_or("weight", 1, 1, 1'000'000));
            t.finish();
        } else {
            tg.carrier = t.non_empty_str();
        }
        if (!set.carrier(tg.carrier)) t.fail("no carrier profile named '" + tg.carrier + "'");
        rule.carriers.push_back(tg);
    }
    if (rule.carriers.empty()) r.at("carriers").fail("a route needs at least one carrier");
    if (auto q = r.find("quiet_hours")) rule.quiet_hours = read_quiet_hours(*q);
    r.finish();
    return rule;
}

// MO keywords are compared with the first word of the text, so a keyword with
// a space in it could never match: refuse it rather than route nothing.
std::vector<std::string> keywords(const reader& r) {
    std::vector<std::string> out;
    for (const auto& i : r.items()) {
        auto k = i.non_empty_str();
        if (k.find_first_of(" \t\r\n") != std::string::npos) i.fail("a keyword is one word, got '" + k + "'");
        out.push_back(std::move(k));
    }
    return out;
}

mo_rule read_mo_rule(const reader& r, std::size_t index, const profile_set& set) {
    mo_rule rule;
    rule.name = r.str_or("name", "mo" + std::to_string(index + 1));
    if (auto m = r.find("match")) {
        if (auto p = m->find("destination_prefix")) rule.destination_prefixes = strings(*p);
        if (auto k = m->find("keyword")) rule.keywords = keywords(*k);
        if (auto s = m->find("source_prefix")) rule.source_prefixes = strings(*s);
        if (auto c = m->find("carrier")) {
            for (const auto& i : c->items()) {
                const auto name = i.non_empty_str();
                if (!set.carrier(name)) i.fail("no carrier profile named '" + name + "'");
                rule.carriers.push_back(name);
            }
        }
        m->finish();
    }
    const auto c = r.at("client");
    rule.client = c.non_empty_str();
    if (!set.client(rule.client)) c.fail("no client profile named '" + rule.client + "'");
    r.finish();
    return rule;
}

} // namespace

void read_routes(const std::filesystem::path& file, profile_set& set) {
    reader top{load_file(file.string()), file.string(), ""};
    const auto list = top.at("routes");
    const auto mo = top.find("mo");
    top.finish();
    std::size_t i = 0;
    for (const auto& r : list.items()) set.routes.push_back(read_rule(r, i++, set));
    i = 0;
    if (mo)
        for (const auto& r : mo->items()) set.mo_routes.push_back(read_mo_rule(r, i++, set));
}

} // namespace twinsms::config
