#define BOOST_TEST_MODULE authenticator
#include <boost/test/unit_test.hpp>

#include "smpp/server/authenticator.hpp"

using namespace twinsms::smpp;
using namespace std::chrono_literals;
namespace ip = boost::asio::ip;

namespace {
const authenticator::time_point t0 = authenticator::time_point{} + 10'000s;

client_account acct(std::string id, std::string pw) {
    client_account a;
    a.system_id = std::move(id);
    a.password = std::move(pw);
    return a;
}

account_table make_table() {
    std::vector<client_account> v;
    v.push_back(acct("alice", "secret"));
    auto rx = acct("rxonly", "pw");
    rx.allow_transmitter = rx.allow_transceiver = false;
    v.push_back(rx);
    auto passive = acct("standby", "pw");
    passive.active = false;
    v.push_back(passive);
    auto limited = acct("limited", "pw");
    limited.max_binds = 2;
    v.push_back(limited);
    auto office = acct("office", "pw");
    office.allowed_sources = {*ip_range::parse("10.0.0.0/8"), *ip_range::parse("2001:db8::/32")};
    v.push_back(office);
    v.push_back(acct("nopass", ""));
    return account_table{std::move(v)};
}

struct fixture {
    account_table table = make_table();
    authenticator auth{twinsms::guard::credential_guard_config{.max_failures = 3, .window = 60s, .block_for = 30s}};
    unsigned binds = 0; // what the listener would report for the account

