// The SMTP session state machine with the node's credential guard (see
// session_logic_test.cpp): failed AUTH counts against the address and the
// user, a blocked address gets 454 before its credentials are compared, a
// locked user is answered like wrong credentials.
#include "smtp/session_logic_fixture.hpp"

#include "guard/credential_guard.hpp"

namespace {
using namespace std::chrono_literals;
namespace guard = twinsms::guard;

struct guarded : session_logic_fixture::fixture {
    guard::credential_guard g{{.max_failures = 3, .account_max_failures = 4}};
    guard::time_point now = guard::time_point{} + 1000s;
    std::vector<std::pair<std::string, bool>> results; // user, ok
    guarded() {
        r->login_check = [this](const boost::asio::ip::address& a, std::string_view user) {
            return g.check(guard::door::smtp, a, user, now);
        };
        r->login_result = [this](const boost::asio::ip::address& a, std::string_view user, bool ok) {
            results.emplace_back(std::string{user}, ok);
            if (ok) g.succeeded(guard::door::smtp, a, user, now);
            else g.failed(guard::door::smtp, a, user, now);
        };
    }
    // A fresh session from `from` that tries AUTH PLAIN; the reply code.
    std::string auth_from(const char* from, std::string_view user, std::string_view pw) {
        s = std::make_unique<session_logic>(r, boost::asio::ip::make_address(from));
        ehlo();
        return say("AUTH PLAIN " + session_logic_fixture::b64(std::string{"\0", 1} + std::string{user} +
                                                               std::string{"\0", 1} + std::string{pw}));
    }
};
} // namespace

BOOST_FIXTURE_TEST_SUITE(session_logic_guard_suite, guarded)

BOOST_AUTO_TEST_CASE(failed_auth_blocks_the_address_with_454) {
    BOOST_CHECK_EQUAL(auth_from("192.0.2.1", "secure", "wrong"), "535");
    BOOST_CHECK_EQUAL(auth_from("192.0.2.1", "nobody", "x"), "535");
    BOOST_CHECK_EQUAL(auth_from("192.0.2.1", "ops", "opspw"), "535"); // ops has no AUTH: not a user
    BOOST_CHECK_EQUAL(auth_from("192.0.2.1", "secure", "s3cret"), "454");
    BOOST_CHECK_EQUAL(auth_from("192.0.2.2", "secure", "s3cret"), "235");
    // The guard heard the existing user by name, the others not at all.
    const std::vector<std::pair<std::string, bool>> expected{
        {"secure", false}, {"", false}, {"", false}, {"secure", true}};
    BOOST_TEST((results == expected));
    BOOST_TEST(g.counts(guard::door::smtp).failures == 3u);
}

BOOST_AUTO_TEST_CASE(a_locked_user_is_answered_like_wrong_credentials) {
    BOOST_CHECK_EQUAL(auth_from("198.51.100.1", "anyone", "pw"), "235"); // its own client
    for (int i = 0; i < 4; ++i)
        BOOST_CHECK_EQUAL(auth_from(("203.0.113." + std::to_string(i)).c_str(), "anyone", "guess"), "535");
    BOOST_CHECK_EQUAL(auth_from("203.0.113.50", "anyone", "pw"), "535");
    BOOST_CHECK_EQUAL(auth_from("198.51.100.1", "anyone", "pw"), "235");
    now += 16min; // the lockout (15 min) is over
    BOOST_CHECK_EQUAL(auth_from("203.0.113.50", "anyone", "pw"), "235");
}

BOOST_AUTO_TEST_SUITE_END()
