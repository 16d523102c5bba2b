// The pair in normal operation: site2's client bravo sends through site1
// (the peer link) to the carrier, receipts come back the same way carrying
// the id bravo got from site2, and MO for bravo's number (site1's MO rule
// 2222 -> bravo) reaches bravo on site2 over the peer link; node-smpp as
// bravo does the same; twinsmsctl against both real nodes.
#define BOOST_TEST_MODULE pair_flow
#include "pair/pair_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

bool printed(const child_process& p, std::string_view what) {
    for (const auto& l : p.out_lines())
        if (l.find(what) != std::string::npos) return true;
    return false;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(chained_flow_submits_receipts_and_mo_over_the_peer_link, pair_fixture) {
    start_pair();
    auto bravo = client(s2, "bravo", "bravo1");
    constexpr int n = 20;
    std::map<std::string, std::string> id_of; // text -> id from site2
    for (int i = 0; i < n; ++i) {
        const auto text = "chain-" + std::to_string(i);
        auto a = request(*bravo, make_submit("4670555" + std::to_string(1000 + i), text, 1));
        BOOST_REQUIRE(!a.ec);
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        BOOST_REQUIRE_EQUAL(a.message_id().size(), 16u);
        id_of[text] = a.message_id();
    }
    BOOST_TEST(id_of.size() == static_cast<std::size_t>(n));
    // At the carrier, through site1: site2 never bound the simulator.
    require([&] { return sim->messages().size() >= static_cast<std::size_t>(n); }, "all at the simulator");
    BOOST_TEST(sim->messages().size() == static_cast<std::size_t>(n)); // once each
    for (const auto& [text, id] : id_of) BOOST_TEST(texts(*sim).count(text) == 1u, text);
    BOOST_TEST(sim->bound_sessions("carrier") == 1u);
    BOOST_TEST(!s2.has("carrier", "bound", {{"carrier", "sim"}}));
    const auto st2 = status(s2);
    BOOST_TEST(!link_bound(st2, "sim"));
    BOOST_TEST(link_bound(st2, "site1"));
    BOOST_TEST(link_bound(status(s1), "sim"));

    // Each receipt reaches bravo naming the id bravo got from site2 (not site1's, not the carrier's).
    for (const auto& [text, id] : id_of)
        require([&] { return receipt_for(*bravo, id) != nullptr; }, "receipt for " + text + " (" + id + ")");
    for (const auto& [text, id] : id_of) {
        const auto* d = receipt_for(*bravo, id);
        BOOST_TEST(std::string{d->short_message}.rfind("id:" + id + " ", 0) == 0u, d->short_message);
        BOOST_TEST(std::string{d->short_message}.find("stat:DELIVRD") != std::string::npos);
    }
    std::size_t receipts = 0;
    for (const auto& p : bravo->delivered)
        if (auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04) ++receipts;
    BOOST_TEST(receipts == static_cast<std::size_t>(n));

    // MO for bravo's number, injected with the simulator's `mo` command, reaches bravo on site2.
    sim_command(*sim, "mo carrier 46709990001 22225550 hello bravo via the peer link");
    require([&] { return !mo_of(*bravo).empty(); }, "MO at bravo on site2");
    const auto* mo = mo_of(*bravo).front();
    BOOST_TEST(std::string{mo->short_message} == "hello bravo via the peer link");
    BOOST_TEST(std::string{mo->destination_addr} == "22225550");
    BOOST_TEST(std::string{mo->source_addr} == "46709990001");
    // ... and other MO goes to alpha on site1, not to bravo.
    auto alpha = client(s1, "alpha", "alpha1");
    sim_command(*sim, "mo carrier 46709990002 11115550 hello alpha");
    require([&] { return !mo_of(*alpha).empty(); }, "MO at alpha on site1");
    BOOST_TEST(std::string{mo_of(*alpha).front()->short_message} == "hello alpha");
    BOOST_TEST(mo_of(*bravo).size() == 1u);
    BOOST_TEST(s1.running());
    BOOST_TEST(s2.running());
}

BOOST_FIXTURE_TEST_CASE(node_smpp_as_bravo_on_site2, pair_fixture,
                        *boost::unit_test::precondition(require_node{})) {
    start_pair();
    close_on_exec_all(); // node must not hold our simulator's sockets
    auto& peer = *children.emplace_back(std::make_unique<child_process>(std::vector<std::string>{
        "node", interop_script("daemon_esme.js"), std::to_string(s2.smpp_port), "bravo", "bravo1"}));
    require([&] { return peer.poll() || printed(peer, "\"bound\""); }, "node-smpp bound to site2", 15s);
    BOOST_REQUIRE_MESSAGE(!peer.exited(), "node-smpp exited: " << peer.describe());
    sim_command(*sim, "mo carrier 46709998877 2222000 hello node-smpp bravo");
    require([&] { return peer.poll(); }, "node-smpp finished (receipts for its 4 ids and the MO)", 30s);
    BOOST_TEST(peer.status().code == 0, peer.describe());
    const auto objs = json_lines(peer.out_lines());
    BOOST_REQUIRE(!objs.empty());
    const auto& r = objs.back();
    BOOST_TEST_MESSAGE("node-smpp saw: " << json::serialize(r));
    BOOST_TEST(!r.contains("error"), str(r, "error"));
    BOOST_TEST(num(r, "bind_status") == 0);
    std::set<std::string> ids{str(r.at("single").as_object(), "message_id")};
    for (const auto& p : r.at("parts").as_array()) ids.insert(str(p.as_object(), "message_id"));
    BOOST_TEST(ids.size() == 4u);
    std::set<std::string> receipted;
    for (const auto& v : r.at("receipts").as_array()) {
        receipted.insert(str(v.as_object(), "receipted_message_id"));
        BOOST_TEST(num(v.as_object(), "message_state") == 2);
    }
    BOOST_TEST((receipted == ids));
    BOOST_REQUIRE_EQUAL(r.at("mo").as_array().size(), 1u);
    BOOST_TEST(str(r.at("mo").as_array().front().as_object(), "short_message") == "hello node-smpp bravo");
    BOOST_TEST(str(r.at("mo").as_array().front().as_object(), "destination_addr") == "2222000");
    // All four went out through site1 only.
    BOOST_TEST(sim->messages().size() == 4u);
    BOOST_TEST(!s2.has("carrier", "bound", {{"carrier", "sim"}}));
}

// The same chain with the carrier as a process (twinsms-smsc-sim, driven by
// its stdin commands and read through its `stats` line).
BOOST_FIXTURE_TEST_CASE(chained_flow_through_the_simulator_process, pair_fixture) {
    close_on_exec_all();
    auto& smsc = *children.emplace_back(std::make_unique<child_process>(std::vector<std::string>{
        TWINSMS_SIM_EXE, "--listen", "127.0.0.1:0", "--account", "carrier:carrier1", "--log-level", "warn"}));
    auto line = [&](const std::function<bool(std::string_view)>& pred, std::size_t from) -> std::optional<std::string> {
        smsc.poll();
        const auto lines = smsc.out_lines();
        for (std::size_t i = from; i < lines.size(); ++i)
            if (pred(lines[i])) return lines[i];
        return std::nullopt;
    };
    std::optional<std::string> listening;
    require([&] { return (listening = line([](std::string_view l) { return l.starts_with("listening "); }, 0)).has_value(); },
            "twinsms-smsc-sim listening");
    const auto port = logfmt_value(*listening, "port").value();
    for (auto* s : {&s1, &s2})
        edit_file(s->dir / "carriers" / "sim.yaml", "port: " + std::to_string(sim->port()), "port: " + port);
    start_pair();
    auto bravo = client(s2, "bravo", "bravo1");
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) {
        auto a = request(*bravo, make_submit("4670666" + std::to_string(1000 + i), "proc-" + std::to_string(i), 1));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
        ids.push_back(a.message_id());
    }
    for (const auto& id : ids) require([&] { return receipt_for(*bravo, id) != nullptr; }, "receipt for " + id);
    const auto from = smsc.out_lines().size();
    BOOST_REQUIRE(smsc.write_stdin("mo carrier 46709990009 22229999 hello from the simulator process\n"));
    require([&] { return line([](std::string_view l) { return l.starts_with("ok mo queued"); }, from).has_value(); },
            "the simulator took the mo command");
    require([&] { return !mo_of(*bravo).empty(); }, "MO from the simulator process at bravo on site2");
    BOOST_TEST(std::string{mo_of(*bravo).front()->short_message} == "hello from the simulator process");
    std::optional<std::string> stats;
    require([&] {
        const auto at = smsc.out_lines().size();
        BOOST_REQUIRE(smsc.write_stdin("stats\n"));
        wait([&] { return (stats = line([](std::string_view l) { return l.starts_with("event=stats"); }, at)).has_value(); }, 2s);
        return stats && logfmt_value(*stats, "receipts_sent") == "10" && logfmt_value(*stats, "mo_sent") == "1";
    }, "simulator stats: 10 receipts and 1 MO sent", 10s);
    BOOST_TEST_MESSAGE("simulator: " << *stats);
    BOOST_TEST(logfmt_value(*stats, "submits").value_or("") == "10");
    BOOST_TEST(logfmt_value(*stats, "accepted").value_or("") == "10");
    BOOST_TEST(logfmt_value(*stats, "sessions").value_or("") == "1"); // site1 only
}

