// GET /metrics' renderer: the Prometheus text format 0.0.4 checked line by
// line with a small parser (comments, names, labels and their escaping,
// a TYPE for every sample), against a node in-process after some traffic.
#define BOOST_TEST_MODULE node_metrics
#include "app/node_harness.hpp"

#include <cstdlib>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "alert/alerter.hpp"
#include "app/node_metrics.hpp"
#include "http/server.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct exposition {
    std::vector<sample> samples;
    std::map<std::string, std::string> types; // name -> type
    std::vector<std::string> errors;          // "line N: why"

    const sample* find(std::string_view name, const std::map<std::string, std::string>& labels = {}) const {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return &s;
        return nullptr;
    }
};

bool valid_name(std::string_view n) {
    static const std::regex re{"[a-zA-Z_:][a-zA-Z0-9_:]*"};
    return std::regex_match(n.begin(), n.end(), re);
}
bool valid_label_name(std::string_view n) {
    static const std::regex re{"[a-zA-Z_][a-zA-Z0-9_]*"};
    return std::regex_match(n.begin(), n.end(), re);
}

// Parses `text` strictly: every line a # HELP, a # TYPE or a sample
// `name{label="value",...} value`; anything else is an error.
exposition parse(const std::string& text) {
    exposition e;
    std::istringstream in{text};
    std::string line;
    int no = 0;
    auto fail = [&](const std::string& why) { e.errors.push_back("line " + std::to_string(no) + ": " + why + ": " + line); };
    if (!text.empty() && text.back() != '\n') e.errors.push_back("does not end in a newline");
    while (std::getline(in, line)) {
        ++no;
        if (line.empty()) { fail("empty line"); continue; }
        if (line[0] == '#') {
            std::istringstream l{line};
            std::string hash, kind, name, rest;
            l >> hash >> kind >> name;
            std::getline(l, rest);
            if (hash != "#" || (kind != "HELP" && kind != "TYPE") || !valid_name(name)) { fail("bad comment"); continue; }
            if (kind == "TYPE") {
                if (rest != " counter" && rest != " gauge") { fail("bad type"); continue; }
                if (e.types.count(name)) fail("second TYPE");
                e.types[name] = rest.substr(1);
            }
            continue;
        }
        sample s;
        std::size_t i = 0;
        while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
        s.name = line.substr(0, i);
        if (!valid_name(s.name)) { fail("bad metric name"); continue; }
        bool ok = true;
        if (i < line.size() && line[i] == '{') {
            ++i;
            while (ok && i < line.size() && line[i] != '}') {
                const auto eq = line.find('=', i);
                if (eq == std::string::npos) { ok = false; break; }
                const auto lname = line.substr(i, eq - i);
                if (!valid_label_name(lname) || eq + 1 >= line.size() || line[eq + 1] != '"') { ok = false; break; }
                std::string value;
                std::size_t j = eq + 2;
                for (; j < line.size() && line[j] != '"'; ++j) {
                    if (line[j] == '\\') {
                        if (++j >= line.size()) { ok = false; break; }
                        if (line[j] == 'n') value += '\n';
                        else if (line[j] == '\\' || line[j] == '"') value += line[j];
                        else { ok = false; break; }
                    } else {
                        value += line[j];
                    }
                }
                if (!ok || j >= line.size()) { ok = false; break; }
                if (s.labels.count(lname)) ok = false;
                s.labels[lname] = value;
                i = j + 1;
                if (i < line.size() && line[i] == ',') ++i;
                else if (i >= line.size() || line[i] != '}') ok = false;
            }
            if (!ok || i >= line.size()) { fail("bad labels"); continue; }
            ++i; // '}'
        }
        if (i >= line.size() || line[i] != ' ') { fail("no value"); continue; }
        const auto v = line.substr(i + 1);
        char* end = nullptr;
        if (v == "NaN" || v == "+Inf" || v == "-Inf") s.value = 0;
        else {
            s.value = std::strtod(v.c_str(), &end);
            if (v.empty() || *end != '\0') { fail("bad value"); continue; }
        }
        if (!e.types.count(s.name)) fail("sample without a TYPE before it");
        for (const auto& o : e.samples)
            if (o.name == s.name && o.labels == s.labels) fail("duplicate sample");
        e.samples.push_back(std::move(s));
    }
    return e;
}

std::string errors_of(const exposition& e) {
    std::string s;
    for (const auto& x : e.errors) s += "\n  " + x;
    return s;
}

