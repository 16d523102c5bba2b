// What stays unsafe without a witness, said plainly, and what no longer
// depends on the peer account's password. twinsmsd --check, the status
// document, twinsmsctl status say the demo pair is not partition-safe and
// that its second heartbeat path shares the peer link's host and process.
// A peer_status forged by someone holding the peer account's password (no
// MAC, another secret, or an old sequence) is refused and fences nothing;
// one signed with the pair secret at a fresh sequence is taken. A store
// whose epoch cannot be read keeps the node from starting, with a message
// that says so, instead of starting at epoch 0.
#define BOOST_TEST_MODULE pair_safety
#include "cluster/peer_auth.hpp"
#include "pair/pair_fixture.hpp"
#include "store/message_store.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

const std::string pair_secret = "demo-pair-secret-0123456789";

// site2's own peer_status, as site1 would get it from site2, with `mode` and `epoch`.
pdu report_pdu(cluster::node_mode mode, std::uint32_t epoch, const std::string& secret, std::uint64_t seq,
               cluster::peer_report& r, std::string& scratch) {
    r.node_id = "site2";
    r.mode = mode;
    r.epoch = epoch;
    auto tlvs = cluster::encode(r);
    if (!secret.empty()) cluster::sign(tlvs, r, seq, secret, scratch);
    return pdu{status::ok, 0, peer_status{tlvs}};
}

std::uint64_t now_us() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

} // namespace

BOOST_FIXTURE_TEST_CASE(without_a_witness_the_pair_says_it_is_not_partition_safe, pair_fixture) {
    for (auto* s : {&s1, &s2}) {
        close_on_exec_all();
        child_process check{{TWINSMSD_EXE, "--check", s->dir.string()}};
        require([&] { return check.poll(); }, "twinsmsd --check", 15s);
        BOOST_TEST(check.status().code == 0);
        BOOST_TEST(check.out().find("warning: not partition-safe: no cluster.witness") != std::string::npos, check.out());
        const bool same_host = check.out().find("in one process") != std::string::npos ||
                               check.out().find("in the process that serves the peer link") != std::string::npos;
        BOOST_TEST(same_host, check.out());
    }
    start_pair();
    const auto st = status(s1);
    BOOST_TEST(at(st, "partition", "safe") == "false");
    const auto& warnings = st.at("partition").as_object().at("warnings").as_array();
    BOOST_TEST(!warnings.empty());
    BOOST_TEST(std::string{warnings[0].as_string()}.find("not partition-safe") != std::string::npos);
    const auto r = ctl(s2, {"status"});
    BOOST_TEST(r.code == 0);
    BOOST_TEST(r.out.find("NOT PARTITION-SAFE (no witness)") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("warning   the peer link and the second heartbeat path both end on this host") != std::string::npos,
               r.out);
}

BOOST_FIXTURE_TEST_CASE(a_forged_peer_status_fences_nothing, pair_fixture) {
    start_pair();
    // The attacker has the peer account's password (site2 / its password in site1's clients).
    auto e = connect(s1.smpp_port);
    const auto bound = try_bind(*e, "site2", "peer2pw");
    BOOST_REQUIRE_MESSAGE(bound && *bound == status::ok, "bind as the peer account");
    const auto from = s1.mark();
    for (const auto& [secret, seq] : std::vector<std::pair<std::string, std::uint64_t>>{
             {"", 0}, {"another-secret-0123456789", now_us()}, {pair_secret, 1}}) {
        cluster::peer_report r;
        std::string scratch;
        request(*e, report_pdu(cluster::node_mode::took_over, 1'000'000, secret, seq, r, scratch));
    }
    require([&] { return s1.events("cluster", "peer_status_refused", {}, from).size() >= 3; }, "three refusals", 5s);
    BOOST_TEST(mode_of(s1) == "normal");
    BOOST_TEST(!s1.has("cluster", "fenced", {}, from));
    BOOST_TEST(status(s1).at("node").as_object().at("epoch").to_number<std::int64_t>() < 1'000'000);
    // Signed with the pair secret at a fresh sequence: taken (a harmless normal).
    cluster::peer_report r;
    std::string scratch;
    const auto from2 = s1.mark();
    request(*e, report_pdu(cluster::node_mode::normal, 0, pair_secret, now_us(), r, scratch));
    BOOST_TEST(!wait([&] { return s1.has("cluster", "peer_status_refused", {}, from2); }, 1s));
}

BOOST_FIXTURE_TEST_CASE(an_unreadable_epoch_refuses_to_start, pair_fixture) {
    start(s1);
    kill9(s1);
    {
        store::store_options o;
        o.path = (s1.dir / "store").string();
        o.map_size = 256u << 20;
        store::message_store st{o};
        store::write_batch b;
        b.put(store::table::meta, "cluster_epoch", "12x");
        std::optional<store::error_code> done;
        st.write(std::move(b), io.get_executor(), [&](const store::error_code& ec) { done = ec; });
        require([&] { return done.has_value(); }, "epoch written");
        BOOST_REQUIRE(!*done);
    }
    close_on_exec_all();
    daemon_process d{{"--config", s1.dir.string()}};
    require([&] { return d.poll(); }, "twinsmsd exits", 15s);
    BOOST_TEST(d.proc().status().code == 4); // cannot start
    BOOST_TEST(d.proc().err().find("is '12x', not a number: refusing to start") != std::string::npos, d.proc().err());
}
