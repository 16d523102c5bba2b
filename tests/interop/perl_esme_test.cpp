// Perl Net::SMPP (Debian libnet-smpp-perl, tools/interop/esme_client.pl) as
// an ESME against our client_listener: bind, enquire_link, submit_sm with a
// TLV, a receipt deliver_sm read and answered, a UDH + UCS-2 submit_sm,
// unbind; and a refused bind.
#define BOOST_TEST_MODULE interop_perl_esme
#include <boost/test/unit_test.hpp>

#include "interop/listener_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct perl_fixture : listener_fixture {
    perl_fixture() : listener_fixture({account("perluser", "perlpw")}) {}
};

child_process run_perl_client(std::vector<std::string> args) {
    std::vector<std::string> argv{"perl", interop_script("esme_client.pl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return child_process{std::move(argv)};
}

struct require_net_smpp {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        child_process p{{"perl", "-MNet::SMPP", "-e", "1"}};
        boost::test_tools::assertion_result r{p.wait(std::chrono::seconds(10)).code == 0};
        r.message() << "Perl Net::SMPP not installed (libnet-smpp-perl; run tools/install-deps)";
        return r;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(perl_net_smpp_esme, *boost::unit_test::precondition(require_net_smpp{}))

BOOST_FIXTURE_TEST_CASE(bind_submit_receipt_unbind, perl_fixture) {
    // Idle 350 ms after binding: our 100 ms keepalive probes it meanwhile.
    auto peer = run_perl_client({port_arg(), "perluser", "perlpw", "full", "350"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "perl client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "perl client"};
    BOOST_TEST(peer.status().code == 0);
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    const json::object& r = *res;
    BOOST_TEST_MESSAGE("Net::SMPP saw: " << json::serialize(r));

    // What Net::SMPP saw.
    BOOST_TEST(!has(r, "error"), "error: " << str(r, "error"));
    BOOST_TEST(num(r, "bind_status") == 0);
    BOOST_TEST(str(r, "bind_system_id") == "twinsms");
    BOOST_TEST(num(r, "bind_sc_interface_version") == 0x34);
    BOOST_TEST(num(r, "enquire_link_status") == 0);
    BOOST_TEST(num(r, "submit1_status") == 0);
    BOOST_TEST(num(r, "submit2_status") == 0);
    BOOST_TEST(num(r, "unbind_status") == 0);
    BOOST_TEST(r.at("unexpected").as_array().empty(), "unexpected PDUs: " << json::serialize(r.at("unexpected")));
    BOOST_TEST(num(r, "enquire_links_received") >= 1); // our keepalive, answered
    BOOST_TEST(peer.err().empty(), "stderr: " << peer.err()); // Net::SMPP warns about PDUs it cannot place

    // What our request_fn received.
    BOOST_REQUIRE(submits.size() == 2u);
    const auto& s1 = submits[0];
    BOOST_TEST(s1.system_id == "perluser");
    BOOST_TEST(s1.source_addr == "PerlESME");
    BOOST_TEST(s1.destination_addr == "46701112233");
    BOOST_TEST(s1.dest_addr_ton == 1);
    BOOST_TEST(s1.dest_addr_npi == 1);
    BOOST_TEST(s1.data_coding == 0);
    BOOST_TEST(s1.registered_delivery == 1);
    BOOST_TEST(s1.short_message == "Hello from Net::SMPP");
    BOOST_TEST(s1.user_message_reference.value_or(0) == 0x0BEE);
    BOOST_TEST(s1.tlv_count == 1u);

    const auto& s2 = submits[1];
    BOOST_TEST(s2.esm_class == 0x40);
    BOOST_TEST(s2.data_coding == 0x08);
    BOOST_TEST(s2.registered_delivery == 0);
    const std::string udh{"\x05\x00\x03\x2A\x02\x02", 6};
    BOOST_TEST(hex(s2.short_message) == hex(udh + ucs2_be(u"Раз 2")));
    BOOST_TEST(s2.tlv_count == 0u);

    BOOST_TEST(str(r, "submit1_message_id") == s1.message_id);
    BOOST_TEST(str(r, "submit2_message_id") == s2.message_id);

    // The receipt, as Net::SMPP decoded it, and its deliver_sm_resp.
    BOOST_REQUIRE(receipts.size() == 1u);
    BOOST_TEST(receipts[0].answered);
    BOOST_TEST(!receipts[0].ec, receipts[0].ec.message());
    BOOST_TEST(receipts[0].status == status::ok);
    BOOST_REQUIRE(r.contains("deliver"));
    const auto& d = r.at("deliver").as_object();
    BOOST_TEST(num(d, "esm_class") == 0x04);
    BOOST_TEST(str(d, "receipted_message_id") == s1.message_id);
    BOOST_TEST(num(d, "message_state") == 2);
    BOOST_TEST(str(d, "source_addr") == "46701112233");
    BOOST_TEST(str(d, "destination_addr") == "PerlESME");
    BOOST_TEST(str(d, "short_message") == receipt_text(s1.message_id));
    BOOST_TEST(other_requests.empty());

    BOOST_TEST(pump_until(io, [&] { return listener->session_count() == 0; }, std::chrono::seconds(5)));
}

BOOST_FIXTURE_TEST_CASE(wrong_password_is_esme_rinvpaswd, perl_fixture) {
    auto peer = run_perl_client({port_arg(), "perluser", "nope", "bind-only"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer), "perl client did not finish: " << peer.describe());
    dump_on_failure dump{peer, "perl client"};
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST(num(*res, "bind_status") == 0x0E); // ESME_RINVPASWD
    BOOST_TEST(!has(*res, "error"), "error: " << str(*res, "error"));
    BOOST_TEST(submits.empty());
    BOOST_TEST(pump_until(io, [&] { return listener->session_count() == 0; }, std::chrono::seconds(5)));
}

// A password longer than SMPP 3.4's 8 characters does not decode; it is
// answered with bind_transceiver_resp ESME_RINVPASWD, not generic_nack
// (section 4.3 keeps that for a bad command_length or command_id). Net::SMPP
// waits for a bind_transceiver_resp with that sequence number and would
// otherwise hang until our bind timeout (2 s here) drops the connection.
struct perl_short_bind_timeout_fixture : listener_fixture {
    perl_short_bind_timeout_fixture()
        : listener_fixture({account("perluser", "perlpw")}, std::chrono::seconds(2)) {}
};

BOOST_FIXTURE_TEST_CASE(overlong_password_is_answered_by_bind_resp, perl_short_bind_timeout_fixture) {
    auto peer = run_perl_client({port_arg(), "perluser", "longpassword12", "bind-only"});
    BOOST_REQUIRE_MESSAGE(run_peer(peer, std::chrono::seconds(10)), "perl client did not finish: " << peer.describe());
    auto res = result_of(peer);
    BOOST_REQUIRE(res.has_value());
    BOOST_TEST_MESSAGE("Net::SMPP saw: " << json::serialize(*res));
    BOOST_TEST(submits.empty());
    BOOST_TEST(num(*res, "bind_status") == 0x0E); // ESME_RINVPASWD in a bind_transceiver_resp
}

BOOST_AUTO_TEST_SUITE_END()