struct node_with_carrier : node_fixture {
    node_with_carrier() {
        add_carrier("sim");
        profiles.routes = {route_to("all", {"sim"})};
        start_node();
        wait_carriers_up();
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
    BOOST_TEST(app::escape_label_value("plain") == "plain");
    BOOST_TEST(app::escape_label_value("a\"b\\c\nd") == "a\\\"b\\\\c\\nd");

    app::metrics_writer w;
    w.family("twinsms_test_total", "counter", "help with \\ and\nnewline");
    w.sample({{"carrier", "we\"ird\\na\nme"}, {"x", ""}}, std::uint64_t{7});
    w.family("twinsms_test_seconds", "gauge", "a gauge");
    w.sample({}, 1.25);
    const auto text = w.text();
    BOOST_TEST(text.find("# HELP twinsms_test_total help with \\\\ and\\nnewline\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_total{carrier=\"we\\\"ird\\\\na\\nme\",x=\"\"} 7\n") != std::string::npos, text);
    BOOST_TEST(text.find("twinsms_test_seconds 1.25\n") != std::string::npos, text);
    const auto e = parse(text);
    BOOST_TEST(e.errors.empty(), errors_of(e));
    const auto* s = e.find("twinsms_test_total", {{"carrier", "we\"ird\\na\nme"}, {"x", ""}});
    BOOST_REQUIRE(s);
    BOOST_TEST(s->value == 7);
}

BOOST_AUTO_TEST_CASE(the_parser_refuses_what_is_not_the_format) {
    BOOST_TEST(!parse("# TYPE a counter\na{b=\"c} 1\n").errors.empty());     // unterminated value
    BOOST_TEST(!parse("# TYPE a counter\na{b=\"\\x\"} 1\n").errors.empty()); // unknown escape
    BOOST_TEST(!parse("a 1\n").errors.empty());                              // no TYPE
    BOOST_TEST(!parse("# TYPE 1a counter\n1a 1\n").errors.empty());          // bad name
    BOOST_TEST(!parse("# TYPE a counter\na one\n").errors.empty());          // bad value
    BOOST_TEST(parse("# TYPE a:b gauge\na:b{c=\"d\"} -1.5\n").errors.empty());
}

BOOST_FIXTURE_TEST_CASE(a_node_after_traffic, node_with_carrier) {
    auto c = client();
    constexpr int n = 5;
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
        auto a = request(*c, make_submit("467000000" + std::to_string(i), "m" + std::to_string(i), 0));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    for (const auto& id : ids) wait_state(id, store::msg_state::delivered);

    asio::io_context alert_io;
    alert::alerter alerts{alert_io.get_executor(), config::alert_settings{}, "test", {}};
    const auto text = app::render_metrics(*node, &alerts);
    BOOST_TEST_MESSAGE(text);
    const auto e = parse(text);
    BOOST_TEST(e.errors.empty(), errors_of(e));
    for (const auto& s : e.samples) BOOST_TEST(s.name.rfind("twinsms_", 0) == 0u, s.name);
    for (const auto& [name, type] : e.types)
        if (type == "counter") BOOST_TEST((name.size() > 6 && name.substr(name.size() - 6) == "_total"), name);

    auto value = [&](std::string_view name, std::map<std::string, std::string> labels = {}) {
        const auto* s = e.find(name, labels);
        BOOST_TEST_REQUIRE(s != nullptr, std::string{name});
        return s->value;
    };
    BOOST_TEST(value("twinsms_node_info", {{"node", "test"}, {"role", "primary"}}) == 1);
    BOOST_TEST(value("twinsms_carrier_submitted_total", {{"carrier", "sim"}}) == n);
    BOOST_TEST(value("twinsms_carrier_accepted_total", {{"carrier", "sim"}}) == n);
    BOOST_TEST(value("twinsms_carrier_bound", {{"carrier", "sim"}}) == 1);
    BOOST_TEST(value("twinsms_carrier_binds_total", {{"carrier", "sim"}}) >= 1);
    BOOST_TEST(value("twinsms_carrier_in_flight", {{"carrier", "sim"}}) == 0);
    BOOST_TEST(value("twinsms_submits_accepted_total") == n);
    BOOST_TEST(value("twinsms_submits_refused_total") == 0);
    BOOST_TEST(value("twinsms_dispatch_submitted_total") == n);
    BOOST_TEST(value("twinsms_dispatch_finished_total") == n);
    BOOST_TEST(value("twinsms_store_messages") >= n);
    BOOST_TEST(value("twinsms_store_map_size_bytes") > 0);
    BOOST_TEST(value("twinsms_store_commits_total") > 0);
    BOOST_TEST(e.types.at("twinsms_store_commits_total") == "counter");
    BOOST_TEST(e.types.at("twinsms_dispatch_parked") == "gauge");
    // No cluster section: no cluster metrics.
    BOOST_TEST(!e.types.count("twinsms_cluster_mode"));
    BOOST_TEST(value("twinsms_alerts_raised_total") == 0);
    BOOST_TEST(value("twinsms_alerts_sent_total", {{"channel", "sms"}}) == 0);
    BOOST_TEST(value("twinsms_alerts_failures_total", {{"channel", "email"}}) == 0);
    // Without an alerter, no alert metrics.
    BOOST_TEST(!parse(app::render_metrics(*node, nullptr)).types.count("twinsms_alerts_raised_total"));
}

BOOST_FIXTURE_TEST_CASE(the_handler_wants_the_admin_token, node_with_carrier) {
    auto h = app::metrics_handler(*node, nullptr, "secret-token");
    http::request req;
    req.method = "GET";
    req.target = req.path = "/metrics";
    BOOST_TEST(h(req, {}).status == 401u);
    req.headers = {{"authorization", "Bearer wrong"}};
    BOOST_TEST(h(req, {}).status == 403u);
    req.headers = {{"authorization", "Bearer secret-token"}};
    const auto r = h(req, {});
    BOOST_TEST(r.status == 200u);
    BOOST_TEST(r.content_type.rfind("text/plain; version=0.0.4", 0) == 0u, r.content_type);
    BOOST_TEST(parse(r.body).errors.empty(), errors_of(parse(r.body)));
}
