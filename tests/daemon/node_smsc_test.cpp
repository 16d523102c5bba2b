// node-smpp 0.5.1 (tools/interop/smsc_server.js) as the carrier SMSC of
// twinsmsd: our client submits, node-smpp receives the submit_sm, answers
// with its own message id ("nd<pid>-<n>") and sends a receipt deliver_sm
// (esm_class 4, "id:<its id> ... stat:DELIVRD", receipted_message_id TLV);
// our client gets the receipt under OUR id. The first submit it receives is
// answered ESME_RTHROTTLED: the message still arrives, accepted once.
#define BOOST_TEST_MODULE daemon_node_smsc
#include "daemon/daemon_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

// The node SMSC process with the demo carrier's credentials; its JSON log
// lines, parsed as they come (poll() must keep draining its stdout).
class node_smsc {
public:
    explicit node_smsc(std::vector<std::string> extra)
        : proc_{(close_on_exec_all(), argv(std::move(extra)))} {
        auto line = proc_.wait_for_line([](std::string_view l) { return l.find("\"listening\"") != l.npos; }, 15s);
        if (!line) throw std::runtime_error("node SMSC did not start listening: " + proc_.describe());
        port_ = static_cast<std::uint16_t>(num(json::parse(*line).as_object(), "port", 0));
    }
    std::uint16_t port() const { return port_; }
    child_process& proc() { return proc_; }
    std::vector<json::object> log(std::string_view event) {
        proc_.poll();
        return events(json_lines(proc_.out_lines()), event);
    }
    // Its submit events for one text.
    std::vector<json::object> submits_of(const std::string& text) {
        std::vector<json::object> out;
        for (auto& s : log("submit"))
            if (str(s, "text") == text) out.push_back(std::move(s));
        return out;
    }

private:
    static std::vector<std::string> argv(std::vector<std::string> extra) {
        std::vector<std::string> v{"node", interop_script("smsc_server.js"), "--system-id", "carrier", "--password", "carrier1"};
        v.insert(v.end(), extra.begin(), extra.end());
        return v;
    }
    child_process proc_;
    std::uint16_t port_ = 0;
};

struct node_carrier : daemon_fixture {
    // The first submit_sm it receives is throttled; every other is accepted.
    node_smsc smsc{{"--throttle-nth", "1"}};
    dump_on_failure dump{smsc.proc(), "node-smpp SMSC"};
    node_carrier() {
        profiles.set_carrier_port(smsc.port());
        // Resend after a throttle without the default one-second pause.
        profiles.replace("carriers/sim.yaml", "  window: 50\n", "  window: 50\n  throttle_pause: 100ms\n");
        start_daemon();
    }
    template <class Pred> void require_both(Pred p, const char* what, ms limit = 15s) {
        require([&] { smsc.proc().poll(); return p(); }, what, limit);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(node_smpp_carrier_of_twinsmsd, *boost::unit_test::precondition(require_node{}))

BOOST_FIXTURE_TEST_CASE(receipts_of_the_node_smsc_reach_our_client_under_our_id, node_carrier) {
    BOOST_TEST(smsc.log("bind").size() == 1u);
    BOOST_TEST(num(smsc.log("bind").front(), "status") == 0);
    auto c = client();
    std::vector<std::string> texts{"via node smsc 1", "via node smsc 2", "via node smsc 3"}, ids;
    for (const auto& t : texts) {
        auto a = request(*c, make_submit("46701112233", t, 1));
        BOOST_REQUIRE(a.status() == status::ok);
        ids.push_back(a.message_id());
    }
    for (const auto& id : ids) require_both([&] { return receipt_for(*c, id) != nullptr; }, "receipt with our id");

    // The throttled first submit was sent again and accepted once.
    const auto first = smsc.submits_of(texts[0]);
    BOOST_REQUIRE_EQUAL(first.size(), 2u);
    BOOST_TEST(num(first[0], "status") == 0x58); // ESME_RTHROTTLED
    BOOST_TEST(num(first[1], "status") == 0);
    BOOST_TEST(daemon->events("carrier", "throttled").size() == 1u);

    for (std::size_t i = 0; i < texts.size(); ++i) {
        BOOST_TEST_CONTEXT(texts[i]) {
            std::size_t accepted = 0;
            std::string theirs;
            for (const auto& s : smsc.submits_of(texts[i]))
                if (num(s, "status") == 0) ++accepted, theirs = str(s, "message_id");
            BOOST_TEST(accepted == 1u);
            BOOST_TEST(theirs.rfind("nd", 0) == 0u, theirs);
            // Our client sees our id only; the carrier's stays between us and it.
            const auto* r = receipt_for(*c, ids[i]);
            const std::string text{r->short_message};
            BOOST_TEST(text.rfind("id:" + ids[i] + " ", 0) == 0u, text);
            BOOST_TEST(text.find("stat:DELIVRD") != std::string::npos, text);
            BOOST_TEST(text.find(theirs) == std::string::npos, text);
            BOOST_TEST(smpp::message_state(r->tlvs).value_or(0) == 2);
            BOOST_TEST(r->source_addr == "46701112233"); // from the handset, to the sender
        }
    }
    // The node SMSC got deliver_sm_resp OK for every receipt (we took them).
    require_both([&] { return smsc.log("deliver_resp").size() == texts.size(); }, "receipts answered");
    for (const auto& d : smsc.log("deliver_resp")) BOOST_TEST(num(d, "status") == 0);
    BOOST_TEST(smsc.log("unexpected").empty());

    // SIGTERM: the daemon unbinds from node-smpp too.
    BOOST_TEST(terminate().code == 0);
    require_both([&] { return !smsc.log("unbind").empty(); }, "unbind at the node SMSC");
}

BOOST_AUTO_TEST_SUITE_END()
