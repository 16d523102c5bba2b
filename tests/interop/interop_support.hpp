#pragma once
// Shared pieces of the interop tests: where the third-party peer scripts
// live, pumping an io_context while a child runs, and reading the JSON lines
// the scripts print.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>
#include <boost/test/results_collector.hpp>
#include <boost/test/tools/assertion_result.hpp>
#include <boost/test/unit_test_log.hpp>
#include <boost/test/unit_test_suite.hpp>

#include "interop/child_process.hpp"

#ifndef TWINSMS_SOURCE_DIR
#error "TWINSMS_SOURCE_DIR must name the repository root"
#endif

namespace twinsms::test {

namespace json = boost::json;
using ms = std::chrono::milliseconds;

inline std::filesystem::path interop_dir() { return std::filesystem::path{TWINSMS_SOURCE_DIR} / "tools" / "interop"; }
inline std::string interop_script(std::string_view name) { return (interop_dir() / name).string(); }
// tools/install-deps puts node-smpp here (npm ci against the lockfile).
inline bool node_smpp_installed() {
    return std::filesystem::exists(interop_dir() / "node_modules" / "smpp" / "lib" / "smpp.js");
}
// Test precondition for the node-smpp cases: reported, not silently passed.
struct require_node {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result r{node_smpp_installed()};
        r.message() << "node-smpp not installed in tools/interop/node_modules (run tools/install-deps)";
        return r;
    }
};

// Runs `io` in short slices until `done()` holds or `limit` passes; returns
// done(). Single-threaded: the predicate may poll a child_process and read
// state the io_context's handlers write.
template <class Pred>
bool pump_until(boost::asio::io_context& io, Pred done, ms limit = std::chrono::seconds(20)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= until) return done();
        io.restart();
        if (io.run_for(ms(5)) == 0 && io.stopped()) std::this_thread::sleep_for(ms(2)); // no work at all
    }
    return true;
}

// A bounded observation window for "this must not happen" (observe_quiet in
// session/loopback.hpp, pumped like pump_until): pumps the loop
// for `window` and returns false as soon as `forbidden()` holds (true when
// it stayed false the whole window).
template <class Pred> bool pump_quiet(boost::asio::io_context& io, ms window, Pred forbidden) {
    return !pump_until(io, forbidden, window);
}

// The JSON objects among `lines` (scripts print one object per line).
inline std::vector<json::object> json_lines(const std::vector<std::string>& lines) {
    std::vector<json::object> out;
    for (const auto& l : lines) {
        if (l.empty() || l.front() != '{') continue;
        boost::system::error_code ec;
        auto v = json::parse(l, ec);
        if (!ec && v.is_object()) out.push_back(v.as_object());
    }
    return out;
}

inline std::vector<json::object> events(const std::vector<json::object>& objs, std::string_view name) {
    std::vector<json::object> out;
    for (const auto& o : objs)
        if (auto* e = o.if_contains("event"); e && e->is_string() && e->as_string() == name) out.push_back(o);
    return out;
}

inline std::string str(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string{v->as_string()} : std::string{};
}
inline std::int64_t num(const json::object& o, std::string_view key, std::int64_t dflt = -1) {
    auto* v = o.if_contains(key);
    if (!v) return dflt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
    return dflt;
}
inline bool has(const json::object& o, std::string_view key) { return o.if_contains(key) != nullptr; }

// Logs the child's command line, exit status and output when the current
// test case has failed by the time this goes out of scope.
class dump_on_failure {
public:
    dump_on_failure(const child_process& p, std::string what) : p_{p}, what_{std::move(what)} {}
    ~dump_on_failure() {
        namespace ut = boost::unit_test;
        if (!ut::results_collector.results(ut::framework::current_test_case().p_id).passed())
            BOOST_TEST_MESSAGE(what_ << ": " << p_.describe());
    }
    dump_on_failure(const dump_on_failure&) = delete;
    dump_on_failure& operator=(const dump_on_failure&) = delete;

private:
    const child_process& p_;
    std::string what_;
};

// UTF-16BE bytes of a UTF-16 literal, as SMPP carries UCS-2 (data_coding 8).
inline std::string ucs2_be(std::u16string_view s) {
    std::string out;
    for (char16_t c : s) {
        out.push_back(static_cast<char>(c >> 8));
        out.push_back(static_cast<char>(c & 0xFF));
    }
    return out;
}

inline std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 0xF]);
    }
    return out;
}

} // namespace twinsms::test
