// node-smpp 0.5.1 (tools/interop/esme_client.js) as an ESME against our
// client_listener: bind, enquire_link, submit_sm with TLVs and UCS-2, a
// receipt deliver_sm back, unbind; and refused binds.
#define BOOST_TEST_MODULE interop_node_esme
#include <boost/test/unit_test.hpp>

#include "interop/listener_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

std::vector<client_account> accounts() {
    return {account("nodeuser", "nodepw")};
}

struct node_fixture : listener_fixture {
    node_fixture() : listener_fixture(accounts()) {}
};

child_process run_node_client(std::vector<std::string> args) {
    std::vector<std::string> argv{"node", interop_script("esme_client.js")};
    argv.insert(argv.end(), args.begin(), args.end());
    return child_process{std::move(argv)};
}

// The exact strings esme_client.js sends.
const std::u16string ucs2_text = u"Привет, мир! ✓ twinsms";
std::string payload_text() {
    std::string s;
    for (int i = 0; i < 12; ++i) s += "node smpp message payload 0123456789 ";
    s.pop_back(); // .trim()
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(node_smpp_esme, *boost::unit_test::precondition(require_node{}))

BOOST_FIXTURE_TEST_CASE(bind_submit_receipt_unbind, node_fixture) {
    // Idle 350 ms after binding: our 100 ms keepalive probes it meanwhile.
    auto peer = run_node_client({port_arg(), "nodeuser", "nodepw", "full", "350"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "node client"};
    BOOST_TEST(peer.status().code == 0);
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    const json::object& r = *res;
    BOOST_TEST_MESSAGE("node-smpp saw: " << json::serialize(r));

    // What node-smpp saw.
    BOOST_TEST(num(r, "bind_status") == 0);
    BOOST_TEST(str(r, "bind_system_id") == "twinsms");
    BOOST_TEST(num(r, "bind_sc_interface_version") == 0x34);
    BOOST_TEST(num(r, "enquire_link_status") == 0);
    BOOST_TEST(num(r, "submit1_status") == 0);
    BOOST_TEST(num(r, "submit2_status") == 0);
    BOOST_TEST(num(r, "unbind_status") == 0);
    BOOST_TEST(r.at("unexpected").as_array().empty(), "unexpected PDUs: " << json::serialize(r.at("unexpected")));
    BOOST_TEST(!has(r, "error"), "error: " << str(r, "error"));
    BOOST_TEST(num(r, "enquire_links_received") >= 1); // our keepalive, answered
    BOOST_TEST(peer.err().empty(), "stderr: " << peer.err());

    // What our request_fn received.
    BOOST_REQUIRE(submits.size() == 2u);
    const auto& s1 = submits[0];
    BOOST_TEST(s1.system_id == "nodeuser");
    BOOST_TEST(s1.source_addr == "NodeESME");
    BOOST_TEST(s1.destination_addr == "46701234567");
    BOOST_TEST(s1.dest_addr_ton == 1);
    BOOST_TEST(s1.dest_addr_npi == 1);
    BOOST_TEST(s1.data_coding == 8);
    BOOST_TEST(s1.registered_delivery == 1);
    BOOST_TEST(hex(s1.short_message) == hex(ucs2_be(ucs2_text)));
    BOOST_TEST(s1.user_message_reference.has_value());
    BOOST_TEST(s1.user_message_reference.value_or(0) == 0x1234);
    BOOST_TEST(!s1.message_payload.has_value());

    const auto& s2 = submits[1];
    BOOST_TEST(s2.destination_addr == "46707654321");
    BOOST_TEST(s2.data_coding == 0);
    BOOST_TEST(s2.short_message.empty());
    BOOST_REQUIRE(s2.message_payload.has_value());
    BOOST_TEST(s2.message_payload->size() > 255u);
    BOOST_TEST(*s2.message_payload == payload_text());

    // Message ids: ours, as node-smpp read them.
    BOOST_TEST(str(r, "submit1_message_id") == s1.message_id);
    BOOST_TEST(str(r, "submit2_message_id") == s2.message_id);

    // The receipt we sent, as node-smpp decoded it, and its answer.
    BOOST_REQUIRE(receipts.size() == 1u);
    BOOST_TEST(receipts[0].answered);
    BOOST_TEST(!receipts[0].ec, receipts[0].ec.message());
    BOOST_TEST(receipts[0].status == status::ok);
    BOOST_REQUIRE(r.contains("deliver"));
    const auto& d = r.at("deliver").as_object();
    BOOST_TEST(num(d, "esm_class") == 0x04);
    BOOST_TEST(str(d, "receipted_message_id") == s1.message_id);
    BOOST_TEST(num(d, "message_state") == 2);
    BOOST_TEST(str(d, "source_addr") == "46701234567");
    BOOST_TEST(str(d, "destination_addr") == "NodeESME");
    BOOST_TEST(str(d, "short_message") == receipt_text(s1.message_id));
    BOOST_TEST(other_requests.empty());

    // The unbind closed the session on our side too.
    BOOST_TEST(pump_until(io, [&] { return listener->session_count() == 0; }, std::chrono::seconds(5)));
}

BOOST_FIXTURE_TEST_CASE(wrong_password_is_esme_rinvpaswd, node_fixture) {
    auto peer = run_node_client({port_arg(), "nodeuser", "wrong", "bind-only"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "node client"};
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(num(*res, "bind_status") == 0x0E); // ESME_RINVPASWD
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
    BOOST_TEST(submits.empty());
    BOOST_TEST(pump_until(io, [&] { return listener->session_count() == 0; }, std::chrono::seconds(5)));
}

// Answered like a wrong password, so a guesser cannot tell which system_ids exist.
BOOST_FIXTURE_TEST_CASE(unknown_system_id_is_esme_rinvpaswd_too, node_fixture) {
    auto peer = run_node_client({port_arg(), "nobody", "nodepw", "bind-only"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "node client"};
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(num(*res, "bind_status") == 0x0E); // ESME_RINVPASWD, not ESME_RINVSYSID
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
    BOOST_TEST(submits.empty());
}

// node-smpp binds with interface_version 0x50 (SMPP 5.0) unless told
// otherwise; we accept and answer as 3.4 (sc_interface_version 0x34).
BOOST_FIXTURE_TEST_CASE(default_interface_version_0x50_is_accepted, node_fixture) {
    auto peer = run_node_client({port_arg(), "nodeuser", "nodepw", "bind-default-version"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "node client"};
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(num(*res, "bind_status") == 0);
    BOOST_TEST(num(*res, "bind_sc_interface_version") == 0x34);
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
}

// node-smpp pipelines 500 submit_sm without waiting: every one arrives in
// order and is answered, with the id we gave it.
BOOST_FIXTURE_TEST_CASE(pipelined_burst_of_500, node_fixture) {
    constexpr int n = 500;
    auto peer = run_node_client({port_arg(), "nodeuser", "nodepw", "burst", std::to_string(n)});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "node client"};
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
    BOOST_TEST(num(*res, "unbind_status") == 0);
    const auto& statuses = res->at("burst_statuses").as_object();
    BOOST_TEST(statuses.size() == 1u, json::serialize(statuses));
    BOOST_TEST(num(statuses, "0") == n);
    BOOST_REQUIRE(submits.size() == static_cast<std::size_t>(n));
    const auto& ids = res->at("burst_ids").as_array();
    BOOST_REQUIRE(ids.size() == static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        BOOST_TEST_CONTEXT("submit " << i) {
            BOOST_TEST(submits[i].short_message == "burst " + std::to_string(i));
            BOOST_TEST(ids[i].is_string());
            if (ids[i].is_string()) BOOST_TEST(std::string{ids[i].as_string()} == submits[i].message_id);
        }
    }
}

// SMPP 3.4 section 4.3 keeps generic_nack for an invalid command_length or an
// unknown command_id: a field error in a known request is answered in that
// request's own response (here submit_sm_resp with ESME_RINVDSTADR).
BOOST_FIXTURE_TEST_CASE(overlong_destination_is_answered_by_submit_sm_resp, node_fixture) {
    auto peer = run_node_client({port_arg(), "nodeuser", "nodepw", "long-dest"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST_MESSAGE("node-smpp saw: " << json::serialize(*res));
    BOOST_TEST(num(*res, "bind_status") == 0);
    BOOST_TEST(num(*res, "submit_resp_status") == 0x0B); // ESME_RINVDSTADR
    BOOST_TEST(num(*res, "unbind_status") == 0);
    BOOST_TEST(submits.empty()); // never reached the application
    BOOST_TEST(str(*res, "submit_resp_command") == "submit_sm_resp");
}

// Shutting the listener down unbinds a bound node-smpp client, which answers.
BOOST_FIXTURE_TEST_CASE(listener_stop_unbinds_the_client, node_fixture) {
    auto peer = run_node_client({port_arg(), "nodeuser", "nodepw", "wait-unbind"});
    dump_on_failure dump{peer, "node client"};
    BOOST_REQUIRE_MESSAGE(wait_for_output(peer, "\"bound\""), "node client never bound: " << peer.describe());
    BOOST_TEST(listener->session_count() == 1u);

    bool stopped = false;
    const auto t0 = std::chrono::steady_clock::now();
    asio::co_spawn(io, listener->stop(), [&](std::exception_ptr) { stopped = true; });
    BOOST_REQUIRE(pump_until(io, [&] { return stopped; }, std::chrono::seconds(10)));
    const auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(listener->session_count() == 0u);
    // Answered at once, not left to the unbind timeout (2 s).
    BOOST_TEST((took < std::chrono::milliseconds(1500)));

    BOOST_REQUIRE_MESSAGE(run_peer(peer), "node client did not finish: " << peer.describe());
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(res->contains("server_unbind"));
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
    BOOST_TEST(res->at("unexpected").as_array().empty());
}

BOOST_AUTO_TEST_SUITE_END()
