// The witness lease on a hand-driven clock: grant, acquire and renew in
// order, one request at a time; the window that lets the node bind the
// carriers ends at the last successful grant or renewal's *send* time plus
// the TTL less the guard, whatever the answers do; a renewal answer that
// says the lease is gone closes it at once; a refusal names the holder
// once and retries at a bounded pace; the key is given back when no longer
// wanted, and a failed give-back forgets the lease.
#define BOOST_TEST_MODULE witness_lease
#include <boost/test/unit_test.hpp>

#include "cluster/witness_lease.hpp"

using namespace twinsms::cluster;
using namespace std::chrono_literals;

namespace twinsms::cluster {
inline std::ostream& operator<<(std::ostream& o, witness_request r) { return o << to_string(r); }
inline std::ostream& operator<<(std::ostream& o, witness_event_kind k) { return o << to_string(k); }
} // namespace twinsms::cluster

namespace {

const clock::time_point t0{std::chrono::hours(1)};
const witness_timing timing{3000ms}; // renew every 1 s, guard 750 ms, retry every 500 ms

// Wants the key and takes it at `at` (grant sent at `at`, answered 10 ms later).
void acquire(witness_lease& l, clock::time_point at, std::int64_t revision = 42) {
    l.want(true);
    BOOST_REQUIRE_EQUAL(l.next(at), witness_request::grant);
    l.on_sent(witness_request::grant, at);
    l.on_granted(7, 3s, at + 10ms);
    BOOST_REQUIRE_EQUAL(l.next(at + 10ms), witness_request::acquire);
    l.on_sent(witness_request::acquire, at + 10ms);
    l.on_acquired(revision, at + 20ms);
}

} // namespace

BOOST_AUTO_TEST_CASE(nothing_is_asked_until_the_key_is_wanted) {
    witness_lease l{timing};
    BOOST_TEST(l.next(t0) == witness_request::none);
    BOOST_TEST(!l.holding(t0));
    BOOST_TEST((l.next_deadline(t0) == clock::time_point::max()));
}

BOOST_AUTO_TEST_CASE(grant_then_acquire_then_holding_with_the_revision) {
    witness_lease l{timing};
    acquire(l, t0, 1234);
    BOOST_TEST(l.holding(t0 + 20ms));
    BOOST_TEST(*l.revision() == 1234);
    const auto ev = l.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == witness_event_kind::acquired);
    BOOST_TEST(ev[0].revision == 1234);
    // One request at a time: nothing more while one is in flight.
    l.on_sent(witness_request::renew, t0 + 1s);
    BOOST_TEST(l.next(t0 + 2s) == witness_request::none);
}

BOOST_AUTO_TEST_CASE(renewals_every_third_of_the_ttl_keep_the_window_open) {
    witness_lease l{timing};
    acquire(l, t0);
    BOOST_TEST(l.next(t0 + 999ms) == witness_request::none);
    BOOST_TEST((l.next_deadline(t0 + 500ms) == t0 + 1s));
    for (int i = 1; i <= 10; ++i) {
        const auto at = t0 + i * 1s;
        BOOST_REQUIRE_EQUAL(l.next(at), witness_request::renew);
        l.on_sent(witness_request::renew, at);
        l.on_renewed(3s, at + 300ms);
        l.tick(at + 300ms);
        BOOST_TEST(l.holding(at + 300ms));
        BOOST_TEST((l.safe_until() == at + 3s - 750ms)); // from the send, not the answer
    }
    BOOST_TEST(l.take_events().size() == 1u); // the acquisition only
}

BOOST_AUTO_TEST_CASE(unanswered_renewals_close_the_window_at_send_plus_ttl_less_guard) {
    witness_lease l{timing};
    acquire(l, t0);
    // Renewal at 1 s times out; the one at 2 s never answers.
    l.on_sent(witness_request::renew, t0 + 1s);
    l.on_failed("timeout", t0 + 1750ms);
    BOOST_REQUIRE_EQUAL(l.next(t0 + 2s), witness_request::renew);
    l.on_sent(witness_request::renew, t0 + 2s);
    const auto end = t0 + 3s - 750ms; // the grant was sent at t0
    l.tick(end - 1ms);
    BOOST_TEST(l.holding(end - 1ms));
    BOOST_TEST((l.next_deadline(end - 1ms) == end));
    l.tick(end);
    BOOST_TEST(!l.holding(end));
    const auto ev = l.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 2u);
    BOOST_TEST(ev[1].kind == witness_event_kind::lost);
    BOOST_TEST(ev[1].detail.find("timeout") != std::string::npos);
    // The late answer of the renewal in flight changes nothing.
    l.on_renewed(3s, end + 100ms);
    BOOST_TEST(!l.holding(end + 100ms));
    // Still wanted: a new lease at once.
    BOOST_TEST(l.next(end + 100ms) == witness_request::grant);
}

