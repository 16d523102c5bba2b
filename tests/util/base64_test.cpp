#define BOOST_TEST_MODULE base64
#include <boost/test/unit_test.hpp>

#include "util/base64.hpp"

using twinsms::base64_decode_lenient;
using twinsms::base64_encode;

// RFC 4648 section 10 test vectors.
BOOST_AUTO_TEST_CASE(rfc4648_vectors) {
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (int i = 0; i < 7; ++i) {
        BOOST_TEST(base64_encode(plain[i]) == coded[i]);
        BOOST_TEST(base64_decode_lenient(coded[i]) == plain[i]);
    }
}

BOOST_AUTO_TEST_CASE(binary_and_utf8_round_trip) {
    const std::string bytes{"\x00\xff\xfe\x80 caf\xc3\xa9", 10};
    BOOST_TEST(base64_encode(bytes) == "AP/+gCBjYWbDqQ==");
    BOOST_TEST(base64_decode_lenient(base64_encode(bytes)) == bytes);
}

BOOST_AUTO_TEST_CASE(lenient_reading) {
    BOOST_TEST(base64_decode_lenient("Zm9v\r\nYmFy") == "foobar");  // line breaks
    BOOST_TEST(base64_decode_lenient(" Zm 9v*Ym\tFy ") == "foobar"); // spaces and junk skipped
    BOOST_TEST(base64_decode_lenient("Zm9vYg") == "foob");           // no padding
    BOOST_TEST(base64_decode_lenient("Zm9vYmE") == "fooba");
    BOOST_TEST(base64_decode_lenient("Zm9vY") == "foo");             // 6 stray bits: no byte
    BOOST_TEST(base64_decode_lenient("Zg==Zm9v") == "f");            // nothing after the padding
    BOOST_TEST(base64_decode_lenient("!!!") == "");
}
