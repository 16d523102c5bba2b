#define BOOST_TEST_MODULE config_reader
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/reader.hpp"

using namespace twinsms::config;
namespace fs = std::filesystem;

namespace {

// A YAML file in a fresh temporary folder, removed at the end of the test.
struct temp_yaml {
    fs::path dir = fs::temp_directory_path() / ("twinsms-cfg-" + std::to_string(std::rand()) + "-" +
                                                std::to_string(::getpid()));
    fs::path file;
    explicit temp_yaml(const std::string& text, const std::string& name = "carriers/acme.yaml") {
        file = dir / name;
        fs::create_directories(file.parent_path());
        std::ofstream{file} << text;
    }
    ~temp_yaml() { fs::remove_all(dir); }
    reader top() const { return reader{load_file(file.string()), name(), ""}; }
    std::string name() const { return file.string(); }
};

// The message of the config_error `f` throws.
template <class F> std::string error_of(F&& f) {
    try {
        f();
    } catch (const config_error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

BOOST_AUTO_TEST_CASE(bad_value_names_file_line_column_and_path) {
    temp_yaml y{"carriers:\n  acme:\n    host: 127.0.0.1\n    window: -3\n"};
    const auto msg = error_of([&] { y.top().at("carriers").at("acme").at("window").positive(); });
    BOOST_TEST(msg == y.name() + ":4:13: carriers.acme.window: must be between 1 and 4294967295, got -3");
}

BOOST_AUTO_TEST_CASE(non_number_says_expected_positive_integer) {
    temp_yaml y{"window: ten\n"};
    const auto msg = error_of([&] { y.top().at("window").positive(); });
    BOOST_TEST(msg == y.name() + ":1:9: window: expected a positive integer, got 'ten'");
}

BOOST_AUTO_TEST_CASE(unknown_key_is_an_error_at_the_key) {
    temp_yaml y{"carrier:\n  host: a\n  windw: 10\n"};
    const auto msg = error_of([&] {
        auto c = y.top().at("carrier");
        c.at("host").str();
        c.finish();
    });
    BOOST_TEST(msg == y.name() + ":3:3: carrier.windw: unknown key");
}

BOOST_AUTO_TEST_CASE(missing_required_key) {
    temp_yaml y{"carrier:\n  host: a\n"};
    const auto msg = error_of([&] { y.top().at("carrier").at("port"); });
    BOOST_TEST(msg == y.name() + ":2:3: carrier: missing required key 'port'");
}

BOOST_AUTO_TEST_CASE(syntax_error_has_position) {
    temp_yaml y{"a: [1, 2\nb: 3\n"};
    const auto msg = error_of([&] { y.top(); });
    BOOST_TEST(msg.rfind(y.name() + ":", 0) == 0);
    BOOST_TEST(msg.find("(no error)") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_file) {
    const auto msg = error_of([] { load_file("/nonexistent/twinsms.yaml"); });
    BOOST_TEST(msg.find("/nonexistent/twinsms.yaml: cannot open") == 0);
}

BOOST_AUTO_TEST_CASE(durations) {
    temp_yaml y{"a: 250ms\nb: 30s\nc: 5m\nd: 72h\ne: 1d\nf: 2\ng: 1.5s\nh: 10x\ni: ms\n"};
    auto t = y.top();
    using std::chrono::milliseconds;
    BOOST_TEST(t.at("a").duration().count() == 250);
    BOOST_TEST(t.at("b").duration().count() == 30'000);
    BOOST_TEST(t.at("c").duration().count() == 300'000);
    BOOST_TEST(t.at("d").duration().count() == 72LL * 3'600'000);
    BOOST_TEST(t.at("e").duration().count() == 86'400'000);
    BOOST_TEST(t.at("f").duration().count() == 2'000);
    BOOST_TEST(t.at("g").duration().count() == 1'500);
    BOOST_TEST(error_of([&] { t.at("h").duration(); }).find("h: expected a duration") != std::string::npos);
    BOOST_TEST(error_of([&] { t.at("i").duration(); }).find("i: expected a duration") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(choices_and_booleans) {
    temp_yaml y{"state: passive\nbad: maybe\nflag: yes\n"};
    auto t = y.top();
    BOOST_TEST(t.at("state").choice({"active", "passive"}) == 1u);
    BOOST_TEST(error_of([&] { t.at("bad").choice({"active", "passive"}); }) ==
               y.name() + ":2:6: bad: expected one of active, passive, got 'maybe'");
    BOOST_TEST(t.at("flag").boolean());
}

BOOST_AUTO_TEST_CASE(secrets_inline_env_file) {
    temp_yaml y{"a: inline\nb: {env: TWINSMS_TEST_SECRET}\nc: {env: TWINSMS_TEST_UNSET}\nd: {file: PLACEHOLDER}\n"};
    const auto secret_file = y.dir / "pw.txt";
    std::ofstream{secret_file} << "from-file\n";
    {
        std::ofstream out{y.file};
        out << "a: inline\nb: {env: TWINSMS_TEST_SECRET}\nc: {env: TWINSMS_TEST_UNSET}\nd: {file: "
            << secret_file.string() << "}\ne: {vault: x}\n";
    }
    ::setenv("TWINSMS_TEST_SECRET", "from-env", 1);
    ::unsetenv("TWINSMS_TEST_UNSET");
    auto t = y.top();
    BOOST_TEST(t.at("a").secret() == "inline");
    BOOST_TEST(t.at("b").secret() == "from-env");
    BOOST_TEST(t.at("d").secret() == "from-file");
    BOOST_TEST(error_of([&] { t.at("c").secret(); }).find("c.env: environment variable TWINSMS_TEST_UNSET is not set") !=
               std::string::npos);
    BOOST_TEST(error_of([&] { t.at("e").secret(); }).find("e.vault: unknown key") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lists_and_entries_keep_order_and_paths) {
    temp_yaml y{"sources: [10.0.0.0/8, 192.168.0.1]\nsingle: 1.2.3.4\nmap: {z: 1, a: 2}\n"};
    auto t = y.top();
    auto items = t.at("sources").items();
    BOOST_REQUIRE_EQUAL(items.size(), 2u);
    BOOST_TEST(items[1].str() == "192.168.0.1");
    BOOST_TEST(items[1].path() == "sources[1]");
    BOOST_TEST(t.at("single").items().size() == 1u);
    auto e = t.at("map").entries();
    BOOST_REQUIRE_EQUAL(e.size(), 2u);
    BOOST_TEST(e[0].first == "z");
    BOOST_TEST(e[1].second.path() == "map.a");
}
