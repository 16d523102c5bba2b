#define BOOST_TEST_MODULE secret_equal
#include <boost/test/unit_test.hpp>

#include "util/secret_equal.hpp"

using twinsms::secret_equal;

BOOST_AUTO_TEST_CASE(equal_only_when_every_byte_and_the_length_match) {
    BOOST_TEST(secret_equal("secret-token-123", "secret-token-123"));
    BOOST_TEST(!secret_equal("secret-token-12", "secret-token-123"));
    BOOST_TEST(!secret_equal("secret-token-1234", "secret-token-123"));
    BOOST_TEST(!secret_equal("Secret-token-123", "secret-token-123"));
    BOOST_TEST(!secret_equal("secret-token-124", "secret-token-123"));
    BOOST_TEST(!secret_equal(std::string_view{"secret-token-123\0", 17}, "secret-token-123"));
    BOOST_TEST(!secret_equal("", "pw"));
    BOOST_TEST(!secret_equal("pw", ""));
    BOOST_TEST(secret_equal("", ""));
}
