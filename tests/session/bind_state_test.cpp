// Bind-state rules (SMPP 3.4 section 2.3): which requests a session accepts
// and may send in each state, for both roles. Pure functions, no sockets.
#define BOOST_TEST_MODULE bind_state
#include <boost/test/unit_test.hpp>

#include "session/printers.hpp"
#include "smpp/session/bind_state.hpp"

using namespace twinsms::smpp;

namespace {

constexpr bind_state all_states[] = {bind_state::open,   bind_state::bound_tx, bind_state::bound_rx,
                                     bind_state::bound_trx, bind_state::unbound, bind_state::closed};
constexpr command_id esme_submits[] = {command_id::submit_sm, command_id::submit_multi, command_id::data_sm,
                                       command_id::query_sm,  command_id::cancel_sm,    command_id::replace_sm};
constexpr command_id binds[] = {command_id::bind_transmitter, command_id::bind_receiver,
                                command_id::bind_transceiver};
constexpr command_id responses[] = {command_id::generic_nack,    command_id::submit_sm_resp,
                                    command_id::deliver_sm_resp, command_id::bind_transceiver_resp,
                                    command_id::enquire_link_resp, command_id::unbind_resp,
                                    command_id::data_sm_resp};

std::string name(role r) { return r == role::esme ? "esme" : "smsc"; }

// check_incoming must give `want` for every id in `ids` (arrays and braced lists).
template <std::size_t N> void expect_in(role r, bind_state s, const command_id (&ids)[N], command_status want) {
    for (auto id : ids)
        BOOST_TEST_CONTEXT(name(r) << " " << to_string(s) << " <- " << to_string(id)) {
            BOOST_TEST(check_incoming(r, s, id) == want);
        }
}
template <std::size_t N> void expect_out(role r, bind_state s, const command_id (&ids)[N], bool want) {
    for (auto id : ids)
        BOOST_TEST_CONTEXT(name(r) << " " << to_string(s) << " -> " << to_string(id)) {
            BOOST_TEST(may_send(r, s, id) == want);
        }
}

} // namespace

BOOST_AUTO_TEST_SUITE(incoming_smsc)

BOOST_AUTO_TEST_CASE(before_bind_only_bind_and_enquire_link) {
    expect_in(role::smsc, bind_state::open, binds, status::ok);
    expect_in(role::smsc, bind_state::open, {command_id::enquire_link}, status::ok);
    // submit_sm before bind: ESME_RINVBNDSTS (not RINVCMDID, not a silent drop)
    expect_in(role::smsc, bind_state::open, esme_submits, status::invbndsts);
    expect_in(role::smsc, bind_state::open, {command_id::unbind}, status::invbndsts);
    expect_in(role::smsc, bind_state::open,
              {command_id::deliver_sm, command_id::outbind, command_id::alert_notification}, status::invbndsts);
}

BOOST_AUTO_TEST_CASE(second_bind_is_already_bound) {
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
        expect_in(role::smsc, s, binds, status::alybnd);
}

BOOST_AUTO_TEST_CASE(transmitter_may_submit) {
    expect_in(role::smsc, bind_state::bound_tx, esme_submits, status::ok);
    expect_in(role::smsc, bind_state::bound_trx, esme_submits, status::ok);
}

BOOST_AUTO_TEST_CASE(receiver_may_not_submit) {
    // A receiver bind only takes deliveries; every ESME->SMSC operation is refused.
    expect_in(role::smsc, bind_state::bound_rx, esme_submits, status::invbndsts);
}

BOOST_AUTO_TEST_CASE(smsc_never_accepts_smsc_operations) {
    for (auto s : all_states)
        expect_in(role::smsc, s, {command_id::deliver_sm, command_id::alert_notification, command_id::outbind},
                  status::invbndsts);
}

BOOST_AUTO_TEST_CASE(unbind_only_when_bound) {
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
        expect_in(role::smsc, s, {command_id::unbind}, status::ok);
    for (auto s : {bind_state::open, bind_state::unbound, bind_state::closed})
        expect_in(role::smsc, s, {command_id::unbind}, status::invbndsts);
}

