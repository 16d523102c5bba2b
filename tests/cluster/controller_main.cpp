// The cluster controller on a hand-driven clock: every transition of the
// pair's state machine (joining, normal, took_over, handing_back, fenced,
// standby), what each mode serves, the fencing epoch, brain-split
// resolution, the failback hold, operator commands, overflow hysteresis, the
// events and counters; then whole pairs of controllers wired report to report.
//
// One executable from several sources, split by mode:
//   controller_joining_test.cpp     joining, normal
//   controller_takeover_test.cpp    took_over (failback hold, brain split), handing_back
//   controller_fencing_test.cpp     fenced, switchover, takeover_command
//   controller_overflow_test.cpp    overflow, misc (serve, report, events)
//   controller_pair_test.cpp        pairs of controllers, convergence, link grace
// with controller_fixture.hpp shared.
#define BOOST_TEST_MODULE controller
#include <boost/test/unit_test.hpp>
