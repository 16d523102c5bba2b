// What the node applies of the controller's serve(): with a witness the
// guarded carriers only while the key is held; while a new epoch is not
// committed, only less than what is applied now (stopping is safe, serving
// more waits), nothing at all before the first apply; without a witness
// and with the epoch stored, serve() as it is.
#define BOOST_TEST_MODULE serve_gate
#include <boost/test/unit_test.hpp>

#include "cluster/serve_gate.hpp"

using namespace twinsms::cluster;

namespace twinsms::cluster {
inline std::ostream& operator<<(std::ostream& o, const serving& s) {
    return o << "{home_clients " << s.home_clients << ", home_carriers " << s.home_carriers << ", peer_profiles "
             << s.peer_profiles << ", overflow " << s.overflow << ", peer_link_route " << s.peer_link_route
             << ", guarded_carriers " << s.guarded_carriers << "}";
}
} // namespace twinsms::cluster

namespace {
const serving own{true, true, false, false, true};
const serving everything{true, true, true, false, false};
serving without_key(serving s) {
    s.guarded_carriers = false;
    return s;
}
} // namespace

BOOST_AUTO_TEST_CASE(without_a_witness_and_with_the_epoch_stored_serve_is_applied_as_it_is) {
    BOOST_TEST(gate(everything, own, {}) == everything);
    BOOST_TEST(gate(own, std::nullopt, {}) == own);
}

BOOST_AUTO_TEST_CASE(the_guarded_carriers_only_with_the_key) {
    BOOST_TEST(gate(own, own, {.witness = true, .key_held = false}) == without_key(own));
    BOOST_TEST(gate(own, without_key(own), {.witness = true, .key_held = true}) == own);
}

BOOST_AUTO_TEST_CASE(an_uncommitted_epoch_lets_the_node_stop_but_not_serve_more) {
    // A takeover whose epoch is being written: nothing more than before.
    BOOST_TEST(gate(everything, own, {.epoch_committed = false}) ==
               (serving{true, true, false, false, false}));
    // Fenced while the write is pending: stop at once.
    BOOST_TEST(gate(serving{}, everything, {.epoch_committed = false}) == serving{});
    // Before the first apply: nothing, not even the carriers.
    BOOST_TEST(gate(own, std::nullopt, {.epoch_committed = false}) == without_key(serving{}));
    // The key acquired while the epoch is written: the carriers wait for the write.
    BOOST_TEST(gate(own, without_key(own), {.witness = true, .key_held = true, .epoch_committed = false}) ==
               without_key(own));
}