BOOST_AUTO_TEST_CASE(after_unbind_nothing_but_enquire_link) {
    expect_in(role::smsc, bind_state::unbound, esme_submits, status::invbndsts);
    expect_in(role::smsc, bind_state::unbound, {command_id::enquire_link}, status::ok);
    for (auto id : binds) BOOST_TEST(check_incoming(role::smsc, bind_state::unbound, id) != status::ok);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(incoming_esme)

BOOST_AUTO_TEST_CASE(before_bind) {
    expect_in(role::esme, bind_state::open, {command_id::enquire_link, command_id::outbind}, status::ok);
    expect_in(role::esme, bind_state::open,
              {command_id::deliver_sm, command_id::data_sm, command_id::alert_notification, command_id::unbind},
              status::invbndsts);
}

BOOST_AUTO_TEST_CASE(deliver_sm_on_transmitter_refused) {
    expect_in(role::esme, bind_state::bound_tx,
              {command_id::deliver_sm, command_id::data_sm, command_id::alert_notification}, status::invbndsts);
}

BOOST_AUTO_TEST_CASE(deliver_sm_on_receiver_and_transceiver) {
    for (auto s : {bind_state::bound_rx, bind_state::bound_trx})
        expect_in(role::esme, s, {command_id::deliver_sm, command_id::data_sm, command_id::alert_notification},
                  status::ok);
}

BOOST_AUTO_TEST_CASE(outbind_when_bound_is_already_bound) {
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
        expect_in(role::esme, s, {command_id::outbind}, status::alybnd);
}

BOOST_AUTO_TEST_CASE(esme_refuses_esme_operations_and_binds) {
    // An SMSC does not submit to us nor bind to us, whatever the state.
    for (auto s : all_states) {
        expect_in(role::esme, s, binds, status::invbndsts);
        for (auto id : esme_submits)
            if (id != command_id::data_sm) expect_in(role::esme, s, {id}, status::invbndsts);
    }
}

BOOST_AUTO_TEST_CASE(unbind_only_when_bound) {
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
        expect_in(role::esme, s, {command_id::unbind}, status::ok);
    expect_in(role::esme, bind_state::open, {command_id::unbind}, status::invbndsts);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(incoming_any_role)

BOOST_AUTO_TEST_CASE(enquire_link_in_every_non_closed_state) {
    for (auto r : {role::esme, role::smsc})
        for (auto s : all_states)
            expect_in(r, s, {command_id::enquire_link}, s == bind_state::closed ? status::invbndsts : status::ok);
}

BOOST_AUTO_TEST_CASE(responses_are_not_requests) {
    for (auto r : {role::esme, role::smsc})
        for (auto s : all_states) expect_in(r, s, responses, status::invcmdid);
}

BOOST_AUTO_TEST_CASE(nothing_accepted_when_closed) {
    for (auto r : {role::esme, role::smsc}) {
        expect_in(r, bind_state::closed, esme_submits, status::invbndsts);
        expect_in(r, bind_state::closed, binds, status::invbndsts);
        expect_in(r, bind_state::closed, {command_id::deliver_sm, command_id::unbind}, status::invbndsts);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(outgoing)

BOOST_AUTO_TEST_CASE(esme_binds_only_when_open) {
    expect_out(role::esme, bind_state::open, binds, true);
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx, bind_state::unbound,
                   bind_state::closed})
        expect_out(role::esme, s, binds, false);
}

BOOST_AUTO_TEST_CASE(esme_submits_only_on_a_transmitting_bind) {
    expect_out(role::esme, bind_state::bound_tx, esme_submits, true);
    expect_out(role::esme, bind_state::bound_trx, esme_submits, true);
    for (auto s : {bind_state::open, bind_state::bound_rx, bind_state::unbound, bind_state::closed})
        expect_out(role::esme, s, esme_submits, false);
}

BOOST_AUTO_TEST_CASE(esme_never_sends_smsc_operations) {
    for (auto s : all_states) expect_out(role::esme, s, {command_id::deliver_sm, command_id::outbind}, false);
}

BOOST_AUTO_TEST_CASE(smsc_delivers_only_on_a_receiving_bind) {
    const command_id delivers[] = {command_id::deliver_sm, command_id::data_sm, command_id::alert_notification};
    expect_out(role::smsc, bind_state::bound_rx, delivers, true);
    expect_out(role::smsc, bind_state::bound_trx, delivers, true);
    for (auto s : {bind_state::open, bind_state::bound_tx, bind_state::unbound, bind_state::closed})
        expect_out(role::smsc, s, delivers, false);
}

BOOST_AUTO_TEST_CASE(smsc_never_submits_nor_binds) {
    for (auto s : all_states) {
        expect_out(role::smsc, s, binds, false);
        expect_out(role::smsc, s, {command_id::submit_sm, command_id::query_sm, command_id::submit_multi}, false);
    }
}

BOOST_AUTO_TEST_CASE(outbind_only_when_open) {
    expect_out(role::smsc, bind_state::open, {command_id::outbind}, true);
    for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
        expect_out(role::smsc, s, {command_id::outbind}, false);
}

BOOST_AUTO_TEST_CASE(unbind_only_when_bound) {
    for (auto r : {role::esme, role::smsc}) {
        for (auto s : {bind_state::bound_tx, bind_state::bound_rx, bind_state::bound_trx})
            expect_out(r, s, {command_id::unbind}, true);
        for (auto s : {bind_state::open, bind_state::unbound, bind_state::closed})
            expect_out(r, s, {command_id::unbind}, false);
    }
}

BOOST_AUTO_TEST_CASE(enquire_link_and_responses_in_every_non_closed_state) {
    for (auto r : {role::esme, role::smsc})
        for (auto s : all_states) {
            const bool open = s != bind_state::closed;
            expect_out(r, s, {command_id::enquire_link}, open);
            expect_out(r, s, responses, open);
        }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(helpers) {
    BOOST_TEST(bound_state_for(bind_type::transmitter) == bind_state::bound_tx);
    BOOST_TEST(bound_state_for(bind_type::receiver) == bind_state::bound_rx);
    BOOST_TEST(bound_state_for(bind_type::transceiver) == bind_state::bound_trx);
    BOOST_TEST(bind_command(bind_type::transmitter) == command_id::bind_transmitter);
    BOOST_TEST(bind_command(bind_type::receiver) == command_id::bind_receiver);
    BOOST_TEST(bind_command(bind_type::transceiver) == command_id::bind_transceiver);
    for (auto s : all_states) BOOST_TEST(is_bound(s) == (s == bind_state::bound_tx || s == bind_state::bound_rx ||
                                                       s == bind_state::bound_trx));
    BOOST_TEST(to_string(bind_state::bound_trx) == "bound_trx");
    BOOST_TEST(to_string(bind_type::receiver) == "receiver");
}
