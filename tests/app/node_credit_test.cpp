// Client credit end to end: an SMS count and a priced balance debited in
// the message's own commit, an empty account refused over SMPP
// (ESME_RSUBMITFAIL) and HTTP (402 no_credit), parts counted, a refund when
// every carrier refuses the message, the balance across a restart, and the
// admin endpoints that show, add and set it.
#define BOOST_TEST_MODULE node_credit
#include "app/http_node.hpp"

#include <boost/json/parse.hpp>

#include "app/front_doors/credit_admin.hpp"
#include "http/credit_api.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

const std::string admin_token = "node-admin-token-0123456789";

struct credit_node : http_node {
    std::unique_ptr<app::node_credit> credit;
    credit_node() : http_node(false) {
        config::credit_settings count;
        count.refund_failures = true;
        profiles.clients[0].credit = count; // acme: SMS count
        config::credit_settings priced;
        priced.mode = config::credit_settings::kind::balance;
        priced.price = 50'000; // 0.05 per part
        priced.route_prices = {{"uk", 40'000}};
        profiles.clients[1].credit = priced; // beta
        start_http();
        credit = std::make_unique<app::node_credit>(*node, io.get_executor());
        http::add_credit_routes(admin->routes(), admin_token, *admin_backend, *credit);
    }
    http_reply change(const std::string& client, const std::string& body) {
        return call("POST", "/api/v1/clients/" + client + "/credit",
                    {"Authorization: Bearer " + admin_token, "Content-Type: application/json"}, body);
    }
    std::int64_t balance(const std::string& client) {
        const auto r = get(admin_token, "/api/v1/clients/" + client + "/credit");
        BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
        return boost::json::parse(r.body).at("balance_micro").as_int64();
    }
    command_status submit(esme& c, const std::string& to = "447700900001") {
        return request(c, make_submit(to, "offer", 0)).status();
    }
};

constexpr std::int64_t one_sms = 1'000'000;

} // namespace

BOOST_FIXTURE_TEST_CASE(a_count_is_spent_per_message_and_an_empty_account_refused, credit_node) {
    BOOST_TEST(balance("acme") == 0);
    auto c = client();
    BOOST_TEST(submit(*c) == status::submitfail); // nothing to spend
    auto r = change("acme", R"({"set": 2})");
    BOOST_TEST(r.status == 200u, r.body);
    BOOST_TEST(submit(*c) == status::ok);
    BOOST_TEST(submit(*c) == status::ok);
    BOOST_TEST(submit(*c) == status::submitfail);
    const auto h = post(send_token, R"({"to":"447700900002","text":"x"})");
    BOOST_TEST(h.status == 402u, h.body);
    BOOST_TEST(h.error_code() == "no_credit");
    BOOST_TEST(balance("acme") == 0);
    BOOST_TEST(node->submissions().stats().no_credit == 3u);
    wait_at_carrier(2);

    // A message of four parts takes four.
    r = change("acme", R"({"add": "5"})");
    BOOST_TEST(boost::json::parse(r.body).at("balance_micro").as_int64() == 5 * one_sms);
    const auto four = post(send_token, R"({"to":"447700900003","text":")" + std::string(600, 'a') + R"("})");
    BOOST_TEST(four.status == 202u, four.body);
    BOOST_TEST(balance("acme") == 1 * one_sms);
}

BOOST_FIXTURE_TEST_CASE(a_balance_pays_the_routes_price_and_survives_a_restart, credit_node) {
    BOOST_TEST(change("beta", R"({"set": "0.1"})").status == 200u);
    auto b = client(bind_type::transceiver, "beta", "pw2");
    BOOST_TEST(submit(*b) == status::ok); // route uk: 0.04
    BOOST_TEST(balance("beta") == 60'000);
    b.reset();
    stop_node();
    start_node();
    wait_carriers_up();
    BOOST_TEST(node->credit().balance("beta") == 60'000);
}

BOOST_FIXTURE_TEST_CASE(a_message_every_carrier_refuses_is_refunded, credit_node) {
    BOOST_TEST(change("acme", R"({"set": 1})").status == 200u);
    carrier.fail_with(status::invdstadr); // permanent: the carrier will never take it
    auto c = client();
    const auto a = request(*c, make_submit("447700900004", "x", 0));
    BOOST_REQUIRE(a.status() == status::ok); // paid: the balance was 1
    wait_state(a.message_id(), store::msg_state::undeliverable);
    BOOST_TEST(node->credit().balance("acme") == one_sms); // refunded in the commit that ended it
    bool refunded = false;
    const auto m = stored(a.message_id());
    BOOST_REQUIRE(m);
    for (const auto& e : m->events) refunded |= e.detail.starts_with("credit refunded");
    BOOST_TEST(refunded);
    BOOST_TEST(node->dispatch().stats().refunds == 1u);
    // Committed, not only in memory (the state above may be read before its commit lands).
    run([&] { return node->message_store().credit_of("acme").value_or(0) == one_sms; });
}

BOOST_FIXTURE_TEST_CASE(admin_refusals, credit_node) {
    BOOST_TEST(change("acme", R"({"add": "1.0000001"})").status == 400u); // seven decimals
    BOOST_TEST(change("acme", R"({"set": -1})").status == 400u);
    BOOST_TEST(change("acme", R"({"add": 1, "set": 2})").status == 400u);
    BOOST_TEST(change("nobody", R"({"add": 1})").status == 404u);
    BOOST_TEST(get(admin_token, "/api/v1/clients/gamma/credit").status == 409u); // no credit in its profile
    BOOST_TEST(get(admin_token, "/api/v1/clients/nobody/credit").status == 404u);
    BOOST_TEST(call("GET", "/api/v1/clients/acme/credit").status == 401u);
    BOOST_TEST(change("acme", R"({"add": -2.5})").status == 200u); // a correction may go below zero
    BOOST_TEST(balance("acme") == -2'500'000);
}
