// The promise of store-and-forward, checked against a real crash: twinsmsd
// is SIGKILLed while a client streams submits and a slow carrier has many
// of them in flight, then restarted on the same profile folder and store.
//
//  - every submit the daemon answered ESME_ROK reaches the carrier (at least once);
//  - a message reaches the carrier twice only if the restarted daemon counted
//    it as possibly sent (event=recovered_in_flight count=N): duplicates <= N;
//  - the receipt of every acknowledged message reaches the client, before
//    the crash or, stored, after the restart.
//
// The carrier simulator lives in the test process, so it survives the kill
// and sees what both daemons sent; texts are unique ("m-<n>") to tell them apart.
#define BOOST_TEST_MODULE daemon_crash
#include "daemon/daemon_fixture.hpp"

#include <map>
#include <set>

using namespace twinsms;
using namespace twinsms::test;

namespace {

std::string id_of(const pdu& resp) {
    auto* r = resp.as<submit_sm_resp>();
    return r ? std::string{r->message_id} : std::string{};
}

std::string destination(int i) {
    auto n = std::to_string(i);
    return "4670" + std::string(7 - n.size(), '0') + n;
}

// Receipts (our ids) a client got.
void collect_receipts(const esme& e, std::set<std::string>& into) {
    for (const auto& p : e.delivered)
        if (auto* d = p->as<deliver_sm>(); d && (d->esm_class & 0x3C) == 0x04)
            if (auto id = smpp::receipted_message_id(d->tlvs)) into.emplace(*id);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(sigkill_mid_stream_loses_nothing_acknowledged, daemon_fixture) {
    constexpr int total = 3000, kill_after = 1000;
    auto& carrier = add_demo_carrier();
    // A slow carrier: answers wait, so the daemon's carrier window (50) is
    // full of unanswered submits when it dies.
    carrier.set_response_delay(20ms);
    std::map<std::string, int> at_carrier; // text -> times received, across both daemons
    carrier.on_message([&](const sim::received_message& m) { ++at_carrier[m.text]; });
    start_daemon();

    auto c = client(bind_type::transceiver, "demo", "demo123", 50);
    std::map<std::string, std::string> acked; // text -> our message id
    int answered = 0;
    std::size_t carrier_at_kill = 0;
    for (int i = 0; i < total; ++i) {
        const auto text = "m-" + std::to_string(i);
        // The session encodes at once and keeps what does not fit the window in its backlog.
        c->s->send_request(make_submit(destination(i), text, 1), [&, text](const error_code& ec, const pdu* resp) {
            ++answered;
            if (ec || !resp || resp->status != status::ok) return;
            acked.emplace(text, id_of(*resp));
            if (acked.size() == kill_after && daemon->running()) {
                daemon->kill(); // SIGKILL: no unbind, no flush, nothing
                carrier_at_kill = carrier.counters().submits_received;
            }
        });
    }
    require([&] { return answered == total; }, "every submit answered or failed", 30s);
    BOOST_REQUIRE_MESSAGE(!daemon->running(), "the daemon was never killed");
    BOOST_TEST_MESSAGE("acknowledged " << acked.size() << " of " << total << "; the carrier had "
                                       << carrier_at_kill << " when the daemon died");
    BOOST_REQUIRE_GE(acked.size(), static_cast<std::size_t>(kill_after));
    BOOST_TEST(acked.size() < static_cast<std::size_t>(total)); // the kill cut the stream short
    std::set<std::string> ids;
    for (const auto& [text, id] : acked) BOOST_TEST_REQUIRE(ids.insert(id).second, "id given twice: " << id);

    // Restart on the same folder (same store).
    start_daemon();
    std::size_t recovered = 0;
    if (auto l = daemon->first_event("dispatcher", "recovered_in_flight"))
        recovered = std::stoul(logfmt_value(*l, "count").value_or("0"));
    BOOST_TEST_MESSAGE("the restarted daemon recovered " << recovered << " in flight");
    // The scenario needs messages in flight at the kill, or the duplicate bound proves nothing.
    BOOST_TEST(recovered > 0u);

    auto rx = client(bind_type::receiver);
    auto all_at_carrier = [&] {
        for (const auto& [text, id] : acked)
            if (!at_carrier.contains(text)) return false;
        return true;
    };
    BOOST_TEST(wait(all_at_carrier, 30s), "acknowledged messages missing at the carrier");
    std::vector<std::string> missing;
    for (const auto& [text, id] : acked)
        if (!at_carrier.contains(text)) missing.push_back(text);
    BOOST_TEST(missing.empty(), missing.size() << " acknowledged, never sent, e.g. " << (missing.empty() ? "" : missing.front()));

    // Receipts: every acknowledged message's, on the first session or the new receiver.
    std::set<std::string> receipts;
    auto all_receipts = [&] {
        receipts.clear();
        collect_receipts(*c, receipts);
        collect_receipts(*rx, receipts);
        for (const auto& id : ids)
            if (!receipts.contains(id)) return false;
        return true;
    };
    BOOST_TEST(wait(all_receipts, 30s), "receipts missing for acknowledged messages");
    std::size_t without = 0;
    for (const auto& id : ids) without += !receipts.contains(id);
    BOOST_TEST(without == 0u, without << " acknowledged messages without a receipt");

    // Nothing the client did not send, and duplicates only where the daemon said so.
    std::size_t twice = 0;
    for (const auto& [text, n] : at_carrier) {
        BOOST_TEST(text.rfind("m-", 0) == 0u, text);
        if (n > 1) ++twice;
    }
    BOOST_TEST_MESSAGE(at_carrier.size() << " distinct texts at the carrier, " << twice << " more than once");
    BOOST_TEST(twice <= recovered);
    BOOST_TEST(!rx->closed);
    BOOST_TEST(terminate().code == 0);
}
