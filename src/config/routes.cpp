#include <regex>

#include "config/profiles.hpp"
#include "config/reader.hpp"

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
    r.finish();
    return rule;
}

} // namespace

std::vector<route_rule> read_routes(const std::filesystem::path& file, const profile_set& set) {
    reader top{load_file(file.string()), file.string(), ""};
    const auto list = top.at("routes");
    top.finish();
    std::vector<route_rule> out;
    std::size_t i = 0;
    for (const auto& r : list.items()) out.push_back(read_rule(r, i++, set));
    return out;
}

} // namespace twinsms::config
