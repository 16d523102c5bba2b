// node-smpp 0.5.1 (tools/interop/daemon_esme.js) as a client of twinsmsd,
// whose carrier is our simulator in the test process: bind_transceiver
// 0x34, enquire_link, a submit_sm and a 3-part concatenated message (one
// submit_sm per part, UDH concat IE), each answered with our 16-hex-digit
// id and followed by a receipt naming that id; an MO from the carrier
// reaches node-smpp; unbind.
#define BOOST_TEST_MODULE daemon_node_esme
#include "daemon/daemon_fixture.hpp"

#include <map>
#include <set>

using namespace twinsms;
using namespace twinsms::test;

namespace {

bool is_hex16(std::string_view id) {
    return id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool printed(const child_process& p, std::string_view what) {
    for (const auto& l : p.out_lines())
        if (l.find(what) != std::string::npos) return true;
    return false;
}

// What daemon_esme.js sends (known to both sides).
const std::string single_text = "hello twinsmsd from node-smpp";
const std::vector<std::string> part_texts = {"part one of three, ", "part two of three, ", "part three of three."};
constexpr unsigned char concat_ref = 0x5A;

} // namespace

BOOST_AUTO_TEST_SUITE(node_smpp_client_of_twinsmsd, *boost::unit_test::precondition(require_node{}))

BOOST_FIXTURE_TEST_CASE(bind_submit_multipart_receipts_mo_unbind, daemon_fixture) {
    auto& carrier = add_demo_carrier();
    start_daemon();
    close_on_exec_all(); // node must not hold our simulator's sockets
    child_process peer{{"node", interop_script("daemon_esme.js"), std::to_string(port()), "demo", "demo123"}};
    dump_on_failure dump{peer, "node-smpp client"};
    require([&] { return peer.poll() || printed(peer, "\"bound\""); }, "node-smpp bound", 15s);
    BOOST_REQUIRE_MESSAGE(!peer.exited(), "node-smpp exited: " << peer.describe());
    // A handset writes to the demo account (routes.yaml mo: -> demo).
    carrier.send_mo("carrier", "46709998877", "72000", "hello from a handset");
    require([&] { return peer.poll(); }, "node-smpp finished", 30s);
    BOOST_TEST(peer.status().code == 0);
    const auto objs = json_lines(peer.out_lines());
    BOOST_REQUIRE(!objs.empty());
    const auto& r = objs.back();
    BOOST_TEST_MESSAGE("node-smpp saw: " << json::serialize(r));
    BOOST_TEST(!has(r, "error"), str(r, "error"));
    BOOST_TEST(r.at("unexpected").as_array().empty(), json::serialize(r.at("unexpected")));
    BOOST_TEST(num(r, "bind_status") == 0);
    BOOST_TEST(num(r, "bind_sc_interface_version") == 0x34);
    BOOST_TEST(num(r, "enquire_link_status") == 0);
    BOOST_TEST(num(r, "unbind_status") == 0);

    // Our ids, one per submit_sm.
    const auto& single = r.at("single").as_object();
    BOOST_TEST(num(single, "status") == 0);
    const auto single_id = str(single, "message_id");
    BOOST_TEST(is_hex16(single_id), single_id);
    std::vector<std::string> part_ids;
    for (const auto& p : r.at("parts").as_array()) {
        BOOST_TEST(num(p.as_object(), "status") == 0);
        part_ids.push_back(str(p.as_object(), "message_id"));
        BOOST_TEST(is_hex16(part_ids.back()), part_ids.back());
    }
    BOOST_REQUIRE_EQUAL(part_ids.size(), 3u);
    BOOST_TEST((std::set<std::string>{single_id, part_ids[0], part_ids[1], part_ids[2]}.size() == 4u));

    // A receipt per id, naming it in the TLV and in the text.
    std::map<std::string, json::object> receipts;
    for (const auto& v : r.at("receipts").as_array()) receipts[str(v.as_object(), "receipted_message_id")] = v.as_object();
    for (const auto& id : std::vector<std::string>{single_id, part_ids[0], part_ids[1], part_ids[2]}) {
        BOOST_TEST_CONTEXT("receipt for " << id) {
            BOOST_REQUIRE(receipts.contains(id));
            const auto& d = receipts[id];
            BOOST_TEST(num(d, "message_state") == 2); // DELIVERED
            BOOST_TEST(str(d, "short_message").rfind("id:" + id + " ", 0) == 0u, str(d, "short_message"));
            BOOST_TEST(str(d, "short_message").find("stat:DELIVRD") != std::string::npos);
            BOOST_TEST((num(d, "esm_class") & 0x3C) == 0x04);
        }
    }
    BOOST_TEST(r.at("receipts").as_array().size() == 4u);

    // The MO, as the handset wrote it.
    BOOST_REQUIRE_EQUAL(r.at("mo").as_array().size(), 1u);
    const auto& mo = r.at("mo").as_array().front().as_object();
    BOOST_TEST(str(mo, "source_addr") == "46709998877");
    BOOST_TEST(str(mo, "destination_addr") == "72000");
    BOOST_TEST(str(mo, "short_message") == "hello from a handset");
    BOOST_TEST((num(mo, "esm_class") & 0x3C) == 0);

    // What reached the carrier: the single text, and each part with its UDH intact.
    BOOST_REQUIRE_EQUAL(carrier.messages().size(), 4u);
    std::map<int, std::string> parts_seen; // UDH sequence number -> text after the UDH
    for (const auto& m : carrier.messages()) {
        if (m.destination == "46701234567") {
            BOOST_TEST(m.text == single_text);
            continue;
        }
        BOOST_TEST_CONTEXT("part " << hex(m.short_message)) {
            BOOST_TEST((m.esm_class & 0x40) == 0x40); // UDHI kept
            BOOST_REQUIRE(m.short_message.size() > 6u);
            BOOST_TEST(hex(m.short_message.substr(0, 5)) == "050003" + hex(std::string(1, char(concat_ref))) + "03");
            parts_seen[static_cast<unsigned char>(m.short_message[5])] = m.short_message.substr(6);
        }
    }
    BOOST_REQUIRE_EQUAL(parts_seen.size(), 3u);
    for (int i = 1; i <= 3; ++i) BOOST_TEST(parts_seen[i] == part_texts[i - 1]);

    BOOST_TEST(peer.err().empty(), peer.err());
    BOOST_TEST(daemon->running());
    BOOST_TEST(terminate().code == 0);
}

BOOST_AUTO_TEST_SUITE_END()
