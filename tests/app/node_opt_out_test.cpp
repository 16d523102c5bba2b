// A client profile with an opt-out list, end to end: an MO STOP through the
// carrier simulator puts the handset on it (the MO still reaches the
// client), the client's messages to it are then refused over SMPP
// (ESME_RX_R_APPN) and HTTP (422 opted_out), START takes it off; the admin
// endpoints list, add and remove, in the client's numbering.
#define BOOST_TEST_MODULE node_opt_out
#include "app/http_node.hpp"

#include <boost/json/parse.hpp>

#include "app/front_doors/opt_out_admin.hpp"
#include "http/opt_out_api.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

const std::string admin_token = "node-admin-token-0123456789";

struct opt_out_node : http_node {
    std::unique_ptr<app::node_opt_outs> lists;
    opt_out_node() : http_node(false) {
        auto& acme = profiles.clients[0];
        config::numbering_settings uk;
        uk.country = "44";
        uk.trunk = "0";
        acme.numbering = uk;
        acme.opt_out = config::opt_out_settings{}; // STOP ... / START, enforced
        config::opt_out_settings record_only;
        record_only.enforce = false;
        profiles.clients[1].opt_out = record_only;
        config::mo_rule to_beta = mo_to_client("beta", "beta");
        to_beta.destination_prefixes = {"80081"};
        profiles.mo_routes = {to_beta, mo_to_client("acme", "acme")};
        start_http();
        lists = std::make_unique<app::node_opt_outs>(*node, io.get_executor());
        http::add_opt_out_routes(admin->routes(), admin_token, *admin_backend, *lists);
    }
    void mo(const std::string& from, const std::string& text, const std::string& to = "80080") {
        sim::mo_message m;
        m.account = "twinsms";
        m.source = from;
        m.destination = to;
        m.text = text;
        carrier.send_mo(m);
    }
    boost::json::value list(const std::string& client = "acme") {
        const auto r = get(admin_token, "/api/v1/clients/" + client + "/opt-outs");
        BOOST_REQUIRE_MESSAGE(r.status == 200u, r.body);
        return boost::json::parse(r.body);
    }
    http_reply change(const std::string& body, const std::string& client = "acme") {
        return call("POST", "/api/v1/clients/" + client + "/opt-outs",
                    {"Authorization: Bearer " + admin_token, "Content-Type: application/json"}, body);
    }
    // TON/NPI unknown, so a national writing is read as one (acme's numbering).
    command_status submit(esme& c, const std::string& to) {
        auto p = make_submit(to, "offer", 0);
        p.as<smpp::submit_sm>()->dest_addr_ton = p.as<smpp::submit_sm>()->dest_addr_npi = 0;
        return request(c, p).status();
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(stop_refuses_the_clients_messages_to_the_handset_until_start, opt_out_node) {
    auto c = client();
    mo("447700900777", "Stop.");
    run([&] { return c->delivered.size() == 1u; }); // the client still gets the STOP
    BOOST_TEST(std::string{c->dsm(0).short_message} == "Stop.");
    BOOST_TEST(node->engine().stats().opt_outs == 1u);

    BOOST_TEST(submit(*c, "07700900777") == status::x_r_appn); // its national writing is the same handset
    BOOST_TEST(submit(*c, "447700900778") == status::ok);      // a neighbour is not
    const auto h = post(send_token, R"({"to":"+447700900777","text":"x"})");
    BOOST_TEST(h.status == 422u, h.body);
    BOOST_TEST(h.error_code() == "opted_out");
    BOOST_TEST(node->submissions().stats().opted_out == 2u);

    const auto l = list();
    BOOST_REQUIRE(l.at("opt_outs").as_array().size() == 1u);
    BOOST_TEST(l.at("opt_outs").at(0).at("number").as_string() == "447700900777");
    BOOST_TEST(l.at("opt_outs").at(0).at("via").as_string() == "mo Stop via sim");
    BOOST_TEST(l.at("next").is_null());

    mo("+447700900777", "start");
    run([&] { return c->delivered.size() == 2u; });
    BOOST_TEST(node->engine().stats().opt_ins == 1u);
    BOOST_TEST(submit(*c, "07700900777") == status::ok);
    BOOST_TEST(list().at("opt_outs").as_array().empty());
    wait_at_carrier(2);
}

BOOST_FIXTURE_TEST_CASE(the_list_survives_a_restart, opt_out_node) {
    auto c = client();
    mo("447700900779", "UNSUBSCRIBE me");
    run([&] { return c->delivered.size() == 1u; });
    c.reset();
    stop_node();
    start_node();
    wait_carriers_up();
    auto again = client();
    BOOST_TEST(submit(*again, "447700900779") == status::x_r_appn);
}

BOOST_FIXTURE_TEST_CASE(an_operator_adds_and_removes_numbers_in_the_clients_writing, opt_out_node) {
    auto r = change(R"({"add":["07700 900888","07700900889"]})");
    BOOST_TEST(r.status == 200u, r.body);
    BOOST_TEST(boost::json::parse(r.body).at("added").as_int64() == 2);
    r = change(R"({"add":["07700900888"]})"); // already there: unchanged
    BOOST_TEST(boost::json::parse(r.body).at("added").as_int64() == 0);
    const auto l = list();
    BOOST_REQUIRE(l.at("opt_outs").as_array().size() == 2u);
    BOOST_TEST(l.at("opt_outs").at(0).at("number").as_string() == "447700900888");
    BOOST_TEST(l.at("opt_outs").at(0).at("via").as_string() == "admin");
    // Paging: one at a time, `next` is the last number of the page.
    const auto p = get(admin_token, "/api/v1/clients/acme/opt-outs?limit=1");
    BOOST_TEST(boost::json::parse(p.body).at("next").as_string() == "447700900888");
    const auto p2 = get(admin_token, "/api/v1/clients/acme/opt-outs?limit=1&after=447700900888");
    BOOST_TEST(boost::json::parse(p2.body).at("opt_outs").at(0).at("number").as_string() == "447700900889");

    auto c = client();
    BOOST_TEST(submit(*c, "447700900888") == status::x_r_appn);
    r = change(R"({"remove":["+447700900888"]})");
    BOOST_TEST(r.status == 200u, r.body);
    BOOST_TEST(submit(*c, "447700900888") == status::ok);
    BOOST_TEST(list().at("opt_outs").as_array().size() == 1u);

    BOOST_TEST(change(R"({"add":["not-a-number"]})").status == 400u);
    BOOST_TEST(change(R"({"add":"447700900001"})").status == 400u);
    BOOST_TEST(change(R"({"drop":[]})").status == 400u);
    BOOST_TEST(change(R"({"add":["447700900001"]})", "nobody").status == 404u);
    BOOST_TEST(get(admin_token, "/api/v1/clients/nobody/opt-outs").status == 404u);
    BOOST_TEST(get(admin_token, "/api/v1/clients/acme/opt-outs?limit=0").status == 400u);
    BOOST_TEST(call("GET", "/api/v1/clients/acme/opt-outs").status == 401u);
    BOOST_TEST(get("wrong-token-0123456789", "/api/v1/clients/acme/opt-outs").status == 403u);
}

BOOST_FIXTURE_TEST_CASE(a_list_that_is_not_enforced_is_kept_and_sends_anyway, opt_out_node) {
    auto b = client(bind_type::transceiver, "beta", "pw2");
    mo("447700900780", "STOP", "80081");
    run([&] { return b->delivered.size() == 1u; });
    BOOST_TEST(list("beta").at("opt_outs").as_array().size() == 1u);
    BOOST_TEST(submit(*b, "447700900780") == status::ok);
    BOOST_TEST(node->submissions().stats().opted_out == 0u);
}
