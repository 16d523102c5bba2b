#define BOOST_TEST_MODULE listener_bind
#include <boost/test/unit_test.hpp>

#include "server/listener_harness.hpp"

using namespace twinsms;
using namespace twinsms::test;
using std::chrono::steady_clock;

namespace {
struct two_accounts : listener_harness {
    two_accounts() {
        accounts.push_back(account("alice", "secret"));
        auto rx = account("rxonly", "pw");
        rx.allow_transmitter = rx.allow_transceiver = false;
        accounts.push_back(rx);
    }
};
} // namespace

BOOST_FIXTURE_TEST_CASE(good_bind_and_submit, two_accounts) {
    start();
    auto c = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST(!c.result.ec);
    BOOST_TEST(c.result.status == status::ok);
    BOOST_TEST(c.result.system_id == "twinsms-test");
    BOOST_TEST(c.s->state() == bind_state::bound_trx);
    BOOST_TEST(listener->session_count() == 1u);
    BOOST_TEST_REQUIRE(bound_accounts.size() == 1u);
    BOOST_TEST(bound_accounts[0]->system_id == "alice");

    std::string id;
    run([&]() -> asio::awaitable<void> {
        auto [ec, r] = co_await c.s->async_request(submit_pdu(), use_tuple);
        if (!ec && r->status == status::ok) id = std::string{r->as<submit_sm_resp>()->message_id};
    });
    BOOST_TEST(id == "alice-1");
    BOOST_TEST(requests_from == std::vector<std::string>{"alice"}, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(each_bind_type, two_accounts) {
    start();
    auto tx = bind(bind_type::transmitter, "alice", "secret");
    auto rx = bind(bind_type::receiver, "alice", "secret");
    auto trx = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST(tx.s->state() == bind_state::bound_tx);
    BOOST_TEST(rx.s->state() == bind_state::bound_rx);
    BOOST_TEST(trx.s->state() == bind_state::bound_trx);
    BOOST_TEST(listener->session_count() == 3u);
}

BOOST_FIXTURE_TEST_CASE(bad_password_is_rinvpaswd, two_accounts) {
    start();
    auto c = bind(bind_type::transceiver, "alice", "wrong");
    BOOST_TEST(!c.result.ec);
    BOOST_TEST(c.result.status == 0x0Eu);
    BOOST_TEST(!c.bound());
    BOOST_TEST(bound_accounts.empty());
}

BOOST_FIXTURE_TEST_CASE(unknown_system_id_is_answered_like_a_wrong_password, two_accounts) {
    start();
    auto c = bind(bind_type::transceiver, "mallory", "secret");
    BOOST_TEST(c.result.status == 0x0Eu); // ESME_RINVPASWD: not telling which system_ids exist
    BOOST_TEST(!c.bound());
}

BOOST_FIXTURE_TEST_CASE(receiver_only_account_cannot_transmit, two_accounts) {
    start();
    BOOST_TEST(bind(bind_type::transmitter, "rxonly", "pw").result.status == status::bindfail);
    BOOST_TEST(bind(bind_type::transceiver, "rxonly", "pw").result.status == status::bindfail);
    auto ok = bind(bind_type::receiver, "rxonly", "pw");
    BOOST_TEST(ok.result.status == status::ok);
    BOOST_TEST(ok.s->state() == bind_state::bound_rx);
}

BOOST_FIXTURE_TEST_CASE(passive_account_refuses_binds, listener_harness) {
    auto a = account("standby", "pw");
    a.active = false;
    accounts.push_back(a);
    start();
    BOOST_TEST(bind(bind_type::transceiver, "standby", "pw").result.status == status::bindfail);
}

BOOST_FIXTURE_TEST_CASE(max_binds_one, listener_harness) {
    auto a = account("single", "pw");
    a.max_binds = 1;
    accounts.push_back(a);
    start();
    auto first = bind(bind_type::transceiver, "single", "pw");
    BOOST_TEST_REQUIRE(first.result.status == status::ok);
    auto second = bind(bind_type::transceiver, "single", "pw");
    BOOST_TEST(second.result.status == status::bindfail);
    BOOST_TEST(!second.bound());
    // The limit covers all bind types.
    BOOST_TEST(bind(bind_type::receiver, "single", "pw").result.status == status::bindfail);
    BOOST_TEST(first.bound()); // the first one is untouched

    // Once the first has unbound, a new bind is allowed at once: a client
    // that reconnects right after unbind_resp must not be refused.
    run([&]() -> asio::awaitable<void> { co_await first.s->unbind(); });
    BOOST_TEST(first.s->closed());
    auto third = bind(bind_type::transceiver, "single", "pw");
    BOOST_TEST(third.result.status == status::ok);
}

BOOST_FIXTURE_TEST_CASE(max_binds_two_counts_only_bound_sessions, listener_harness) {
    auto a = account("pair", "pw");
    a.max_binds = 2;
    accounts.push_back(a);
    start();
    // Failed and unbound connections of the account do not use up its binds.
    auto bad = bind(bind_type::transceiver, "pair", "nope");
    BOOST_TEST(bad.result.status == status::invpaswd);
    auto one = bind(bind_type::transceiver, "pair", "pw");
    auto two = bind(bind_type::receiver, "pair", "pw");
    BOOST_TEST(one.result.status == status::ok);
    BOOST_TEST(two.result.status == status::ok);
    BOOST_TEST(bind(bind_type::transmitter, "pair", "pw").result.status == status::bindfail);
    // A peer that just drops the TCP connection frees its bind too.
    two.s->close();
    BOOST_REQUIRE(run_until(io, [&] { return listener->receivers_of("pair").size() == 1u; }));
    BOOST_TEST(bind(bind_type::transmitter, "pair", "pw").result.status == status::ok);
}

BOOST_FIXTURE_TEST_CASE(allowed_sources, listener_harness) {
    auto office = account("office", "pw");
    office.allowed_sources = {*ip_range::parse("10.0.0.0/8"), *ip_range::parse("::1")};
    accounts.push_back(office);
    auto local = account("local", "pw");
    local.allowed_sources = {*ip_range::parse("192.0.2.0/24"), *ip_range::parse("127.0.0.0/8")};
    accounts.push_back(local);
    start();
    auto refused = bind(bind_type::transceiver, "office", "pw");
    BOOST_TEST(refused.result.status == status::bindfail);
    BOOST_TEST(!refused.bound());
    BOOST_TEST(bind(bind_type::transceiver, "local", "pw").result.status == status::ok);
}

BOOST_FIXTURE_TEST_CASE(repeated_failures_block_the_address_for_a_while, two_accounts) {
    cfg.guard_config.max_failures = 3;
    cfg.guard_config.window = ms{60'000};
    cfg.guard_config.block_for = ms{400};
    start();
    BOOST_TEST(bind(bind_type::transceiver, "alice", "guess1").result.status == status::invpaswd);
    BOOST_TEST(bind(bind_type::transceiver, "alice", "guess2").result.status == status::invpaswd);
    BOOST_TEST(bind(bind_type::transceiver, "nobody", "x").result.status == status::invpaswd);
    const auto blocked_at = steady_clock::now();
    // Blocked now: the right password does not help, and the answer is the
    // uninformative ESME_RBINDFAIL.
    auto during = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST(during.result.status == status::bindfail);
    BOOST_TEST(!during.bound());
    BOOST_TEST(bind(bind_type::transceiver, "alice", "guess3").result.status == status::bindfail);

    // This is a test of the block's duration, so it waits for it to pass.
    wait(ms{450});
    auto after = bind(bind_type::transceiver, "alice", "secret");
    BOOST_TEST(after.result.status == status::ok);
    const auto waited = steady_clock::now() - blocked_at;
    BOOST_TEST((waited >= ms{400}));
}

BOOST_FIXTURE_TEST_CASE(refused_connection_may_retry_on_the_same_session, two_accounts) {
    start();
    auto c = bind(bind_type::transceiver, "alice", "wrong");
    BOOST_TEST_REQUIRE(c.result.status == status::invpaswd);
    BOOST_TEST(c.s->state() == bind_state::open);
    session::bind_result again;
    run([&]() -> asio::awaitable<void> { again = co_await c.s->bind(bind_type::transceiver, credentials("alice", "secret")); });
    BOOST_TEST(again.status == status::ok);
    BOOST_TEST(c.s->state() == bind_state::bound_trx);
    BOOST_TEST(listener->session_count() == 1u);
}
