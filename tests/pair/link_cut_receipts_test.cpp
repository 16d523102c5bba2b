// The peer link dropped under load, with receipts asked for (sync
// replication on): what site2 had in flight to site1 when the link went is
// sent again, so the carrier gets some messages twice and site1 receipts
// for copies site2 never heard of; every message still reaches the carrier
// and every client still gets a receipt for each of its messages.
#define BOOST_TEST_MODULE pair_link_cut_receipts
#include "pair/failback_fixture.hpp"

using namespace twinsms;
using namespace twinsms::test;

namespace {

struct link_cut_fixture : failback_fixture {
    static pair_options options() {
        auto o = defaults();
        o.link_proxy = true;
        return o;
    }
    link_cut_fixture() : failback_fixture(5ms, options()) {}
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_peer_link_dropped_under_load_loses_no_receipt, link_cut_fixture) {
    start_pair();
    start_load();
    for (int i = 0; i < 3; ++i) {
        const auto ok = bravo.ok;
        require([&] { return bravo.ok >= ok + 100; }, "bravo's load relayed over the peer link", 15s);
        proxy->cut(); // every relayed connection closed: whatever was in flight has no answer
        wait([] { return false; }, 300ms);
        proxy->restore();
        require([&] { return link_bound(status(s2), "site1"); }, "site2's peer link bound again", 15s);
    }
    const auto t = settle();
    std::cout << "link_cut: sent " << t.sent << ", acked " << t.acked << ", delivered " << t.delivered << ", lost " << t.lost
              << ", duplicated " << t.duplicated << ", receipts_missing " << t.receipts_missing << std::endl;
    BOOST_TEST(t.acked > 500u);
    BOOST_TEST(t.lost == 0u, "not at the carrier:" << t.lost_texts);
    BOOST_TEST(t.receipts_missing == 0u, "no receipt for" << t.missing_receipts);
    BOOST_TEST(t.duplicated <= 3u * 200u); // at most the peer link's window per drop
}