BOOST_FIXTURE_TEST_CASE(twinsmsctl_against_the_real_nodes, pair_fixture) {
    start_pair();
    // The secondary can turn normal on the primary's first peer_status, up to a
    // quarter interval before its own tick has looked at the paths: wait for that.
    for (auto* s : {&s1, &s2})
        BOOST_TEST(await_status(*s, [](const json::object& st) {
            return at(st, "peer", "link") == "up" && at(st, "peer", "second_path") == "up";
        }, 5s), s->name << " reports both paths up");
    // status --json: the node's document.
    for (auto* s : {&s1, &s2}) {
        BOOST_TEST_CONTEXT(s->name) {
            const auto r = ctl(*s, {"status", "--json"});
            BOOST_TEST(r.code == 0, r.err);
            const auto doc = json::parse(r.out).as_object();
            BOOST_TEST(at(doc, "node", "id") == s->name);
            BOOST_TEST(at(doc, "node", "mode") == "normal");
            BOOST_TEST(at(doc, "peer", "verdict") == "alive");
            BOOST_TEST(at(doc, "peer", "link") == "up");
            BOOST_TEST(at(doc, "peer", "second_path") == "up");
            BOOST_TEST(doc.at("node").as_object().at("epoch").is_number());
            BOOST_TEST(at(doc, "peer", "epoch") == at(doc, "node", "epoch"));
            const auto plain = ctl(*s, {"status"});
            BOOST_TEST(plain.code == 0);
            BOOST_TEST(plain.out.find("normal") != std::string::npos, plain.out);
        }
    }
    BOOST_TEST(at(json::parse(ctl(s1, {"status", "--json"}).out).as_object(), "node", "role") == "primary");
    BOOST_TEST(at(json::parse(ctl(s2, {"status", "--json"}).out).as_object(), "node", "role") == "secondary");

    // deactivate bravo on site2: a bound bravo is unbound gracefully (its submit in progress answered first).
    auto bravo = client(s2, "bravo", "bravo1");
    std::optional<answer> inflight;
    bravo->s->send_request(make_submit("46705550001", "before deactivate", 0), [&](const error_code& ec, const pdu* p) {
        inflight = answer{ec, p ? owned_pdu{*p} : owned_pdu{}};
    });
    const auto d = ctl(s2, {"deactivate", "bravo"});
    BOOST_TEST(d.code == 0, d.out << d.err);
    require([&] { return bravo->closed; }, "bravo unbound by site2");
    BOOST_REQUIRE(inflight.has_value());
    BOOST_TEST(!inflight->ec);
    BOOST_TEST(inflight->status() == status::ok);
    BOOST_TEST(s2.has("node", "profile_deactivated", {{"profile", "bravo"}}));
    {
        auto again = connect(s2.smpp_port);
        const auto st = try_bind(*again, "bravo", "bravo1");
        BOOST_REQUIRE(st.has_value());
        BOOST_TEST(*st != status::ok); // refused while deactivated
    }
    const auto st = status(s2);
    for (const auto& p : st.at("profiles").as_array())
        if (p.as_object().at("name").as_string() == "bravo") BOOST_TEST(p.as_object().at("state").as_string() == "passive");
    // activate reverses it.
    const auto a = ctl(s2, {"activate", "bravo"});
    BOOST_TEST(a.code == 0, a.out << a.err);
    auto back = client(s2, "bravo", "bravo1");
    auto sub = request(*back, make_submit("46705550002", "after activate", 0));
    BOOST_TEST(sub.status() == status::ok);
    require([&] { return texts(*sim).count("after activate") == 1; }, "after-activate message at the carrier");
    // An unknown profile: exit 1. A wrong token: exit 5.
    const auto u = ctl(s2, {"deactivate", "nosuchprofile"});
    BOOST_TEST(u.code == 1, u.out << u.err);
    const auto t = ctl(s1, {"status"}, "wrong-token-0123456789abcdef");
    BOOST_TEST(t.code == 5, t.out << t.err);
    // The pair is untouched by all this.
    BOOST_TEST(mode_of(s1) == "normal");
    BOOST_TEST(mode_of(s2) == "normal");
}