    bind_decision decide(std::string_view id, std::string_view pw, bind_type t = bind_type::transceiver,
                         const char* from = "192.0.2.1", authenticator::time_point now = t0) {
        return auth.decide(table, {t, id, pw, ip::make_address(from)},
                           [this](const client_account&) { return binds; }, now);
    }
    // With an authenticator of its own, so earlier failures cannot block.
    bind_decision decide_fresh(std::string_view id, std::string_view pw) {
        authenticator fresh{twinsms::guard::credential_guard_config{}};
        return fresh.decide(table, {bind_type::transceiver, id, pw, ip::make_address("192.0.2.1")},
                            [](const client_account&) { return 0u; }, t0);
    }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(auth, fixture)

BOOST_AUTO_TEST_CASE(success_returns_the_account) {
    for (auto t : {bind_type::transmitter, bind_type::receiver, bind_type::transceiver}) {
        const auto d = decide("alice", "secret", t);
        BOOST_TEST(d.status == status::ok);
        BOOST_TEST(d.account == table.find("alice"));
    }
}

BOOST_AUTO_TEST_CASE(unknown_system_id_is_answered_like_a_wrong_password) {
    const auto d = decide("mallory", "secret");
    // Not ESME_RINVSYSID: that would tell a guesser which system_ids exist.
    BOOST_TEST(d.status == status::invpaswd);
    BOOST_TEST(d.account == nullptr);
    BOOST_TEST(std::string_view{d.reason} == "unknown system_id"); // the log tells them apart
    BOOST_TEST(std::string_view{decide_fresh("alice", "x").reason} == "wrong password");
    // Lookup is exact: no case folding, no prefix match.
    for (const char* id : {"Alice", "alic", "alice ", ""})
        BOOST_TEST(decide_fresh(id, "secret").status == status::invpaswd, "system_id '" << id << "'");
}

BOOST_AUTO_TEST_CASE(wrong_password) {
    for (const char* pw : {"secreT", "secre", "secret2", "", "x"}) {
        const auto d = decide_fresh("alice", pw);
        BOOST_TEST(d.status == status::invpaswd, "password '" << pw << "'");
        BOOST_TEST(d.account == nullptr);
    }
}

BOOST_AUTO_TEST_CASE(empty_password_account_needs_empty_password) {
    BOOST_TEST(decide("nopass", "").status == status::ok);
    BOOST_TEST(decide("nopass", "x").status == status::invpaswd);
}

BOOST_AUTO_TEST_CASE(source_not_allowed) {
    const auto d = decide("office", "pw", bind_type::transceiver, "192.0.2.1");
    BOOST_TEST(d.status == status::bindfail);
    BOOST_TEST(d.account == nullptr);
    BOOST_TEST(decide("office", "pw", bind_type::transceiver, "10.9.8.7").status == status::ok);
    BOOST_TEST(decide("office", "pw", bind_type::transceiver, "::ffff:10.9.8.7").status == status::ok);
    BOOST_TEST(decide("office", "pw", bind_type::transceiver, "2001:db8::5").status == status::ok);
}

BOOST_AUTO_TEST_CASE(passive_account_refuses_binds) {
    const auto d = decide("standby", "pw");
    BOOST_TEST(d.status == status::bindfail);
    BOOST_TEST(d.account == nullptr);
}

BOOST_AUTO_TEST_CASE(bind_type_not_allowed) {
    BOOST_TEST(decide("rxonly", "pw", bind_type::receiver).status == status::ok);
    BOOST_TEST(decide("rxonly", "pw", bind_type::transmitter).status == status::bindfail);
    BOOST_TEST(decide("rxonly", "pw", bind_type::transceiver).status == status::bindfail);
}

BOOST_AUTO_TEST_CASE(max_binds) {
    binds = 1;
    BOOST_TEST(decide("limited", "pw").status == status::ok);
    binds = 2;
    BOOST_TEST(decide("limited", "pw").status == status::bindfail);
    binds = 7;
    BOOST_TEST(decide("limited", "pw").status == status::bindfail);
    // max_binds = 0 is unlimited.
    BOOST_TEST(decide("alice", "secret").status == status::ok);
}

BOOST_AUTO_TEST_CASE(repeated_failures_block_the_address) {
    BOOST_TEST(decide("alice", "a").status == status::invpaswd);
    BOOST_TEST(decide("alice", "b").status == status::invpaswd);
    const auto third = decide("nobody", "c"); // unknown ids count too
    BOOST_TEST(third.status == status::invpaswd);
    BOOST_TEST((third.started == twinsms::guard::verdict::address_blocked));
    // Blocked: even the right password is refused (ESME_RBINDFAIL).
    auto d = decide("alice", "secret");
    BOOST_TEST(d.status == status::bindfail);
    BOOST_TEST(d.account == nullptr);
    BOOST_TEST(decide("nobody", "x").status == status::bindfail);
    // Another address is not blocked.
    BOOST_TEST(decide("alice", "secret", bind_type::transceiver, "192.0.2.2").status == status::ok);
    // The block ends.
    BOOST_TEST(decide("alice", "secret", bind_type::transceiver, "192.0.2.1", t0 + 29s).status == status::bindfail);
    BOOST_TEST(decide("alice", "secret", bind_type::transceiver, "192.0.2.1", t0 + 30s).status == status::ok);
}

BOOST_AUTO_TEST_CASE(source_refusals_count_towards_the_block) {
    for (int i = 0; i < 3; ++i) BOOST_TEST(decide("office", "pw").status == status::bindfail);
    // Now even an account without source restrictions is refused from there.
    BOOST_TEST(decide("alice", "secret").status == status::bindfail);
}

BOOST_AUTO_TEST_CASE(refusals_after_a_correct_password_do_not_count) {
    // A client with the right credentials but a passive profile, a wrong bind
    // type or too many binds is not guessing; it must not lock itself out.
    binds = 5;
    for (int i = 0; i < 10; ++i) {
        BOOST_TEST(decide("standby", "pw").status == status::bindfail);
        BOOST_TEST(decide("rxonly", "pw", bind_type::transmitter).status == status::bindfail);
        BOOST_TEST(decide("limited", "pw").status == status::bindfail);
    }
    BOOST_TEST(decide("alice", "secret").status == status::ok);
}

BOOST_AUTO_TEST_CASE(success_clears_earlier_failures) {
    BOOST_TEST(decide("alice", "a").status == status::invpaswd);
    BOOST_TEST(decide("alice", "b").status == status::invpaswd);
    BOOST_TEST(decide("alice", "secret").status == status::ok);
    BOOST_TEST(decide("alice", "c").status == status::invpaswd);
    BOOST_TEST(decide("alice", "d").status == status::invpaswd);
    BOOST_TEST(decide("alice", "secret").status == status::ok); // 2 failures since the success, not 4
}

BOOST_AUTO_TEST_CASE(guessing_one_account_from_many_addresses_locks_it_like_a_wrong_password) {
    authenticator a{twinsms::guard::credential_guard_config{.max_failures = 3, .account_max_failures = 4}};
    auto from = [&](const std::string& addr, std::string_view id, std::string_view pw) {
        return a.decide(table, {bind_type::transceiver, id, pw, ip::make_address(addr)},
                        [](const client_account&) { return 0u; }, t0);
    };
    BOOST_TEST(from("198.51.100.9", "alice", "secret").status == status::ok); // alice's own client, trusted
    for (int i = 0; i < 4; ++i) BOOST_TEST(from("203.0.113." + std::to_string(i), "alice", "guess").status == status::invpaswd);
    // Locked: the right password from a new address gets the answer a wrong
    // one gets, which is also what an unknown system_id gets.
    const auto locked = from("203.0.113.50", "alice", "secret");
    BOOST_TEST(locked.status == status::invpaswd);
    BOOST_TEST(std::string_view{locked.reason} == "account locked after repeated failed binds");
    BOOST_TEST(from("203.0.113.51", "nobody", "secret").status == status::invpaswd);
    // Its own client keeps binding, and other accounts are not locked.
    BOOST_TEST(from("198.51.100.9", "alice", "secret").status == status::ok);
    BOOST_TEST(from("203.0.113.52", "office", "pw").status == status::bindfail); // source rule, not the lock
    BOOST_TEST(from("10.1.1.1", "office", "pw").status == status::ok);
}

BOOST_AUTO_TEST_CASE(table_lookup) {
    BOOST_TEST(table.size() == 6u);
    BOOST_TEST(table.find("alice") != nullptr);
    BOOST_TEST(table.find("zed") == nullptr);
    // A duplicate system_id: the later entry wins.
    account_table t{{acct("dup", "one"), acct("dup", "two")}};
    BOOST_TEST(t.size() == 1u);
    BOOST_TEST(t.find("dup")->password == "two");
}

BOOST_AUTO_TEST_SUITE_END()