BOOST_AUTO_TEST_CASE(a_renewal_that_says_the_lease_is_gone_closes_the_window_at_once) {
    witness_lease l{timing};
    acquire(l, t0);
    l.on_sent(witness_request::renew, t0 + 1s);
    l.on_renewed(0s, t0 + 1010ms);
    BOOST_TEST(!l.holding(t0 + 1010ms));
    const auto ev = l.take_events();
    BOOST_TEST(ev.back().kind == witness_event_kind::lost);
}

BOOST_AUTO_TEST_CASE(a_shorter_ttl_from_etcd_shortens_the_window) {
    witness_lease l{timing};
    l.want(true);
    l.on_sent(witness_request::grant, t0);
    l.on_granted(7, 2s, t0 + 5ms);
    BOOST_TEST((l.safe_until() == t0 + 2s - 750ms));
}

BOOST_AUTO_TEST_CASE(refusals_name_the_holder_once_and_retry_at_a_bounded_pace) {
    witness_lease l{timing};
    l.want(true);
    l.on_sent(witness_request::grant, t0);
    l.on_granted(7, 3s, t0);
    int acquires = 0;
    // Ten seconds of wanting a key the peer holds: renewals keep our lease,
    // acquisitions come every 500 ms at most.
    for (auto at = t0; at < t0 + 10s; at += 10ms) {
        const auto r = l.next(at);
        if (r == witness_request::none) continue;
        l.on_sent(r, at);
        if (r == witness_request::acquire) ++acquires, l.on_refused("site1", 99, at + 5ms);
        else if (r == witness_request::renew) l.on_renewed(3s, at + 5ms);
        l.tick(at + 5ms);
    }
    BOOST_TEST(acquires <= 21);
    BOOST_TEST(acquires >= 15);
    BOOST_TEST(!l.holding(t0 + 10s));
    BOOST_TEST(l.holder() == "site1");
    const auto ev = l.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == witness_event_kind::refused);
    BOOST_TEST(ev[0].detail.find("site1") != std::string::npos);
    // The holder's lease expired: the next attempt gets the key (after
    // the renewal due now).
    auto at = t0 + 10s;
    BOOST_REQUIRE_EQUAL(l.next(at), witness_request::renew);
    l.on_sent(witness_request::renew, at);
    l.on_renewed(3s, at);
    while (l.next(at) == witness_request::none) at += 10ms;
    BOOST_TEST((at <= t0 + 10s + 500ms));
    BOOST_REQUIRE_EQUAL(l.next(at), witness_request::acquire);
    l.on_sent(witness_request::acquire, at);
    l.on_acquired(120, at + 5ms);
    BOOST_TEST(l.holding(at + 5ms));
}

BOOST_AUTO_TEST_CASE(failed_grants_retry_at_a_bounded_pace) {
    witness_lease l{timing};
    l.want(true);
    l.on_sent(witness_request::grant, t0);
    l.on_failed("connection refused", t0 + 1ms);
    BOOST_TEST(l.next(t0 + 100ms) == witness_request::none);
    BOOST_TEST((l.next_deadline(t0 + 100ms) == t0 + 501ms));
    BOOST_TEST(l.next(t0 + 501ms) == witness_request::grant);
    BOOST_TEST(l.last_error() == "connection refused");
}

BOOST_AUTO_TEST_CASE(the_key_is_given_back_when_no_longer_wanted) {
    witness_lease l{timing};
    acquire(l, t0);
    l.take_events();
    l.want(false);
    BOOST_REQUIRE_EQUAL(l.next(t0 + 100ms), witness_request::release);
    l.on_sent(witness_request::release, t0 + 100ms);
    l.on_released(t0 + 110ms);
    BOOST_TEST(!l.holding(t0 + 110ms));
    BOOST_TEST(!l.lease_id());
    BOOST_TEST(l.next(t0 + 5s) == witness_request::none); // nothing at rest
    const auto ev = l.take_events();
    BOOST_REQUIRE_EQUAL(ev.size(), 1u);
    BOOST_TEST(ev[0].kind == witness_event_kind::released);
}

BOOST_AUTO_TEST_CASE(a_failed_give_back_forgets_the_lease_which_expires_by_itself) {
    witness_lease l{timing};
    acquire(l, t0);
    l.want(false);
    l.on_sent(witness_request::release, t0 + 100ms);
    l.on_failed("timeout", t0 + 850ms);
    BOOST_TEST(!l.lease_id());
    BOOST_TEST(!l.holding(t0 + 850ms));
    BOOST_TEST(l.next(t0 + 1s) == witness_request::none);
}

BOOST_AUTO_TEST_CASE(the_guard_scales_with_the_ttl_with_a_floor) {
    BOOST_TEST(witness_timing{3000ms}.guard().count() == 750);
    BOOST_TEST(witness_timing{10000ms}.guard().count() == 2500);
    BOOST_TEST(witness_timing{2000ms}.guard().count() == 500);
    BOOST_TEST(witness_timing{3000ms}.renew_every().count() == 1000);
    BOOST_TEST(witness_timing{3000ms}.retry_every().count() == 500);
}
