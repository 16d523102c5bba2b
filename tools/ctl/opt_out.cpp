#include "opt_out.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace twinsms::ctl {
namespace {

namespace json = boost::json;

constexpr int exit_ok = 0, exit_refused = 1, exit_usage = 2;
constexpr std::size_t import_chunk = 2000; // numbers per POST: well inside the node's 64 KiB body limit

std::string path_of(const options& o) { return "/api/v1/clients/" + url_encode(o.args[0]) + "/opt-outs"; }

int fail(int rc, const std::string& message) {
    std::fprintf(stderr, "twinsmsctl: %s\n", message.c_str());
    return rc;
}

// Every page of the list, in number order.
int fetch_all(const options& o, const judge_fn& judge, json::array& out) {
    std::string after;
    for (;;) {
        std::string target = path_of(o) + "?limit=10000";
        if (!after.empty()) target += "&after=" + url_encode(after);
        const auto r = http_request(o.url, "GET", target, o.token, o.timeout);
        if (const int rc = judge(r, "opt-out list " + o.args[0])) return rc;
        boost::system::error_code ec;
        auto v = json::parse(r.body, ec);
        if (ec || !v.is_object() || !v.as_object().contains("opt_outs"))
            return fail(exit_refused, "the node's answer is not an opt-out list: " + r.body.substr(0, 200));
        for (auto& e : v.as_object()["opt_outs"].as_array()) out.push_back(std::move(e));
        const auto& next = v.as_object()["next"];
        if (!next.is_string()) return exit_ok;
        after = std::string{next.as_string()};
    }
}

std::string field(const json::value& e, const char* key) {
    const auto* v = e.as_object().if_contains(key);
    return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}

// CSV: quoted only where it must be (a comma, a quote or a line break).
std::string csv(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string{"\"\""} : std::string(1, c);
    return out + "\"";
}

int change(const options& o, const judge_fn& judge, const char* key, const std::vector<std::string>& numbers,
           std::size_t& done) {
    for (std::size_t at = 0; at < numbers.size(); at += import_chunk) {
        json::array a;
        for (std::size_t i = at; i < std::min(numbers.size(), at + import_chunk); ++i) a.emplace_back(numbers[i]);
        const auto r = http_request(o.url, "POST", path_of(o), o.token, o.timeout, json::serialize(json::object{{key, a}}));
        if (const int rc = judge(r, "opt-out " + o.args[1] + " " + o.args[0])) return rc;
        boost::system::error_code ec;
        const auto v = json::parse(r.body, ec);
        if (!ec && v.is_object())
            if (const auto* n = v.as_object().if_contains(key[0] == 'a' ? "added" : "removed"); n && n->is_number())
                done += static_cast<std::size_t>(n->to_number<std::int64_t>());
    }
    return exit_ok;
}

// One number per line: the first comma-separated field, unquoted; blank
// lines, '#' comments and a header (a first field with no digit) skipped.
bool read_numbers(const std::string& file, std::vector<std::string>& out) {
    std::ifstream f;
    std::istream* in = &std::cin;
    if (file != "-") {
        f.open(file);
        if (!f) return false;
        in = &f;
    }
    std::string line;
    while (std::getline(*in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto first = line.substr(0, line.find(','));
        std::erase(first, '"');
        while (!first.empty() && (first.front() == ' ' || first.front() == '\t')) first.erase(0, 1);
        while (!first.empty() && (first.back() == ' ' || first.back() == '\t')) first.pop_back();
        if (first.empty() || first[0] == '#' || first.find_first_of("0123456789") == std::string::npos) continue;
        out.push_back(std::move(first));
    }
    return true;
}

} // namespace

int run_opt_out(const options& o, const judge_fn& judge) {
    const auto& action = o.args[1];
    const std::vector<std::string> rest(o.args.begin() + 2, o.args.end());
    if (action == "list" || action == "export") {
        if (!rest.empty()) return fail(exit_usage, "opt-out " + action + " takes only CLIENT");
        json::array all;
        if (const int rc = fetch_all(o, judge, all)) return rc;
        if (action == "export") std::puts("number,at,via");
        for (const auto& e : all) {
            if (action == "export")
                std::printf("%s,%s,%s\n", csv(field(e, "number")).c_str(), csv(field(e, "at")).c_str(), csv(field(e, "via")).c_str());
            else
                std::printf("%-16s %-24s %s\n", field(e, "number").c_str(), field(e, "at").c_str(), field(e, "via").c_str());
        }
        if (action == "list") std::printf("%zu numbers on %s's opt-out list\n", all.size(), o.args[0].c_str());
        return exit_ok;
    }
    std::vector<std::string> numbers;
    if (action == "add" || action == "remove") {
        if (rest.empty()) return fail(exit_usage, "opt-out " + action + " needs CLIENT and at least one NUMBER");
        numbers = rest;
    } else if (action == "import") {
        if (rest.size() != 1) return fail(exit_usage, "opt-out import needs CLIENT and one FILE ('-': standard input)");
        if (!read_numbers(rest[0], numbers)) return fail(exit_usage, "cannot read '" + rest[0] + "'");
    } else {
        return fail(exit_usage, "unknown opt-out action '" + action + "' (list, add, remove, import, export)");
    }
    std::size_t done = 0;
    if (const int rc = change(o, judge, action == "remove" ? "remove" : "add", numbers, done)) return rc;
    std::printf("opt-out %s %s: ok: %zu of %zu numbers %s\n", action.c_str(), o.args[0].c_str(), done, numbers.size(),
                action == "remove" ? "removed" : "added (the others were on the list already)");
    return exit_ok;
}

} // namespace twinsms::ctl