// GET /metrics on both nodes' admin listener after traffic through the
// chain: Prometheus text, behind the admin token.
BOOST_FIXTURE_TEST_CASE(metrics_on_both_nodes_after_traffic, pair_fixture) {
    start_pair();
    auto bravo = client(s2, "bravo", "bravo1");
    for (int i = 0; i < 3; ++i) {
        auto a = request(*bravo, make_submit("4670555" + std::to_string(2000 + i), "metrics-" + std::to_string(i), 0));
        BOOST_REQUIRE_EQUAL(a.status(), status::ok);
    }
    require([&] { return sim->messages().size() >= 3u; }, "all at the simulator");
    // A sample line's value by its exact name{labels} text, if present.
    const auto value_of = [](const std::string& body, const std::string& series) -> std::optional<double> {
        for (std::size_t at = 0; (at = body.find(series + " ", at)) != std::string::npos; at += series.size()) {
            if (at != 0 && body[at - 1] != '\n') continue;
            return std::strtod(body.c_str() + at + series.size() + 1, nullptr);
        }
        return std::nullopt;
    };
    std::map<std::string, std::string> body;
    for (auto* s : {&s1, &s2}) {
        BOOST_TEST_CONTEXT(s->name) {
            const auto r = admin(*s, "GET", "/metrics");
            BOOST_REQUIRE(r && r->ok);
            BOOST_TEST(r->status == 200);
            BOOST_TEST(r->body.find("# TYPE twinsms_carrier_submitted_total counter\n") != std::string::npos);
            BOOST_TEST(value_of(r->body, R"(twinsms_cluster_mode{mode="normal"})").value_or(-1) == 1.0);
            BOOST_TEST(value_of(r->body, R"(twinsms_cluster_peer_alive)").value_or(-1) == 1.0);
            body[s->name] = r->body;
        }
    }
    const auto sent = value_of(body["site1"], R"(twinsms_carrier_submitted_total{carrier="sim"})");
    BOOST_REQUIRE(sent.has_value());
    BOOST_TEST(*sent >= 3.0);
    // site2 sends through site1 (its peer link), never to the simulator itself.
    const auto via_peer = value_of(body["site2"], R"(twinsms_carrier_submitted_total{carrier="site1"})");
    BOOST_REQUIRE(via_peer.has_value());
    BOOST_TEST(*via_peer >= 3.0);
    BOOST_TEST(value_of(body["site2"], R"(twinsms_carrier_submitted_total{carrier="sim"})").value_or(0) == 0.0);
    BOOST_TEST(value_of(body["site2"], "twinsms_submits_accepted_total").value_or(0) >= 3.0);
    // Per client and histograms: bravo's submits on site2, which reach site1 as its peer client's.
    BOOST_TEST(value_of(body["site2"], R"(twinsms_client_submits_accepted_total{client="bravo"})").value_or(-1) == 3.0);
    BOOST_TEST(value_of(body["site2"], R"(twinsms_client_submit_seconds_count{client="bravo"})").value_or(-1) == 3.0);
    BOOST_TEST(value_of(body["site2"], R"(twinsms_client_responses_total{client="bravo",status="0x00000000"})").value_or(-1) == 3.0);
    BOOST_TEST(value_of(body["site1"], R"(twinsms_client_submits_accepted_total{client="site2"})").value_or(0) >= 3.0);
    BOOST_TEST(value_of(body["site2"], R"(twinsms_carrier_response_seconds_count{carrier="site1"})").value_or(0) >= 3.0);
    BOOST_TEST(value_of(body["site1"], R"(twinsms_carrier_response_seconds_count{carrier="sim"})").value_or(0) >= 3.0);
    for (const auto& [name, text] : body) {
        BOOST_TEST(value_of(text, "twinsms_store_commit_seconds_count").value_or(0) > 0.0, name);
        BOOST_TEST(value_of(text, "twinsms_admin_tls_failures_total").value_or(-1) == 0.0, name); // twinsmsd wires the admin listener
        BOOST_TEST(value_of(text, "twinsms_smpp_tls_failures_total").value_or(-1) == 0.0, name);
    }

    // Without the token: 401, for both nodes.
    for (auto* s : {&s1, &s2}) {
        auto done = std::make_shared<std::optional<http_reply>>();
        http_get(io, s->admin_port, "/metrics", done);
        wait([&] { return done->has_value(); }, 5s);
        BOOST_REQUIRE_MESSAGE(done->has_value() && (*done)->ok, s->name << ": no answer without a token");
        BOOST_TEST((*done)->status == 401, s->name);
        BOOST_TEST((*done)->body.find("twinsms_") == std::string::npos);
    }
}
