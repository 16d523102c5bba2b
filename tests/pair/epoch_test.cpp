// The epoch is committed before the node acts on it. site2's store is made
// to fail its commits (an LD_PRELOAD shim fails fdatasync while a trigger
// file exists): when site1 dies, site2's takeover waits, alerts
// epoch_not_stored and binds no carrier; once the store works again the
// epoch is stored on the retry and the takeover goes through.
#define BOOST_TEST_MODULE pair_epoch
#include <cstdlib>

#include "pair/pair_fixture.hpp"

#ifndef FAIL_SYNC_SHIM
#error "FAIL_SYNC_SHIM must name the fdatasync shim"
#endif

using namespace twinsms;
using namespace twinsms::test;

BOOST_FIXTURE_TEST_CASE(a_failed_epoch_write_holds_the_takeover_and_alerts, pair_fixture) {
    const auto trigger = scratch.path / "fail-sync";
    start(s1);
    // Only site2 runs with the shim (the environment is inherited at spawn).
    ::setenv("LD_PRELOAD", FAIL_SYNC_SHIM, 1);
    ::setenv("TWINSMS_TEST_FAIL_SYNC", trigger.c_str(), 1);
    start(s2);
    ::unsetenv("LD_PRELOAD");
    ::unsetenv("TWINSMS_TEST_FAIL_SYNC");
    await_mode(s1, "normal", 15s);
    await_mode(s2, "normal", 15s);
    require([&] { return s1.has("carrier", "bound", {{"carrier", "sim"}}); }, "site1 bound the carrier");

    write_file(trigger, "fail\n");
    const auto from = s2.mark();
    kill9(s1);
    require([&] { return s2.has("cluster", "epoch_not_stored", {}, from); }, "site2 says the epoch was not stored", 10s);
    require([&] { return s2.has("alert", "raised", {{"kind", "epoch_not_stored"}}, from); }, "and alerts it", 5s);
    // The takeover waits: no transition, no carrier, while the store fails.
    BOOST_TEST(!wait([&] { return sim->bound_sessions("carrier") > 0 || mode_of(s2) == "took_over"; }, 2s));
    BOOST_TEST(s2.has("store", "commit_failed", {}, from));

    fs::remove(trigger);
    require([&] { return mode_of(s2) == "took_over"; }, "site2 took over once the epoch is stored", 10s);
    require([&] { return s2.has("carrier", "bound", {{"carrier", "sim"}}, from); }, "site2 bound the carrier", 10s);
    BOOST_TEST(s2.has("cluster", "epoch_stored", {}, from));
}
