// twinsmsctl credit as a process against the real credit endpoints
// (http/credit_api.cpp) over balances kept in memory: show, add, set, the
// exact decimals on the wire, and the exit codes of refusals and misuse.
#define BOOST_TEST_MODULE ctl_credit
#include <boost/test/unit_test.hpp>

#include <map>

#include "ctl/ctl_support.hpp"
#include "http/credit_api.hpp"
#include "http/test_support.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

// "acme" pays per part from a balance; "beta" has no credit (409).
class memory_book final : public http::credit_backend {
public:
    std::variant<http::credit_state, http::admin_reply> credit(std::string_view client) override {
        if (client == "beta") return http::admin_error(409, "no_credit", "client 'beta' has no credit in its profile");
        if (client != "acme") return http::admin_error(404, "unknown_client", "no client profile named 'x'");
        return http::credit_state{false, balance, 50'000, true};
    }
    void change_credit(std::string_view client, bool set, std::int64_t amount,
                       std::function<void(std::variant<http::credit_state, http::admin_reply>)> done) override {
        if (client == "acme") {
            amounts.push_back(amount);
            balance = set ? amount : balance + amount;
        }
        done(credit(client));
    }
    std::int64_t balance = 0;
    std::vector<std::int64_t> amounts; // as the node received them
};

// The book first: the endpoints refer to it.
struct with_book {
    memory_book book;
};

struct node_fixture : with_book, admin_node {
    node_fixture()
        : admin_node{[this](http::router& r, recording_backend& auth) { http::add_credit_routes(r, ctl_token, auth, book); }} {}
    run_result run(std::vector<std::string> args) { return admin_node::run(std::move(args), {"credit"}); }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(against_a_node, node_fixture)

BOOST_AUTO_TEST_CASE(show_add_set) {
    auto r = run({"acme", "set", "100"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "acme: 100 left (price 0.05 per part)"), r.out);
    r = run({"acme", "add", "0.000001"}); // the smallest step, exactly
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "acme: 100.000001 left"), r.out);
    r = run({"acme", "add", "-20.5"});
    BOOST_TEST(contains(r.out, "acme: 79.500001 left"), r.out);
    r = run({"acme", "show"});
    BOOST_TEST(r.code == 0, r.err);
    BOOST_TEST(contains(r.out, "acme: 79.500001 left"), r.out);
    BOOST_TEST((book.amounts == std::vector<std::int64_t>{100'000'000, 1, -20'500'000}));
}

BOOST_AUTO_TEST_CASE(refusals_and_misuse) {
    auto r = run({"beta", "show"});
    BOOST_TEST(r.code == 1);
    BOOST_TEST(contains(r.err, "no_credit"), r.err);
    BOOST_TEST(run({"nobody", "add", "1"}).code == 1);
    BOOST_TEST(run({"acme", "add", "1.0000001"}).code == 2); // seven decimals
    BOOST_TEST(run({"acme", "set", "-1"}).code == 2);
    BOOST_TEST(run({"acme", "add", "ten"}).code == 2);
    BOOST_TEST(run({"acme", "add"}).code == 2);
    BOOST_TEST(run({"acme", "show", "1"}).code == 2);
    BOOST_TEST(run({"acme", "spend", "1"}).code == 2);
    BOOST_TEST(book.amounts.empty()); // nothing reached the node
}

BOOST_AUTO_TEST_CASE(amounts_parse_and_print_exactly) {
    BOOST_TEST(http::parse_amount("12.5").value_or(-1) == 12'500'000);
    BOOST_TEST(http::parse_amount("-0.000001").value_or(0) == -1);
    BOOST_TEST(http::parse_amount("7").value_or(0) == 7'000'000);
    BOOST_TEST(!http::parse_amount("1.").has_value());
    BOOST_TEST(!http::parse_amount(".5").has_value());
    BOOST_TEST(!http::parse_amount("1.2345678").has_value());
    BOOST_TEST(!http::parse_amount("1e3").has_value());
    BOOST_TEST(http::format_amount(12'500'000) == "12.5");
    BOOST_TEST(http::format_amount(-1) == "-0.000001");
    BOOST_TEST(http::format_amount(0) == "0");
}

BOOST_AUTO_TEST_SUITE_END()
