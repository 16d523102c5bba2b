// twinsmsctl opt-out as a process against the real opt-out endpoints
// (http/opt_out_api.cpp) over a list kept in memory: add, list, export as
// CSV, import a file (header, comments, CSV columns, more numbers than one
// request carries), remove, and the exit codes of refusals and misuse.
#define BOOST_TEST_MODULE ctl_opt_out
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>

#include "ctl/ctl_support.hpp"
#include "http/opt_out_api.hpp"
#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

// The node's side reduced to a map per client ("acme" only), so this test
// is about twinsmsctl and the endpoints; node_opt_out_test has the store.
class memory_lists final : public http::opt_out_backend {
public:
    std::optional<std::vector<http::opt_out_item>> opt_outs(std::string_view client, std::string_view after,
                                                            std::size_t max) override {
        if (client != "acme") return std::nullopt;
        std::vector<http::opt_out_item> out;
        for (auto it = list_.upper_bound(std::string{after}); it != list_.end() && out.size() < max; ++it)
            out.push_back(it->second);
        return out;
    }
    void change_opt_outs(std::string_view client, std::vector<std::string> add, std::vector<std::string> remove,
                         std::function<void(http::admin_reply)> done) override {
        ++changes;
        if (client != "acme") return done(http::admin_error(404, "unknown_client", "no client profile named 'x'"));
        std::int64_t added = 0, removed = 0;
        for (auto& n : add) added += list_.emplace(n, http::opt_out_item{n, 1'765'000'000'000, "admin"}).second;
        for (auto& n : remove) removed += static_cast<std::int64_t>(list_.erase(n));
        done({200, boost::json::object{{"result", "ok"}, {"added", added}, {"removed", removed}}});
    }
    std::size_t size() const { return list_.size(); }
    int changes = 0;

private:
    std::map<std::string, http::opt_out_item> list_;
};

// The lists first: the endpoints refer to them.
struct with_lists {
    memory_lists lists;
};

struct node_fixture : with_lists, admin_node {
    scratch_dir dir;
    node_fixture()
        : admin_node{[this](http::router& r, recording_backend& auth) { http::add_opt_out_routes(r, ctl_token, auth, lists); }} {}
    run_result run(std::vector<std::string> args) { return admin_node::run(std::move(args), {"opt-out"}); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(against_a_node, node_fixture)

BOOST_AUTO_TEST_CASE(add_list_export_remove) {
    auto r = run({"acme", "add", "447700900002", "447700900001"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "opt-out add acme: ok: 2 of 2 numbers added"), r.out);
    r = run({"acme", "list"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "447700900001     2025-12-06T05:46:40.000Z admin"), r.out);
    BOOST_TEST(contains(r.out, "2 numbers on acme's opt-out list"), r.out);
    BOOST_TEST(r.out.find("447700900001") < r.out.find("447700900002"));
    r = run({"acme", "export"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(r.out == "number,at,via\n447700900001,2025-12-06T05:46:40.000Z,admin\n"
                        "447700900002,2025-12-06T05:46:40.000Z,admin\n");
    r = run({"acme", "remove", "447700900001", "447700900009"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "1 of 2 numbers removed"), r.out);
    BOOST_TEST(lists.size() == 1u);
}

BOOST_AUTO_TEST_CASE(import_reads_the_first_column_and_sends_in_chunks) {
    const auto file = dir.path / "stops.csv";
    {
        std::ofstream f{file};
        f << "number,at,via\r\n# from the old gateway\n\n\"447700900100\",2025-01-01,old\n";
        for (int i = 0; i < 4500; ++i) f << "44770090" << 1000 + i << "\n";
    }
    auto r = run({"acme", "import", file.string()});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "opt-out import acme: ok: 4501 of 4501 numbers added"), r.out);
    BOOST_TEST(lists.size() == 4501u);
    BOOST_TEST(lists.changes == 3); // 2000 + 2000 + 501
    // An export is an import elsewhere: the same list again adds nothing.
    r = run({"acme", "export"});
    const auto again = dir.path / "export.csv";
    std::ofstream{again} << r.out;
    r = run({"acme", "import", again.string()});
    BOOST_TEST(contains(r.out, "ok: 0 of 4501 numbers added"), r.out);
}

BOOST_AUTO_TEST_CASE(refusals_and_misuse) {
    auto r = run({"nobody", "add", "447700900001"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(contains(r.err, "unknown_client"), r.err);
    r = run({"nobody", "list"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(run({"acme"}).code == 2);
    BOOST_TEST(run({"acme", "purge"}).code == 2);
    BOOST_TEST(run({"acme", "add"}).code == 2);
    BOOST_TEST(run({"acme", "list", "extra"}).code == 2);
    BOOST_TEST(run({"acme", "import", (dir.path / "missing.csv").string()}).code == 2);
    r = ctl({"--node", url, "--token", "wrong-token-0123456789", "opt-out", "acme", "list"});
    BOOST_TEST(r.code == 5);
}

BOOST_AUTO_TEST_SUITE_END()
